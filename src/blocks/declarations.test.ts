import { describe as suite, expect, it } from 'vitest';
import type { z } from 'zod';
import { SERVICE_FIELDS } from '../vocabulary/service-fields.ts';
import { LOCALES } from '../vocabulary/locales.ts';
import { fieldEntries, PORT, type FieldDecl } from './block.ts';
import type { FieldMeta, FieldWidget } from './fields.ts';
import { BLOCKS, BLOCK_TYPES } from './index.ts';
import { describe, type FieldShape } from './zod-shape.ts';

/** Which schema kinds each widget can edit. */
const WIDGET_KINDS: { readonly [W in FieldWidget]: readonly FieldShape['kind'][] } = {
  text: ['string'],
  'long-text': ['string'],
  number: ['number'],
  'yes-no': ['boolean'],
  select: ['enum'],
  variable: ['string'],
  map: ['record'],
  list: ['array'],
  group: ['object'],
  yaml: ['any'],
};

/** Every declared field with its schema, at every depth, as `path → [declaration, schema]`. */
function walk(decls: readonly [string, FieldDecl][], shape: Readonly<Record<string, z.core.$ZodType>>, at: string): [string, FieldMeta, z.core.$ZodType][] {
  const keys = Object.keys(shape).filter((k) => k !== 'type' && k !== 'position');
  expect(decls.map(([k]) => k).sort(), `keys declared at ${at || 'the top'}`).toEqual(keys.sort());
  return decls.flatMap(([key, decl]) => {
    if (decl === PORT) return [];
    const schema = shape[key]!;
    const path = at ? `${at}.${key}` : key;
    const field = describe(schema);
    const inner = field.kind === 'array' ? describe(field.element!) : field;
    const nested = decl.fields ? walk(Object.entries(decl.fields), inner.shape ?? {}, path) : [];
    return [[path, decl, schema] as [string, FieldMeta, z.core.$ZodType], ...nested];
  });
}

/** A block of each type with every port's key written (two options, two rules, every outcome). */
const FULL: Record<string, Record<string, unknown>> = {
  message: { type: 'message', text: 'Hi', next: 'b' },
  ask: { type: 'ask', kind: 'email', prompt: 'Email?', save: 'visitor.email', invalid: 'c', next: 'b' },
  choice: {
    type: 'choice',
    prompt: 'Pick',
    save: 'p',
    options: [
      { label: 'A', value: 'a', next: 'b' },
      { label: 'B', value: 'b', next: 'c' },
    ],
    invalid: 'd',
  },
  consent: {
    type: 'consent',
    text: 'We keep your details.',
    link: { url: 'https://example.com/privacy', label: 'Privacy policy' },
    accept_label: 'OK',
    decline_label: 'No thanks',
    save: 'privacy',
    next: 'b',
    declined: 'c',
  },
  condition: {
    type: 'condition',
    rules: [
      { when: { var: 'x', op: 'is_set' }, next: 'b' },
      { when: { var: 'y', op: 'equals', value: '1' }, next: 'c' },
    ],
    else: 'd',
  },
  set: { type: 'set', values: { x: '1' }, next: 'b' },
  goto: { type: 'goto', target: 'b' },
  end: { type: 'end' },
  handoff: { type: 'handoff', reason: 'human' },
  'crm.lead': { type: 'crm.lead', ports: { success: 'b', failure: 'c', integration_invalid: 'd', already_exists: 'e' } },
  'crm.contact': { type: 'crm.contact', ports: { success: 'b', failure: 'c', integration_invalid: 'd' } },
  'crm.deal': { type: 'crm.deal', name: 'D', stage: 'S', ports: { success: 'b', failure: 'c', integration_invalid: 'd' } },
  'helpdesk.ticket': {
    type: 'helpdesk.ticket',
    subject: 'S',
    ports: { success: 'b', failure: 'c', integration_invalid: 'd', department_invalid: 'e', assignee_invalid: 'f' },
  },
  'mailing.subscribe': { type: 'mailing.subscribe', list: 'News', ports: { success: 'b', failure: 'c', integration_invalid: 'd' } },
  webhook: { type: 'webhook', url: 'https://example.com', ports: { success: 'b', failure: 'c' } },
};

suite('block declarations', () => {
  it.each(BLOCK_TYPES)('%s declares every key of its schema, nested ones too, with a widget that can edit it', (type) => {
    const def = BLOCKS[type];
    const fields = walk(fieldEntries(def.fields), describe(def.schema).shape ?? {}, '');
    for (const [path, meta, schema] of fields) {
      expect(WIDGET_KINDS[meta.widget], `${type} ${path}`).toContain(describe(schema).kind);
      for (const locale of LOCALES) expect(meta.label[locale], `${type} ${path} label (${locale})`).not.toBe('');
      if (meta.values) expect(SERVICE_FIELDS[meta.values.role] as readonly string[]).toContain(meta.values.field);
      if (meta.options) expect(Object.keys(meta.options).sort()).toEqual([...(describe(schema).entries ?? [])].sort());
    }
  });

  it.each(BLOCK_TYPES)('%s names itself in every locale', (type) => {
    for (const locale of LOCALES) {
      expect(BLOCKS[type].label[locale]).not.toBe('');
      expect(BLOCKS[type].description[locale]).not.toBe('');
    }
  });

  it.each(BLOCK_TYPES)('%s declares a port for every edge a block can have, none of them hidden when wired', (type) => {
    const block = FULL[type]!;
    const config = BLOCKS[type].schema.parse(block);
    const ports = BLOCKS[type].ports(block);
    // Method syntax makes the registry's definitions accept the union of configs; this one is its own.
    const edges = (BLOCKS[type].edges as (c: unknown) => readonly { port: string; field: string }[])(config);
    expect(edges.map((e) => [e.port, e.field])).toEqual(ports.map((p) => [p.name, p.field]));
    expect(new Set(ports.map((p) => p.field)).size).toBe(ports.length);
  });

  it('ports read an incomplete block without throwing', () => {
    for (const type of BLOCK_TYPES) {
      for (const block of [{ type }, { type, options: 'x', rules: [null, 3] }]) expect(() => BLOCKS[type].ports(block)).not.toThrow();
    }
    expect(BLOCKS.choice.ports({ type: 'choice', options: [{ value: 'v' }, null] }).map((p) => p.caption)).toEqual(['v', '#2', undefined]);
  });

  it('leaves the specific outcome ports of an integration to advanced error handling', () => {
    const ports = BLOCKS['helpdesk.ticket'].ports({ type: 'helpdesk.ticket' });
    expect(ports.filter((p) => !p.advanced).map((p) => p.name)).toEqual(['success', 'failure']);
    expect(ports.filter((p) => p.advanced).map((p) => p.name)).toEqual(['integration_invalid', 'department_invalid', 'assignee_invalid']);
  });

  it('finds a choice option value used twice', () => {
    const block = { type: 'choice', options: [{ value: 'a' }, { value: 'b' }, { value: 'a' }] };
    expect(BLOCKS.choice.check?.(block)).toEqual([{ code: 'duplicate_option_value', params: { value: 'a', first: 1 }, path: ['options', 2, 'value'] }]);
  });
});
