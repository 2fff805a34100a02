import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationState } from '../engine/types.ts';
import { purgeConversations, purgeRecords, type Purged } from '../store/personal-data/index.ts';
import type { RetentionPolicy } from '../store/retention.ts';
import type { Store } from '../store/store.ts';
import { systemClock, type Clock } from './clock.ts';
import { CONVERSATION_CHANNEL } from './notify.ts';

/** Why a conversation that waited too long for its visitor was closed. */
export const IDLE_REASON = 'idle';

export interface RetentionLog {
  info(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** What one run did. Counts only: never an id, never a value. */
export interface RetentionRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly policy: RetentionPolicy;
  /** Conversations closed for waiting longer than `idle` days. */
  readonly closed: number;
  /** Rows deleted, by table. */
  readonly purged: Readonly<Record<string, number>>;
  /** Set when the run stopped on an error (it is retried at the next run). */
  readonly error: string | null;
}

export interface RetentionOptions {
  readonly store: Store;
  /** The policy in force, read at the start of every run (the admin may have changed it). */
  readonly policy: () => Promise<RetentionPolicy>;
  readonly log: RetentionLog;
  /** Each batch's deletions as they commit (metrics). */
  readonly onPurged?: (rows: Purged) => void;
  /** Idle conversations closed, as they commit (metrics). */
  readonly onClosed?: (count: number) => void;
  /** Between two runs (default one hour). */
  readonly intervalMs?: number;
  /** The first run, after the server started (default one minute: it does not compete with the start). */
  readonly firstRunAfterMs?: number;
  /**
   * How long one batch may hold the database (default 5 ms). On SQLite visitor turns wait for at
   * most one batch, and the purge then rests three times as long as the batch took, so it takes at
   * most a quarter of the database's (and, SQLite being synchronous, the process's) time: turns
   * under full load slow by a third at most, instead of waiting for the purge to end.
   */
  readonly batchMs?: number;
  /** When runs happen and what "days ago" means; default: the machine's clock. */
  readonly clock?: Clock;
  /** Shorthand for a clock that only tells another time. */
  readonly now?: () => Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const FIRST_BATCH = 20;
const MAX_BATCH = 2_000;
/** Rest after a batch, as a multiple of the time it took. */
const REST_FACTOR = 3;

/**
 * The retention worker: a run now and then that closes conversations left idle, deletes finished
 * conversations and built-in records past their time, in batches sized to take about `batchMs`
 * each and paced so visitor turns never pause. Runs are serialised within the process; several
 * processes may run at once (PostgreSQL: they take different rows).
 */
export class RetentionWorker {
  readonly #options: RetentionOptions;
  readonly #clock: Clock;
  #cancelTimer: (() => void) | undefined;
  #running: Promise<RetentionRun> | undefined;
  #again = false;
  #stopped = false;
  #last: RetentionRun | undefined;

  constructor(options: RetentionOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (options.now ? { ...systemClock, now: options.now } : systemClock);
  }

  /** The last run that finished, if any. */
  get lastRun(): RetentionRun | undefined {
    return this.#last;
  }

  start(): void {
    this.#schedule(this.#options.firstRunAfterMs ?? 60_000);
  }

  /** Runs soon (the policy changed): now if idle, right after the current run otherwise. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) this.#again = true;
    else this.#schedule(0);
  }

  /** One run now (or the one under way), then the usual schedule. */
  runOnce(): Promise<RetentionRun> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
      if (this.#stopped) return;
      this.#schedule(this.#again ? 0 : (this.#options.intervalMs ?? 60 * 60_000));
      this.#again = false;
    });
    return this.#running;
  }

