import type { ControlledTransaction, Kysely, Transaction } from 'kysely';
import type { SyncOutcome, SyncWork } from './kysely/sqlite-dialect.ts';
import type { Database } from './schema.ts';

/** A short write transaction's body: it may run inside a transaction shared with others (see GroupCommit). */
export type TransactionWork<T> = (trx: Transaction<Database>) => Promise<T>;

/** Runs synchronous work in a savepoint of the batch's transaction (the dialect's inSavepoint). */
type InSavepoint = <T>(work: SyncWork<T>) => SyncOutcome<T>;

/** Before a batch's transaction: a promise to wait for, when writes must wait (see Checkpointer.beforeWrite). */
type BeforeWrite = () => Promise<void> | undefined;

interface Job {
  readonly work: TransactionWork<unknown> | { readonly sync: SyncWork<unknown> };
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Settled = SyncOutcome<unknown>;

/** A batch larger than this would make its first job wait for too many others. */
const MAX_BATCH = 256;
const SAVEPOINT = 'group_commit_job';

/**
 * Group commit for a database with one connection (SQLite): the write transactions asked for
 * while one batch runs are run together, one after the other, inside a single transaction, and
 * committed once. SQLite's commit writes every page the transaction changed to the WAL; a
 * hundred visitors' turns touch the same few pages of the conversations table and its indexes,
 * so one commit for all of them writes a fraction of what a hundred commits would.
 *
 * Each job runs inside its own savepoint: a job that throws is rolled back alone (with the
 * notifications it queued) and its caller gets its error, while the others commit. Every caller
 * is answered only after the commit, so nobody sees a success that was not made durable; when the
 * commit itself fails every job of the batch fails with its error.
 *
 * A job must use only the transaction it is given: asking the database for anything else would
 * wait for the connection the batch holds.
 */
export class GroupCommit {
  readonly #db: Kysely<Database>;
  readonly #inSavepoint: InSavepoint;
  readonly #beforeWrite: BeforeWrite;
  readonly #queue: Job[] = [];
  #scheduled = false;

  constructor(db: Kysely<Database>, inSavepoint: InSavepoint, beforeWrite: BeforeWrite = () => undefined) {
    this.#db = db;
    this.#inSavepoint = inSavepoint;
    this.#beforeWrite = beforeWrite;
  }

  run<T>(work: TransactionWork<T>): Promise<T> {
    return this.#enqueue(work);
  }

  /**
   * Like `run`, for work of prepared statements that runs to its end at once (see
   * OpenedSqlite.inSavepoint): it shares the batch's commit without a trip through Kysely.
   */
  runSync<T>(work: SyncWork<T>): Promise<T> {
    return this.#enqueue({ sync: work });
  }

  #enqueue<T>(work: Job['work']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // After the I/O callbacks of this turn of the event loop: every request that has reached
    // its write by then joins the batch, and a lone request waits no longer than a tick.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    // While the checkpoint thread holds writes back (see checkpointer.ts), jobs keep arriving and
    // join this batch.
    const paused = this.#beforeWrite();
    if (paused) await paused;
    const batch = this.#queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    if (this.#queue.length > 0) this.#schedule();

    let trx: ControlledTransaction<Database>;
    try {
      trx = await this.#db.startTransaction().execute();
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    const settled: Settled[] = [];
    try {
      for (const { work } of batch) settled.push(typeof work === 'function' ? await runInSavepoint(trx, work) : this.#inSavepoint(work.sync));
      await trx.commit().execute();
    } catch (error) {
      // The commit, or a savepoint statement, failed: nothing of the batch is kept.
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      for (const job of batch) job.reject(error);
      return;
    }
    batch.forEach((job, i) => {
      const outcome = settled[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }
}

async function runInSavepoint(trx: ControlledTransaction<Database>, work: TransactionWork<unknown>): Promise<Settled> {
  const inSavepoint = await trx.savepoint(SAVEPOINT).execute();
  try {
    const value = await work(inSavepoint);
    await inSavepoint.releaseSavepoint(SAVEPOINT).execute();
    return { ok: true, value };
  } catch (error) {
    await inSavepoint.rollbackToSavepoint(SAVEPOINT).execute();
    await inSavepoint.releaseSavepoint(SAVEPOINT).execute();
    return { ok: false, error };
  }
}
