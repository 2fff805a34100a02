import { z } from 'zod';
import { render } from '../vocabulary/merge-fields.ts';
import { blockCommon, defineBlock } from './block.ts';

export const handoffSchema = z.strictObject({
  type: z.literal('handoff'),
  ...blockCommon,
  /** Why a human is needed; shown to agents and in the conversation's record. */
  reason: z.string().min(1),
  text: z.string().optional(),
});
export type HandoffConfig = z.output<typeof handoffSchema>;

export const handoff = defineBlock({
  type: 'handoff',
  category: 'logic',
  schema: handoffSchema,
  edges: () => [],
  templates: (config) => (config.text !== undefined ? [{ field: 'text', text: config.text }] : []),
  enter: (config, ctx) => ({
    kind: 'end',
    status: 'handoff',
    reason: config.reason,
    messages: config.text !== undefined ? [{ text: render(config.text, ctx.vars) }] : [],
  }),
});
