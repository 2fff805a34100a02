import { z } from 'zod';
import { render } from '../vocabulary/merge-fields.ts';
import { blockCommon, blockId, defineBlock } from './block.ts';

/** Seconds a hand-off waits for an agent to claim it before taking `no_agent`, when the block says nothing. */
export const DEFAULT_HANDOFF_TIMEOUT = 120;

export const handoffSchema = z.strictObject({
  type: z.literal('handoff'),
  ...blockCommon,
  /** Why a human is needed; shown to agents and in the conversation's record. */
  reason: z.string().min(1),
  text: z.string().optional(),
  /** Seconds to wait for an agent to claim the conversation (default 120); only with `no_agent`. */
  timeout: z.number().int('must be a whole number of seconds').min(1, 'must be at least 1 second').max(86_400, 'must be at most a day (86400 seconds)').optional(),
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
  schema: handoffSchema,
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
