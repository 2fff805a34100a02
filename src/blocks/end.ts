import { z } from 'zod';
import { render } from '../vocabulary/merge-fields.ts';
import { blockCommon, defineBlock } from './block.ts';
import { FIELD_LABELS } from './labels.ts';
import { longText, word } from './fields.ts';

export const endSchema = z.strictObject({ type: z.literal('end'), ...blockCommon, text: z.string().optional() });
export type EndConfig = z.output<typeof endSchema>;

export const end = defineBlock({
  type: 'end',
  category: 'logic',
  label: { en: 'End', ja: '終了' },
  description: { en: 'Ends the conversation, optionally with a last message.', ja: '会話を終えます（最後のメッセージも表示できます）。' },
  schema: endSchema,
  fields: { name: word(FIELD_LABELS.name), text: longText(FIELD_LABELS.text) },
  ports: () => [],
  edges: () => [],
  templates: (config) => (config.text !== undefined ? [{ field: 'text', text: config.text }] : []),
  enter: (config, ctx) => ({
    kind: 'end',
    status: 'ended',
    reason: null,
    messages: config.text !== undefined ? [{ text: render(config.text, ctx.vars) }] : [],
  }),
});
