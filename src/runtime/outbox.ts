import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Outcome } from '../vocabulary/outcome.ts';
import type { Effect } from '../engine/types.ts';
import type { Locale } from '../vocabulary/locales.ts';
import { newId } from '../store/keys.ts';
import { hotQuery } from '../store/kysely/hot-query.ts';
import type { Database, EffectAttemptsTable, EffectsTable } from '../store/schema.ts';
import type { StoreDialect } from '../store/store.ts';

/*
 * The outbox: the effects table, and every statement that moves an effect between
 * pending → running (claimed under a lease) → pending (retry, release) | done.
 * A worker changes a running effect only while it holds the lease (`lease_owner` = itself and
 * still `running`), so a worker that lost its lease to another can never finish the effect twice.
 */

export type EffectRow = Selectable<EffectsTable>;

export async function insertEffect(
  trx: Transaction<Database>,
  conversation: { readonly id: string; readonly botVersion: number },
  effect: Effect,
  now: Date,
  deadlineMs: number,
): Promise<void> {
  await trx
    .insertInto('effects')
    .values(effectRow(conversation, effect, now, deadlineMs))
    .execute();
}

/** The outbox row of a new effect: pending, due now, its deadline `deadlineMs` away. */
export function effectRow(
  conversation: { readonly id: string; readonly botVersion: number },
  effect: Effect,
  now: Date,
  deadlineMs: number,
): Insertable<EffectsTable> {
  const at = now.toISOString();
  return {
    id: effect.id,
    conversation_id: conversation.id,
    bot_id: effect.botId,
    bot_version: conversation.botVersion,
    block_id: effect.blockId,
    action: effect.action,
    locale: effect.locale,
    request: JSON.stringify(effect.request),
    status: 'pending',
    attempts: 0,
    lease_owner: null,
    lease_until: null,
    next_attempt_at: at,
    deadline_at: new Date(now.getTime() + deadlineMs).toISOString(),
    outcome: null,
    created_at: at,
    updated_at: at,
  };
}

/** The engine's effect, as the connectors take it. */
export function effectOf(row: EffectRow): Effect {
  return {
    id: row.id,
    blockId: row.block_id,
    action: row.action,
    request: JSON.parse(row.request) as unknown,
    locale: row.locale as Locale,
    botId: row.bot_id,
  };
}

export interface ClaimOptions {
  readonly owner: string;
  readonly now: Date;
  readonly leaseMs: number;
  readonly limit: number;
  /**
   * When given, an effect's first claim starts its block's deadline (now + deadlineMs): time
   * spent queued behind other effects does not count against it. Without it the deadline set
   * when the effect was written stands.
   */
  readonly deadlineMs?: number;
}

/**
 * Claims up to `limit` due effects for `owner` and counts their attempt: first running ones
 * whose lease expired (their worker died), then pending ones whose time has come, oldest first.
 * Each is one statement: on SQLite it runs under the database's write lock; on PostgreSQL the
 * candidates are locked with `FOR UPDATE SKIP LOCKED`, so concurrent claimers take different
 * effects instead of waiting for each other. Two simple range scans rather than one `or`: each
 * walks its index in order, where the `or` would sort every due effect to take the first few.
 */
export async function claimDue(db: Kysely<Database>, dialect: StoreDialect, options: ClaimOptions): Promise<EffectRow[]> {
  const expired = await claimExpired(db, dialect, options);
  const pending = await claimPending(db, dialect, { ...options, limit: options.limit - expired.length });
  return [...expired, ...pending];
}

/** Running effects whose lease expired: their worker died or lost the database. */
export function claimExpired(db: Kysely<Database>, dialect: StoreDialect, options: ClaimOptions): Promise<EffectRow[]> {
  return claimWhere(db, dialect, options, 'running', 'lease_until', options.limit);
}

/** Pending effects whose (next) attempt is due, oldest first. */
export function claimPending(db: Kysely<Database>, dialect: StoreDialect, options: ClaimOptions): Promise<EffectRow[]> {
  return claimWhere(db, dialect, options, 'pending', 'next_attempt_at', options.limit);
}

