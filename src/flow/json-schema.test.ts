import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BLOCK_TYPES } from '../blocks/types.ts';
import { botJsonSchema } from './json-schema.ts';

const design: Record<string, unknown> = parse(readFileSync(new URL('./fixtures/design-support.yaml', import.meta.url), 'utf8'));

describe('botJsonSchema', () => {
  const schema = botJsonSchema();
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
  const withBlock = (block: Record<string, unknown>) => ({ ...design, blocks: { ...(design.blocks as object), extra: block } });

  it('is plain JSON with a $schema, a title and the block types described', () => {
    const text = JSON.stringify(schema);
    expect(JSON.parse(text)).toEqual(schema);
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'Renkei bot file' });
    for (const type of BLOCK_TYPES) expect(text).toContain(`"const":"${type}"`);
    expect(text).toContain('helpdesk.ticket (integration): ports success, failure, integration_invalid, department_invalid, assignee_invalid');
  });

  it("describes each block's fields in the builder's words, for an editor's hover", () => {
    const text = JSON.stringify(schema);
    expect(text).toContain('"description":"Skip when already known: Go straight on when the variable already holds an answer of this kind."');
    expect(text).toContain('"description":"Mailing list"');
  });

  it('accepts the DESIGN.md example', () => {
    expect(validate(design), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts a file that leaves out keys with defaults', () => {
    const { locale: _locale, ...rest } = design;
    expect(validate(withBlock({ type: 'ask', kind: 'text', prompt: 'Hi', save: 'x', next: 'done' }))).toBe(true);
    expect(validate(rest)).toBe(true);
  });

  it('refuses unknown keys, unknown block types and wrong values, as editors should show', () => {
    expect(validate({ ...design, colour: 'red' })).toBe(false);
    expect(validate(withBlock({ type: 'end', txt: 'typo' }))).toBe(false);
    expect(validate(withBlock({ type: 'crm.leed', ports: { success: 'done', failure: 'done' } }))).toBe(false);
    expect(validate(withBlock({ type: 'ask', kind: 'colour', prompt: 'Hi', save: 'x', next: 'done' }))).toBe(false);
    expect(validate({ ...design, renkei: 2 })).toBe(false);
  });
});
