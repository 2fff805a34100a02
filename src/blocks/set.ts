import { z } from 'zod';
import { render } from '../vocabulary/merge-fields.ts';
import { variableName } from '../vocabulary/variables.ts';
import { blockCommon, blockId, defineBlock, PORT } from './block.ts';
import { FIELD_LABELS } from './labels.ts';
import { map, word } from './fields.ts';
import { keyPort } from './ports.ts';

export const setSchema = z.strictObject({
  type: z.literal('set'),
  ...blockCommon,
  values: z.record(variableName, z.string()).refine((values) => Object.keys(values).length > 0, 'set needs at least one variable'),
  next: blockId,
});
export type SetConfig = z.output<typeof setSchema>;

export const set = defineBlock({
  type: 'set',
  category: 'logic',
  label: { en: 'Set variables', ja: '変数を設定' },
  description: {
    en: 'Assigns variables (merge fields allowed, read as they were on entry) and goes on.',
    ja: '変数に値を設定して進みます（差し込みフィールドは入った時点の値で置き換わります）。',
  },
  schema: setSchema,
  fields: {
    name: word(FIELD_LABELS.name),
    values: map({ en: 'Values', ja: '値' }),
    next: PORT,
  },
  ports: () => [keyPort('next')],
  edges: (config) => [{ port: 'next', field: 'next', target: config.next, sets: Object.keys(config.values) }],
  templates: (config) => Object.entries(config.values).map(([name, text]) => ({ field: `values.${name}`, text })),
  enter(config, ctx) {
    // Every value is rendered against the variables as they were on entry, so the order of the
    // keys never matters (`a: "%b%"`, `b: "x"` gives a the old b).
    // Null prototype: a variable may be called anything the name rules allow, `constructor` too.
    const assigned: Record<string, string> = Object.create(null);
    for (const name in config.values) assigned[name] = render(config.values[name]!, ctx.vars);
    return { kind: 'next', target: config.next, set: assigned };
  },
});
