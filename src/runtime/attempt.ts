import { BLOCKS } from '../blocks/index.ts';
import type { BlockType } from '../blocks/types.ts';
import { failure, unknownOutcome, type Outcome, type OutcomeName } from '../vocabulary/outcome.ts';
import type { RoleConnectors } from '../vocabulary/roles.ts';
import { hotQuery } from '../store/kysely/hot-query.ts';
import { runEffect } from './run-effect.ts';
import { backoffMs, type RetryPolicy } from './backoff.ts';
import { clockTimeout } from './clock.ts';
import type { RuntimeContext } from './context.ts';
import { effectOf, recordAttempt, scheduleRetry, type AttemptRecord, type EffectRow } from './outbox.ts';
import { settleEffect, type Settlement } from './settle.ts';

/**
 * A claim made after the block's deadline (the worker that had it died, or the queue was long)
 * still gets one call this long: an earlier attempt may have created the record, and only a
 * call can find it.
 */
export const LATE_ATTEMPT_MS = 5_000;

/** One connector call, as metrics see it. */
export interface AttemptInfo {
  readonly effectId: string;
  readonly conversationId: string;
  readonly botId: string;
  readonly blockId: string;
  readonly action: string;
  readonly provider: string;
  readonly attempt: number;
  readonly durationMs: number;
  readonly outcome: OutcomeName;
  /** False when the failure will be retried. */
  readonly final: boolean;
}

export interface AttemptContext extends RuntimeContext {
  readonly owner: string;
  readonly connectors: RoleConnectors;
  readonly retry: RetryPolicy;
  readonly random: () => number;
  readonly onAttempt: ((info: AttemptInfo) => void) | undefined;
  /** Wake the worker loop at this time (a retry becomes due). */
  readonly wakeAt: (at: Date) => void;
}

export type AttemptResult = Settlement | 'retry' | 'stopped';

/**
 * Runs one claimed effect once: calls the connector within the block's deadline, logs the
 * attempt, and either schedules a retry (a retryable failure with time left) or settles the
 * final outcome. `stop` aborts the call when the process shuts down; the effect is then left to
 * the lease release.
 */
export async function attemptEffect(ctx: AttemptContext, row: EffectRow, stop: AbortSignal): Promise<AttemptResult> {
  const effect = effectOf(row);
  const startedAt = ctx.clock.now();
  const deadline = Date.parse(row.deadline_at);
  const budgetMs = deadline > startedAt.getTime() ? deadline - startedAt.getTime() : LATE_ATTEMPT_MS;
  const provider = await providerOf(ctx, row.action);
  const timeout = clockTimeout(ctx.clock, budgetMs);
  const signal = AbortSignal.any([timeout.signal, stop]);
  const t0 = performance.now();
  const answered = await within(
    runEffect(effect, ctx.connectors, {
      signal,
      retryOfUnknown: row.attempts > 1,
      startedAt: Date.parse(row.created_at),
      deadline: startedAt.getTime() + budgetMs,
    }),
    signal,
  ).finally(timeout.cancel);
  // Only a call cut short by the stop is left to the lease release; one that answered in time counts.
  const stopped = answered === undefined && stop.aborted;
  const outcome =
    answered ??
    (stopped ? unknownOutcome('the server stopped before the service answered') : unknownOutcome("the service did not answer before the block's deadline"));
  const durationMs = Math.round(performance.now() - t0);
  const record = (o: Outcome): AttemptRecord => ({
    effect_id: row.id,
    conversation_id: row.conversation_id,
    bot_id: row.bot_id,
    block_id: row.block_id,
    action: row.action,
    provider,
    attempt: row.attempts,
    started_at: startedAt.toISOString(),
    duration_ms: durationMs,
    outcome: o.outcome,
    message: 'message' in o && o.message !== undefined ? o.message : null,
  });
  const report = (o: Outcome, final: boolean) =>
    ctx.onAttempt?.({
      effectId: row.id,
      conversationId: row.conversation_id,
      botId: row.bot_id,
      blockId: row.block_id,
      action: row.action,
      provider,
      attempt: row.attempts,
      durationMs,
      outcome: o.outcome,
      final,
    });

  if (stopped) {
    await recordAttempt(ctx.db, record(outcome));
    report(outcome, false);
    return 'stopped';
  }

  let final = outcome;
  if (outcome.outcome === 'failure' && outcome.retryable) {
    const now = ctx.clock.now();
    const nextAt = new Date(now.getTime() + backoffMs(row.attempts, ctx.retry, ctx.random));
    if (nextAt.getTime() < deadline) {
      const scheduled = await ctx.store.transact(async (trx) => {
        await recordAttempt(trx, record(outcome));
        return scheduleRetry(trx, row.id, ctx.owner, nextAt, now);
      });
      report(outcome, false);
      if (!scheduled) return 'lease_lost';
      ctx.wakeAt(nextAt);
      return 'retry';
    }
    final = failure(`${outcome.message} (gave up after ${row.attempts} attempt${row.attempts === 1 ? '' : 's'}: the block's deadline passed)`);
  }
  const settled = await settleEffect(ctx, ctx.owner, row, final, record(outcome));
  report(outcome, true);
  return settled;
}

/** The call's outcome, or undefined as soon as `signal` aborts: a connector that ignores its signal cannot hold a worker. */
function within(call: Promise<Outcome>, signal: AbortSignal): Promise<Outcome | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<Outcome | undefined>((resolve) => {
    const aborted = () => resolve(undefined);
    signal.addEventListener('abort', aborted, { once: true });
    call.then(
      (outcome) => {
        signal.removeEventListener('abort', aborted);
        resolve(outcome);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', aborted);
        resolve(failure(error instanceof Error ? error.message : String(error), true));
      },
    );
  });
}

/** Read on every attempt: compiled once. */
const selectProvider = hotQuery<{ provider: string }>((db, [role]) =>
  db
    .selectFrom('integrations')
    .select('provider')
    .where('role', '=', role as string),
);

/** Who serves the block's role right now (`builtin`, `zoho`), for the execution log. */
async function providerOf(ctx: RuntimeContext, action: string): Promise<string> {
  const role = BLOCKS[action as BlockType]?.integration?.role;
  if (role === undefined) return 'none';
  if (role === 'webhook') return 'webhook';
  const { rows } = await selectProvider(ctx.db, [role]);
  return rows[0]?.provider ?? 'none';
}