  /** Stops between two batches and waits for the run under way to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer?.();
    await this.#running?.catch(() => undefined);
  }

  #schedule(ms: number): void {
    this.#cancelTimer?.();
    if (this.#stopped) return;
    this.#cancelTimer = this.#clock.timer(ms, () => void this.runOnce());
  }

  async #run(): Promise<RetentionRun> {
    const { store, log } = this.#options;
    const startedAt = this.#clock.now();
    const purged: Record<string, number> = {};
    let closed = 0;
    let error: string | null = null;
    let policy: RetentionPolicy = { conversations: null, records: null, idle: null };
    const pacer = new Pacer(this.#options.batchMs ?? 5);
    const cutoff = (days: number): string => new Date(startedAt.getTime() - days * DAY_MS).toISOString();
    const add = (rows: Purged): void => {
      for (const [table, n] of Object.entries(rows)) if (n > 0) purged[table] = (purged[table] ?? 0) + n;
      this.#options.onPurged?.(rows);
    };
    try {
      policy = await this.#options.policy();
      if (policy.idle !== null) {
        const before = cutoff(policy.idle);
        closed = await pacer.drain(
          () => this.#stopped,
          async (limit) => {
            const n = await closeIdle(store, before, limit, this.#clock.now());
            if (n > 0) this.#options.onClosed?.(n);
            return n;
          },
        );
      }
      if (policy.conversations !== null) {
        const before = cutoff(policy.conversations);
        await pacer.drain(
          () => this.#stopped,
          async (limit) => {
            const rows = await purgeConversations(store, before, limit);
            add(rows);
            return rows.conversations;
          },
        );
      }
      if (policy.records !== null) {
        const before = cutoff(policy.records);
        await pacer.drain(
          () => this.#stopped,
          async (limit) => {
            const rows = await purgeRecords(store, before, limit);
            add(rows);
            return Math.max(0, ...Object.values(rows));
          },
        );
      }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      log.error({ err }, 'retention: a purge batch failed; the rest waits for the next run');
    }
    const run: RetentionRun = { startedAt: startedAt.toISOString(), finishedAt: this.#clock.now().toISOString(), policy, closed, purged, error };
    this.#last = run;
    if (closed > 0 || Object.keys(purged).length > 0) {
      const rows = Object.values(purged).reduce((a, b) => a + b, 0);
      const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
      log.info(
        { closed, purged, rows, ms: Date.parse(run.finishedAt) - startedAt.getTime() },
        `retention: deleted ${plural(rows, 'row')}, closed ${plural(closed, 'idle conversation')}`,
      );
    }
    return run;
  }
}

/**
 * Sizes batches to take about `targetMs`: twice as large after a quick one, smaller in proportion
 * after a slow one (time spent waiting for the database counts: a busy server gets smaller
 * batches); and rests after each REST_FACTOR times as long as it took.
 */
class Pacer {
  readonly #targetMs: number;
  #size = FIRST_BATCH;

  constructor(targetMs: number) {
    this.#targetMs = Math.max(1, targetMs);
  }

  /** Runs `batch` until it handles fewer rows than it was allowed (nothing left) or `stop` says so; returns the rows handled. */
  async drain(stop: () => boolean, batch: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    while (!stop()) {
      const limit = this.#size;
      const t0 = performance.now();
      const done = await batch(limit);
      const ms = performance.now() - t0;
      total += done;
      if (done < limit) return total;
      if (ms < this.#targetMs / 2) this.#size = Math.min(MAX_BATCH, this.#size * 2);
      else if (ms > this.#targetMs) this.#size = Math.max(1, Math.floor((this.#size * this.#targetMs) / ms));
      await sleep(Math.max(1, Math.ceil(ms * REST_FACTOR)));
    }
    return total;
  }
}

/**
 * Closes up to `limit` conversations that have waited for their visitor since before `cutoff`:
 * ended with reason `idle`, a status event for a stream still open. Written only if nobody wrote
 * the row since it was read (its `row_version`), as a turn does.
 */
async function closeIdle(store: Store, cutoff: string, limit: number, now: Date): Promise<number> {
  const stamp = now.toISOString();
  return store.db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('conversations')
      .select(['id', 'state', 'last_seq', 'row_version'])
      .where('status', '=', 'waiting_input')
      // The hour narrows the index scan (conversations_status_updated_hour); updated_at decides.
      .where('updated_hour', '<=', cutoff.slice(0, 13))
      .where('updated_at', '<', cutoff)
      // The index's own order, so the scan stops at the limit: ordering by updated_at as well would
      // sort every expired conversation (100,000 of them) on each batch.
      .orderBy('updated_hour')
      .limit(limit);
    if (store.dialect === 'postgres') query = query.forUpdate().skipLocked();
    let closed = 0;
    for (const row of await query.execute()) {
      const state = JSON.parse(row.state) as ConversationState;
      const ended: ConversationState = { ...state, status: 'ended', at: null, attempts: 0, pendingEffect: null, reason: IDLE_REASON };
      const seq = row.last_seq + 1;
      const updated = await trx
        .updateTable('conversations')
        .set({ state: JSON.stringify(ended), status: 'ended', row_version: row.row_version + 1, last_seq: seq, updated_at: stamp })
        .where('id', '=', row.id)
        .where('row_version', '=', row.row_version)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) continue;
      await trx
        .insertInto('conversation_events')
        .values({ conversation_id: row.id, seq, type: 'status', payload: JSON.stringify({ status: 'ended', reason: IDLE_REASON }), created_at: stamp })
        .execute();
      await store.notifications.notifyWatchers(trx, CONVERSATION_CHANNEL, row.id);
      closed++;
    }
    return closed;
  });
}
