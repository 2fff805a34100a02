import type { Locale } from '../vocabulary/locales.ts';
import type { ServiceFieldRef } from '../vocabulary/service-fields.ts';

/** A text in every language the admin speaks; a new locale is a compile error wherever one is missing. */
export type Label = Readonly<Record<Locale, string>>;

/**
 * How a form shows a field. The schema still says what a value may be (optional, its default,
 * an enum's entries); the widget says how a person edits it.
 */
export const FIELD_WIDGETS = [
  /** One line of text. */
  'text',
  /** Several lines of text. */
  'long-text',
  'number',
  /** A checkbox. */
  'yes-no',
  /** One of the schema's enum entries. */
  'select',
  /** A variable's name (`visitor.email`, `priority`). */
  'variable',
  /** Pairs of a key and a text (extra service fields, headers, variables to set). */
  'map',
  /** A list of items, each with the fields in `fields`. */
  'list',
  /** A nested object with the fields in `fields`. */
  'group',
  /** Any YAML value (a webhook's body). */
  'yaml',
] as const;
export type FieldWidget = (typeof FIELD_WIDGETS)[number];

/**
 * Whether a field's text may hold merge fields (`%visitor.name%`): `none` (a fixed word, a name or
 * a label), `text` (any text with merge fields inside), `single` (exactly one merge field and
 * nothing else — checked by the bot validator).
 */
export type MergeFields = 'none' | 'text' | 'single';

/** Marks a key of a block (or of a list item) that holds a port's target: drawn as a connection, not a form field. */
export const PORT = 'port';
/** One key of a block: a field, or the place of a port's target. */
export type FieldDecl = FieldMeta | typeof PORT;

/** What the builder, the validator and the docs know about one field of a block. */
export interface FieldMeta {
  readonly label: Label;
  readonly widget: FieldWidget;
  readonly merge: MergeFields;
  /** The connected service offers this field's values (a dropdown beside the text). */
  readonly values?: ServiceFieldRef;
  /** Words for the schema's enum entries (a select's options), when the codes alone do not read well. */
  readonly options?: Readonly<Record<string, Label>>;
  /** A list's item or a group's members, by key. Keys that hold a target are ports, not fields. */
  readonly fields?: Readonly<Record<string, FieldDecl>>;
  /** One sentence for the docs: what the field is for. */
  readonly help?: Label;
  /**
   * The field means nothing while a sibling key holds one of these values (a condition's `value`
   * under `is_set`): the form does not ask for it then, unless it already holds something.
   */
  readonly unusedWhen?: { readonly key: string; readonly values: readonly string[] };
}

type Extra = Partial<Pick<FieldMeta, 'values' | 'options' | 'fields' | 'help' | 'unusedWhen'>>;

// Short constructors, so a block's field table reads as a table.
export const text = (label: Label, extra: Extra = {}): FieldMeta => ({ label, widget: 'text', merge: 'text', ...extra });
export const longText = (label: Label, extra: Extra = {}): FieldMeta => ({ label, widget: 'long-text', merge: 'text', ...extra });
/** A fixed word, an id or a label: no merge fields. */
export const word = (label: Label, extra: Extra = {}): FieldMeta => ({ label, widget: 'text', merge: 'none', ...extra });
export const number = (label: Label, extra: Extra = {}): FieldMeta => ({ label, widget: 'number', merge: 'none', ...extra });
export const yesNo = (label: Label, extra: Extra = {}): FieldMeta => ({ label, widget: 'yes-no', merge: 'none', ...extra });
export const select = (label: Label, extra: Extra = {}): FieldMeta => ({ label, widget: 'select', merge: 'none', ...extra });
export const variable = (label: Label, extra: Extra = {}): FieldMeta => ({ label, widget: 'variable', merge: 'none', ...extra });
/** Exactly one merge field, written whole (`%visitor.email%`). */
export const mergeField = (label: Label, extra: Extra = {}): FieldMeta => ({ label, widget: 'text', merge: 'single', ...extra });
export const map = (label: Label, extra: Extra = {}): FieldMeta => ({ label, widget: 'map', merge: 'text', ...extra });
export const list = (label: Label, fields: Readonly<Record<string, FieldDecl>>, extra: Extra = {}): FieldMeta => ({
  label,
  widget: 'list',
  merge: 'none',
  fields,
  ...extra,
});
export const group = (label: Label, fields: Readonly<Record<string, FieldDecl>>, extra: Extra = {}): FieldMeta => ({
  label,
  widget: 'group',
  merge: 'none',
  fields,
  ...extra,
});
export const yaml = (label: Label, extra: Extra = {}): FieldMeta => ({ label, widget: 'yaml', merge: 'text', ...extra });
