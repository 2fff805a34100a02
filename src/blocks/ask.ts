import { z } from 'zod';
import { ANSWERS } from '../answers/index.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { variableName } from '../vocabulary/variables.ts';
import { ASK_KINDS } from '../vocabulary/ask-kinds.ts';
import { blockCommon, blockId, defineBlock } from './block.ts';
import { refuseAnswer } from './refusal.ts';

export const askSchema = z.strictObject({
  type: z.literal('ask'),
  ...blockCommon,
  kind: z.enum(ASK_KINDS),
  prompt: z.string(),
  save: variableName,
  retries: z.int().min(0).default(2),
  invalid: blockId.optional(),
  /** Go straight to `next` when `save` already holds a value this kind accepts (the site identified the visitor, an earlier answer). */
  skip_if_known: z.boolean().optional(),
  next: blockId,
});
export type AskConfig = z.output<typeof askSchema>;

export const ask = defineBlock({
  type: 'ask',
  category: 'inputs',
  schema: askSchema,
  edges: (config) => [
    { port: 'next', field: 'next', target: config.next, sets: [config.save] },
    ...(config.invalid !== undefined ? [{ port: 'invalid', field: 'invalid', target: config.invalid, sets: [] }] : []),
  ],
  templates: (config) => [{ field: 'prompt', text: config.prompt }],
  enter(config, ctx) {
    if (config.skip_if_known) {
      const known = ctx.vars[config.save];
      const read = known === undefined || known === '' ? null : ANSWERS[config.kind](known, ctx.locale);
      if (read?.ok) return { kind: 'next', target: config.next, set: { [config.save]: read.value } };
    }
    return { kind: 'wait', messages: [{ text: render(config.prompt, ctx.vars) }], input: { kind: config.kind } };
  },
  answer(config, ctx, answer) {
    // A button press at a text question is read like the same text typed.
    const raw = answer.type === 'reply' ? answer.text : answer.value;
    const read = ANSWERS[config.kind](raw, ctx.locale);
    if (read.ok) return { kind: 'next', target: config.next, set: { [config.save]: read.value } };
    return refuseAnswer(config, ctx, read.code, { kind: config.kind });
  },
});
