import type { Outcome } from '../vocabulary/outcome.ts';
import { advance } from '../engine/advance.ts';
import type { RuntimeContext } from './context.ts';
import { loadConversation, stateOf, VersionConflict, writeAdvance } from './conversations.ts';
import { draftsOf } from './events.ts';
import { teamFor } from './team.ts';
import { markDone, recordAttempt, type AttemptRecord, type EffectRow } from './outbox.ts';

/** Optimistic writes retried this often when the conversation changed under us. */
const CONFLICT_RETRIES = 5;

export type Settlement =
  /** The conversation moved on past the integration block. */
  | 'advanced'
  /** The effect is done, but its conversation could not take the outcome (gone, over, or elsewhere). */
  | 'recorded'
  /** Another worker holds the effect now; it will finish it. */
  | 'lease_lost';

/**
 * Records the final outcome of an effect and advances its conversation, in one transaction:
 * the effect is marked done only while `owner` still holds its lease, so exactly one worker
 * ever applies an outcome. The attempt's log row commits either way.
 */
export async function settleEffect(ctx: RuntimeContext, owner: string, row: EffectRow, outcome: Outcome, attempt: AttemptRecord): Promise<Settlement> {
  // The bot is read before the transaction: on SQLite the transaction holds the only connection.
  const bot = await ctx.bots.version(row.bot_id, row.bot_version);
  const team = bot && (await teamFor(ctx, bot));
  for (let tries = 1; ; tries++) {
    try {
      return await ctx.store.transact(async (trx): Promise<Settlement> => {
        await recordAttempt(trx, attempt);
        const now = ctx.clock.now();
        if (!(await markDone(trx, row.id, owner, outcome, now))) return 'lease_lost';
        const current = await loadConversation(trx, row.conversation_id);
        if (!current || !bot) return 'recorded';
        const result = advance(bot, stateOf(current), { type: 'effect_result', effectId: row.id, outcome }, team);
        if (result.error && result.error.code !== 'step_limit') {
          ctx.log.warn(
            { effectId: row.id, conversationId: row.conversation_id, code: result.error.code },
            'an effect finished but its conversation does not wait for it; its outcome is recorded on the effect',
          );
          return 'recorded';
        }
        await writeAdvance(trx, current, result, draftsOf(result, current.status), {
          now,
          deadlineMs: ctx.deadlineMs,
          notifier: ctx.notifier,
          mailTeam: ctx.mailTeam,
        });
        return 'advanced';
      });
    } catch (error) {
      if (error instanceof VersionConflict && tries < CONFLICT_RETRIES) continue;
      throw error;
    }
  }
}