async function claimWhere(
  db: Kysely<Database>,
  dialect: StoreDialect,
  options: ClaimOptions,
  status: 'pending' | 'running',
  dueColumn: 'next_attempt_at' | 'lease_until',
  limit: number,
): Promise<EffectRow[]> {
  if (limit <= 0) return [];
  const at = options.now.toISOString();
  const { deadlineMs } = options;
  let due = db.selectFrom('effects').select('id').where('status', '=', status).where(dueColumn, '<=', at).orderBy(dueColumn).limit(limit);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  return db
    .updateTable('effects')
    .set((eb) => ({
      status: 'running',
      lease_owner: options.owner,
      lease_until: new Date(options.now.getTime() + options.leaseMs).toISOString(),
      attempts: eb('attempts', '+', 1),
      updated_at: at,
      // SET sees the row as it was: attempts = 0 is the first claim.
      ...(deadlineMs === undefined
        ? {}
        : {
            deadline_at: eb
              .case()
              .when('attempts', '=', 0)
              .then(new Date(options.now.getTime() + deadlineMs).toISOString())
              .else(eb.ref('deadline_at'))
              .end(),
          }),
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/** Keeps the leases of `owner`'s running effects alive while their calls last. */
export async function extendLeases(db: Kysely<Database>, owner: string, ids: readonly string[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('effects')
    .set({ lease_until: until.toISOString() })
    .where('id', 'in', ids)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .execute();
}

/** Back to pending at `nextAt`, if `owner` still holds it. */
export async function scheduleRetry(trx: Kysely<Database>, id: string, owner: string, nextAt: Date, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('effects')
    .set({ status: 'pending', lease_owner: null, lease_until: null, next_attempt_at: nextAt.toISOString(), updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

const updateDone = hotQuery((db, [done, noOwner, noLease, outcome, updatedAt, id, owner, running]) =>
  db
    .updateTable('effects')
    .set({
      status: done as 'done',
      lease_owner: noOwner as null,
      lease_until: noLease as null,
      outcome: outcome as string,
      updated_at: updatedAt as string,
    })
    .where('id', '=', id as string)
    .where('lease_owner', '=', owner as string)
    .where('status', '=', running as 'running'),
);

/** Done with its final outcome, if `owner` still holds it. */
export async function markDone(trx: Kysely<Database>, id: string, owner: string, outcome: Outcome, now: Date): Promise<boolean> {
  const result = await updateDone(trx, ['done', null, null, JSON.stringify(outcome), now.toISOString(), id, owner, 'running']);
  return (result.numAffectedRows ?? 0n) > 0n;
}

/** Hands `owner`'s unfinished effects back (graceful stop): due at once for any other worker. */
export async function releaseLeases(db: Kysely<Database>, owner: string, ids: readonly string[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const at = now.toISOString();
  const result = await db
    .updateTable('effects')
    .set({ status: 'pending', lease_owner: null, lease_until: null, next_attempt_at: at, updated_at: at })
    .where('id', 'in', ids)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export type AttemptRecord = Omit<Insertable<EffectAttemptsTable>, 'id'>;

const ATTEMPT_COLUMNS = [
  'id',
  'effect_id',
  'conversation_id',
  'bot_id',
  'block_id',
  'action',
  'provider',
  'attempt',
  'started_at',
  'duration_ms',
  'outcome',
  'message',
] as const satisfies readonly (keyof EffectAttemptsTable)[];

const insertAttempt = hotQuery((db, values) =>
  db.insertInto('effect_attempts').values(Object.fromEntries(ATTEMPT_COLUMNS.map((column, i) => [column, values[i]])) as Insertable<EffectAttemptsTable>),
);

/** An attempt's row in the execution log (one statement compiled once: every effect writes one or more). */
export async function recordAttempt(trx: Kysely<Database>, attempt: AttemptRecord): Promise<void> {
  const row: Insertable<EffectAttemptsTable> = { id: newId(), ...attempt };
  await insertAttempt(
    trx,
    ATTEMPT_COLUMNS.map((column) => row[column] ?? null),
  );
}

/** Effects not done yet, and when the earliest of them is (or becomes) claimable. */
export async function unfinished(db: Kysely<Database>): Promise<{ readonly count: number; readonly nextDueAt: string | null }> {
  const pending = await db
    .selectFrom('effects')
    .select((eb) => [eb.fn.countAll<number | string | bigint>().as('count'), eb.fn.min('next_attempt_at').as('next')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  const running = await db
    .selectFrom('effects')
    .select((eb) => [eb.fn.countAll<number | string | bigint>().as('count'), eb.fn.min('lease_until').as('next')])
    .where('status', '=', 'running')
    .executeTakeFirstOrThrow();
  const times = [pending.next, running.next].filter((t): t is string => typeof t === 'string').sort();
  return { count: Number(pending.count) + Number(running.count), nextDueAt: times[0] ?? null };
}
