import { z } from 'zod';
import { render } from '../vocabulary/merge-fields.ts';
import { blockCommon, defineBlock } from './block.ts';

export const endSchema = z.strictObject({ type: z.literal('end'), ...blockCommon, text: z.string().optional() });
export type EndConfig = z.output<typeof endSchema>;

export const end = defineBlock({
  type: 'end',
  category: 'logic',
  schema: endSchema,
  edges: () => [],
  templates: (config) => (config.text !== undefined ? [{ field: 'text', text: config.text }] : []),
  enter: (config, ctx) => ({
    kind: 'end',
    status: 'ended',
    reason: null,
    messages: config.text !== undefined ? [{ text: render(config.text, ctx.vars) }] : [],
  }),
});
