import { z } from 'zod';
import { blockCommon, blockId, defineBlock } from './block.ts';

export const gotoSchema = z.strictObject({ type: z.literal('goto'), ...blockCommon, target: blockId });
export type GotoConfig = z.output<typeof gotoSchema>;

export const goto = defineBlock({
  type: 'goto',
  category: 'logic',
  schema: gotoSchema,
  edges: (config) => [{ port: 'target', field: 'target', target: config.target, sets: [] }],
  templates: () => [],
  enter: (config) => ({ kind: 'next', target: config.target }),
});
