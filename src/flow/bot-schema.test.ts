import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { botSchema } from './bot-schema.ts';

const bot = {
  renkei: 1,
  id: 'support-2',
  name: 'Support',
  start: 'hello',
  blocks: { hello: { type: 'message', text: 'Hi', next: 'bye' }, bye: { type: 'end' } },
};
const issues = (input: unknown) => {
  const result = botSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.code}:${i.path.join('.')}`);
};

describe('botSchema', () => {
  it('accepts a bot and defaults its locale to en', () => {
    expect(botSchema.parse(bot).locale).toBe('en');
    expect(botSchema.parse({ ...bot, locale: 'ja' }).locale).toBe('ja');
  });

  it('refuses another format version, a bad id or locale, and unknown top-level keys', () => {
    expect(issues({ ...bot, renkei: 2 })).toEqual(['invalid_value:renkei']);
    expect(issues({ ...bot, id: 'Support Desk' })).toEqual(['invalid_format:id']);
    expect(issues({ ...bot, locale: 'fr' })).toEqual(['invalid_value:locale']);
    expect(issues({ ...bot, strat: 'hello' })).toEqual(['unrecognized_keys:']);
  });

  it('names the block of an unknown type or key', () => {
    expect(issues({ ...bot, blocks: { ...bot.blocks, bye: { type: 'farewell' } } })).toEqual(['invalid_union:blocks.bye.type']);
    expect(issues({ ...bot, blocks: { ...bot.blocks, bye: { type: 'end', txt: 'Bye' } } })).toEqual(['unrecognized_keys:blocks.bye']);
  });

  it('exports a JSON Schema of the input format for editors', () => {
    const schema = z.toJSONSchema(botSchema, { io: 'input' }) as unknown as {
      required: string[];
      properties: { blocks: { additionalProperties: { oneOf: { properties: { type: { const: string } } }[] } } };
    };
    expect(schema.required).toEqual(['renkei', 'id', 'name', 'start', 'blocks']);
    const types = schema.properties.blocks.additionalProperties.oneOf.map((b) => b.properties.type.const);
    expect(types).toContain('helpdesk.ticket');
    expect(types).toHaveLength(15);
  });
});
