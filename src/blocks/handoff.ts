import { z } from 'zod';
import { render } from '../vocabulary/merge-fields.ts';
import { blockCommon, blockId, defineBlock, PORT } from './block.ts';
import { FIELD_LABELS, PORT_LABELS } from './labels.ts';
import { longText, number, word } from './fields.ts';

/** Seconds a hand-off waits for an agent to claim it before taking `no_agent`, when the block says nothing. */
export const DEFAULT_HANDOFF_TIMEOUT = 120;

export const handoffSchema = z.strictObject({
  type: z.literal('handoff'),
  ...blockCommon,
  /** Why a human is needed; shown to agents and in the conversation's record. */
  reason: z.string().min(1),
  text: z.string().optional(),
  /** Seconds to wait for an agent to claim the conversation (default 120); only with `no_agent`. */
  timeout: z
    .number()
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1 second')
    .max(86_400, 'must be at most a day (86400 seconds)')
    .optional(),
  /**
   * Where the bot goes when nobody can take over: no agent online, outside business hours, or no
   * claim within `timeout`. Unwired, the conversation waits in the inbox, marked handoff.
   */
  no_agent: blockId.optional(),
});
export type HandoffConfig = z.output<typeof handoffSchema>;

export const handoff = defineBlock({
  type: 'handoff',
  category: 'logic',
  label: { en: 'Hand off', ja: '担当者へ引き継ぎ' },
  description: {
    en: "Ends the bot's part: the conversation waits in the inbox for a person, with the reason shown to agents. With `no_agent` wired, the bot continues there when no agent is online, the team is outside its business hours, or nobody claims the conversation within `timeout`.",
    ja: 'ボットの対応を終え、担当者に引き継ぎます。会話は受信箱で担当者を待ち、理由は担当者に表示されます。`no_agent` がつながっていれば、オンラインの担当者がいないとき、営業時間外のとき、`timeout` 以内に誰も引き受けないときはそちらへ進みます。',
  },
  schema: handoffSchema,
  fields: {
    name: word(FIELD_LABELS.name),
    reason: word({ en: 'Reason', ja: '理由' }),
    text: longText(FIELD_LABELS.text),
    timeout: number(
      { en: 'Wait for an agent (seconds)', ja: '担当者を待つ時間（秒）' },
      {
        help: {
          en: 'How long the hand-off waits for an agent to claim it before taking no_agent (1–86400). Default: 120.',
          ja: '担当者が引き受けるのを待つ秒数（1〜86400）。過ぎると no_agent へ進みます。省略時は 120。',
        },
      },
    ),
    no_agent: PORT,
  },
  ports: () => [{ name: 'no_agent', field: 'no_agent', label: PORT_LABELS.no_agent, advanced: false }],
  edges: (config) => (config.no_agent !== undefined ? [{ port: 'no_agent', field: 'no_agent', target: config.no_agent, sets: [] }] : []),
  templates: (config) => (config.text !== undefined ? [{ field: 'text', text: config.text }] : []),
  enter: (config, ctx) => {
    // The team's availability is known only to the durable runtime; without it the hand-off waits.
    if (config.no_agent !== undefined && ctx.team && (!ctx.team.agentsOnline || !ctx.team.withinBusinessHours)) {
      return { kind: 'next', target: config.no_agent };
    }
    return {
      kind: 'end',
      status: 'handoff',
      reason: config.reason,
      messages: config.text !== undefined ? [{ text: render(config.text, ctx.vars) }] : [],
    };
  },
});
