import { z } from 'zod';
import { render } from '../vocabulary/merge-fields.ts';
import { blockCommon, defineBlock } from './block.ts';
import { FIELD_LABELS } from './labels.ts';
import { longText, word } from './fields.ts';

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
  label: { en: 'Hand off', ja: '担当者へ引き継ぎ' },
  description: {
    en: "Ends the bot's part: the conversation waits for a person, with the reason shown to agents.",
    ja: 'ボットの対応を終え、担当者に引き継ぎます。理由は担当者に表示されます。',
  },
  schema: handoffSchema,
  fields: {
    name: word(FIELD_LABELS.name),
    reason: word({ en: 'Reason', ja: '理由' }),
    text: longText(FIELD_LABELS.text),
  },
  ports: () => [],
  edges: () => [],
  templates: (config) => (config.text !== undefined ? [{ field: 'text', text: config.text }] : []),
  enter: (config, ctx) => ({
    kind: 'end',
    status: 'handoff',
    reason: config.reason,
    messages: config.text !== undefined ? [{ text: render(config.text, ctx.vars) }] : [],
  }),
});
