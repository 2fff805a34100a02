import type { Catalog } from '../problem.ts';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'null',
  undefined: 'nothing',
  empty: 'empty',
};
const FORMATS: Readonly<Record<string, string>> = { url: 'URL (http or https)', email: 'email address', uuid: 'UUID', datetime: 'date and time', date: 'date' };
const typeName = (t: string): string => TYPE_NAMES[t] ?? t;
const list = (items: readonly string[]): string => items.join(', ');
const didYouMean = (s: string | null): string => (s === null ? '' : ` — did you mean "${s}"?`);

export const en: Catalog = {
  problems: {
    file_unreadable: (p) => `cannot read the file: ${p.reason}`,
    yaml_syntax: (p) => `malformed YAML: ${p.detail}`,
    yaml_warning: (p) => p.detail,
    too_large: (p) =>
      `the bot is larger than ${p.limit.toLocaleString('en')} characters once its YAML aliases (*name) are expanded; a bot that large is not one a person wrote — repeat less through aliases`,
    duplicate_key: (p) => `duplicate key "${p.key}" — each key may appear once`,
    not_a_mapping: (p) => `a bot file must be a mapping with renkei, id, name, locale, start and blocks; this is ${typeName(p.received)}`,
    unknown_key: (p) => `unknown key "${p.key}"${didYouMean(p.suggestion)}${p.suggestion === null ? ` (allowed keys: ${list(p.allowed)})` : ''}`,
    missing_key: (p) => `missing required key "${p.key}"`,
    invalid_type: (p) => `expected ${p.expected.map(typeName).join(' or ')}, got ${typeName(p.received)}`,
    invalid_option: (p) => `${p.value} is not allowed${didYouMean(p.suggestion)} (allowed: ${list(p.allowed)})`,
    invalid_variable: (p) =>
      `"${p.value}" is not a variable name — use visitor.name, visitor.email, visitor.phone, visitor.company or a bot variable of a-z, 0-9 and _`,
    invalid_value: (p) => p.detail,
    missing_block_type: (p) => `missing block "type" (block types: ${list(p.types)})`,
    unknown_block_type: (p) => `unknown block type "${p.type}"${didYouMean(p.suggestion)} (block types: ${list(p.types)})`,
    unknown_target: (p) => `no block "${p.target}" in this bot${didYouMean(p.suggestion)}`,
    missing_port: (p) => `missing ${p.port} port — every integration block needs success and failure (${p.type} ports: ${list(p.ports)})`,
    unknown_port: (p) => `${p.type} has no port "${p.port}" — its ports are: ${list(p.ports)}`,
    unknown_output: (p) =>
      p.outputs.length === 0
        ? `${p.type} has no output "${p.key}" — it has no outputs to save`
        : `${p.type} has no output "${p.key}" — its outputs are: ${list(p.outputs)}`,
    undefined_variable: (p) =>
      p.setBy.length === 0
        ? `merge field %${p.variable}% names a variable that no block sets`
        : `merge field %${p.variable}% is not set on any path to this block (it is set only by ${list(p.setBy)})`,
    unknown_visitor_field: (p) => `merge field %${p.variable}% is not a visitor field — visitor fields are: ${p.fields.map((f) => `visitor.${f}`).join(', ')}`,
    not_single_merge_field: (p) => `${p.key} must be exactly one merge field such as %visitor.${p.key}%, not "${p.text}"`,
    invalid_bot_id: (p) => `${p.value} cannot be a bot id: use lower-case letters, digits and - (e.g. contact-2)`,
    empty_value: (p) => `${p.key} is empty: write a value`,
    out_of_range: (p) =>
      p.origin === 'string' || p.origin === 'array'
        ? `${p.bound === 'min' ? 'at least' : 'at most'} ${p.limit} ${p.origin === 'string' ? 'characters' : 'items'}`
        : `must be ${p.bound === 'min' ? (p.inclusive ? 'at least' : 'more than') : p.inclusive ? 'at most' : 'less than'} ${p.limit}`,
    invalid_format: (p) => `${p.value} is not a valid ${FORMATS[p.format] ?? p.format}`,
    empty_text: (p) => `${p.key} is empty: the visitor would be shown nothing. Write the text`,
    choice_value_unknown: (p) =>
      `option ${p.option} saves "${p.value}" to ${p.variable}, which block "${p.target}" sends as ${p.field}: the service knows only ${list(p.allowed)}${didYouMean(p.suggestion)}`,
    duplicate_option_value: (p) => `option value "${p.value}" is already used by option ${p.first} — option values must be unique`,
    unreachable_block: (p) => `unreachable block — no path leads here from the start block "${p.start}"`,
    low_contrast: (p) =>
      `the accent ${p.colour} has a contrast of only ${p.ratio} against the ${p.theme} theme's background (controls need 3:1): links and option buttons will use the text colour instead`,
  },
  block: (id) => `block "${id}"`,
  field: (path) => `field "${path}"`,
  warning: 'warning',
};
