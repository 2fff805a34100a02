import { z } from 'zod';
import { blockCommon, blockId, defineBlock, PORT } from './block.ts';
import { FIELD_LABELS } from './labels.ts';
import { word } from './fields.ts';
import { keyPort } from './ports.ts';

export const gotoSchema = z.strictObject({ type: z.literal('goto'), ...blockCommon, target: blockId });
export type GotoConfig = z.output<typeof gotoSchema>;

export const goto = defineBlock({
  type: 'goto',
  category: 'logic',
  label: { en: 'Go to', ja: 'ジャンプ' },
  description: { en: 'Jumps to another block.', ja: '別のブロックへ移ります。' },
  schema: gotoSchema,
  fields: { name: word(FIELD_LABELS.name), target: PORT },
  ports: () => [keyPort('target')],
  edges: (config) => [{ port: 'target', field: 'target', target: config.target, sets: [] }],
  templates: () => [],
  enter: (config) => ({ kind: 'next', target: config.target }),
});
