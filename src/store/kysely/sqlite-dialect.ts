import { DatabaseSync, type SQLInputValue, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import {
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type QueryCompiler,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
} from 'kysely';
import type { AfterCommit } from '../notifications.ts';

/** How long a statement waits for another process's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Kysely's SqliteDialect speaks to a better-sqlite3-like database. `node:sqlite` is built into
 * Node (no native addon to compile), and differs only in small ways that this adapter bridges:
 * statements take their parameters spread rather than as an array, and there is no `reader`
 * flag — a statement returns rows exactly when it has result columns.
 */
function adapt(database: DatabaseSync): SqliteDatabase {
  // Compiling SQL is a large share of a turn's CPU; Kysely produces the same text for the same
  // query shape, and its single connection never runs two statements at once, so they are reused.
  const prepared = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const hit = prepared.get(sql);
      if (hit) return hit;
      // Kysely opens transactions with a plain (deferred) `begin`. A deferred transaction that
      // reads and then writes cannot wait for another process's writer: it fails with
      // SQLITE_BUSY at once. Taking the write lock at `begin` lets the busy timeout do its job.
      const stmt = database.prepare(sql === 'begin' ? 'begin immediate' : sql);
      const adapted: SqliteStatement = {
        reader: stmt.columns().length > 0,
        all: (parameters) => stmt.all(...(parameters as SQLInputValue[])),
        run: (parameters) => stmt.run(...(parameters as SQLInputValue[])),
        iterate: (parameters) => stmt.iterate(...(parameters as SQLInputValue[])),
      };
      // Migrations change the schema, after which a cached statement may be stale: never cache DDL.
      if (!/^\s*(create|alter|drop)\b/i.test(sql)) {
        if (prepared.size >= 1_000) prepared.clear();
        prepared.set(sql, adapted);
      }
      return adapted;
    },
  };
}

/**
 * SQLite does run DDL inside transactions, but Kysely's adapter says it does not, so its
 * Migrator would run migrations outside one: two processes opening a new file at once (the CLI
 * and the server) would then both apply the same migration. Saying so makes the Migrator wrap the
 * run in one `begin immediate` transaction, which serialises them.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }

  /** Not true of SQLite, but HookedSqliteDriver hands out its one connection by itself (see ConnectionQueue). */
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

/**
 * Hands the one connection to one caller at a time, in arrival order. Kysely's own mutex for
 * single-connection dialects wakes every waiter on each release and all but one go back to
 * waiting: with a hundred visitors' turns queued that is thousands of wasted wake-ups a second.
 */
class ConnectionQueue {
  #held = false;

  /** Nobody holds the connection: no statement of Kysely's is under way and no transaction is open. */
  get free(): boolean {
    return !this.#held;
  }

  readonly #waiting: (() => void)[] = [];

  acquire(): Promise<void> | undefined {
    if (!this.#held) {
      this.#held = true;
      return undefined;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Hands the connection to the longest waiter, if any (it stays held), else frees it. */
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }
}

/**
 * What runs when the open transaction commits (notifications sent inside it). Kysely gives a
 * SQLite database one connection behind a mutex, so at most one transaction is open at a time
 * and whatever is queued while it is open belongs to it.
 */
class AfterCommitQueue {
  #open = false;
  #pending = new Map<string, () => void>();
  /** Savepoint name → how many entries were queued when it was taken. */
  #savepoints = new Map<string, number>();

  readonly add: AfterCommit = (key, run) => {
    if (!this.#open) return false;
    if (!this.#pending.has(key)) this.#pending.set(key, run);
    return true;
  };

  began(): void {
    this.#reset();
    this.#open = true;
  }

  committed(): void {
    const runs = [...this.#pending.values()];
    this.#reset();
    for (const run of runs) run();
  }

  rolledBack(): void {
    this.#reset();
  }

  savepoint(name: string): void {
    this.#savepoints.set(name, this.#pending.size);
  }

  rolledBackTo(name: string): void {
    const size = this.#savepoints.get(name);
    if (size === undefined) return;
    this.#pending = new Map([...this.#pending].slice(0, size));
  }

  released(name: string): void {
    this.#savepoints.delete(name);
  }

  #reset(): void {
    this.#open = false;
    this.#pending.clear();
    this.#savepoints.clear();
  }
}

type Compile = QueryCompiler['compileQuery'];

class HookedSqliteDriver extends SqliteDriver {
  readonly #queue: AfterCommitQueue;
  readonly #connection: ConnectionQueue;

  constructor(config: SqliteDialectConfig, queue: AfterCommitQueue, connection: ConnectionQueue) {
    super(config);
    this.#queue = queue;
    this.#connection = connection;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#connection.acquire();
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    this.#connection.release();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await super.beginTransaction(connection);
    this.#queue.began();
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed commit is followed by Kysely's rollback, which drops the queue.
    await super.commitTransaction(connection);
    this.#queue.committed();
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      this.#queue.rolledBack();
    }
  }

  override async savepoint(connection: DatabaseConnection, name: string, compile: Compile): Promise<void> {
    await super.savepoint(connection, name, compile);
    this.#queue.savepoint(name);
  }

  override async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Compile): Promise<void> {
    await super.rollbackToSavepoint(connection, name, compile);
    this.#queue.rolledBackTo(name);
  }

  override async releaseSavepoint(connection: DatabaseConnection, name: string, compile: Compile): Promise<void> {
    await super.releaseSavepoint(connection, name, compile);
    this.#queue.released(name);
  }
}

class NodeSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #queue: AfterCommitQueue;
  readonly #connection: ConnectionQueue;

  constructor(config: SqliteDialectConfig, queue: AfterCommitQueue, connection: ConnectionQueue) {
    super(config);
    this.#config = config;
    this.#queue = queue;
    this.#connection = connection;
  }

  override createDriver(): Driver {
    return new HookedSqliteDriver(this.#config, this.#queue, this.#connection);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * SQLite's own lower() folds ASCII only, PostgreSQL's folds every letter (`Ä` → `ä`): search
 * (`lower(col) like …`) must find the same rows on both, so SQLite gets JavaScript's folding.
 */
function unicodeLower(value: SQLOutputValue): SQLOutputValue {
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return value;
}

/** Prepared statements run on the connection at once, for a write that needs no round trip through Kysely. */
export interface SqliteStatements {
  /** Runs a statement that returns no rows; the number of rows it changed. */
  run(sql: string, parameters: readonly SQLInputValue[]): number;
}

/** A short write of prepared statements, run to its end without yielding. */
export type SyncWork<T> = (statements: SqliteStatements) => T;

export interface OpenedSqlite {
  readonly dialect: SqliteDialect;
  /** Queues work for when the open transaction commits (see AfterCommit). */
  readonly afterCommit: AfterCommit;
  /**
   * Runs `work` inside a savepoint of the transaction open on the connection: when it throws, what
   * it wrote and the notifications it queued are rolled back, and the outcome holds its error
   * (a savepoint statement that fails throws). Only for the holder of the connection (a group
   * commit batch, inside its transaction): nothing else can run between its statements, and none
   * of them goes through Kysely, whose executor costs a short statement more CPU than SQLite
   * takes to run it.
   */
  readonly inSavepoint: <T>(work: SyncWork<T>) => SyncOutcome<T>;
  /**
   * The rows of a read, run with the other reads asked for in the same turn of the event loop,
   * in one read transaction of their own once the connection is free (committed rows only, as
   * through Kysely). Beginning and ending a read transaction on a WAL database costs more than a
   * short read itself (locks on the shared memory and the file): an autocommit read per visitor
   * turn was the largest share of a turn's statements.
   */
  readonly readSoon: (sql: string, parameters: readonly SQLInputValue[]) => Promise<Record<string, SQLOutputValue>[]>;
  /** Pages of write-ahead log past which a commit checkpoints on this connection (0: never; see checkpointer.ts). */
  readonly autoCheckpoint: (pages: number) => void;
}

export type SyncOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

const SYNC_SAVEPOINT = 'sync_work';

interface Read {
  readonly sql: string;
  readonly parameters: readonly SQLInputValue[];
  readonly resolve: (rows: Record<string, SQLOutputValue>[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * OpenedSqlite.readSoon: reads queued until the I/O callbacks of this turn of the event loop have
 * run (every visitor whose request arrived by then joins), then run together inside `begin` …
 * `commit` — deferred, so a read transaction, never the write lock — while holding the
 * connection like any user of Kysely.
 */
function readBatches(statement: (sql: string) => StatementSync, connection: ConnectionQueue): OpenedSqlite['readSoon'] {
  let queued: Read[] = [];
  const run = (): void => {
    const batch = queued;
    queued = [];
    try {
      statement('begin').run();
    } catch (error) {
      for (const read of batch) read.reject(error);
      return;
    }
    for (const read of batch) {
      try {
        read.resolve(statement(read.sql).all(...read.parameters));
      } catch (error) {
        read.reject(error);
      }
    }
    try {
      statement('commit').run();
    } catch {
      // Nothing was written: ending the transaction is all that matters (a failed rollback leaves
      // it to the next `begin` to fail, and its callers to hear why).
      try {
        statement('rollback').run();
      } catch {
        // See above.
      }
    }
  };
  const flush = (): void => {
    const wait = connection.acquire();
    if (wait === undefined) {
      try {
        run();
      } finally {
        connection.release();
      }
    } else {
      void wait.then(() => {
        try {
          run();
        } finally {
          connection.release();
        }
      });
    }
  };
  return (sql, parameters) =>
    new Promise((resolve, reject) => {
      if (queued.length === 0) setImmediate(flush);
      queued.push({ sql, parameters, resolve, reject });
    });
}

/**
 * Opens the SQLite file (or `:memory:`) and applies the settings Renkei relies on: WAL with
 * `synchronous=NORMAL` (a committed turn survives a process crash), foreign keys, `secure_delete`,
 * a busy timeout, Unicode lower(). Throws what `node:sqlite` throws when the file cannot be opened or is not a database.
 */
export function openSqlite(path: string): OpenedSqlite {
  const database = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    database.exec('pragma journal_mode = wal');
    database.exec('pragma synchronous = normal');
    database.exec('pragma foreign_keys = on');
    // Deleted rows are overwritten with zeros, not only unlinked: an erased visitor's details must
    // be gone from the file, not waiting in a free page for the next write (see personal-data/erase.ts).
    database.exec('pragma secure_delete = on');
    database.function('lower', { deterministic: true }, unicodeLower);
  } catch (error) {
    database.close();
    throw error;
  }
  const queue = new AfterCommitQueue();
  const prepared = new Map<string, StatementSync>();
  const statement = (sql: string): StatementSync => {
    let stmt = prepared.get(sql);
    if (!stmt) prepared.set(sql, (stmt = database.prepare(sql)));
    return stmt;
  };
  const statements: SqliteStatements = { run: (sql, parameters) => Number(statement(sql).run(...parameters).changes) };
  const inSavepoint = <T>(work: SyncWork<T>): SyncOutcome<T> => {
    statement(`savepoint ${SYNC_SAVEPOINT}`).run();
    queue.savepoint(SYNC_SAVEPOINT);
    let outcome: SyncOutcome<T>;
    try {
      outcome = { ok: true, value: work(statements) };
    } catch (error) {
      statement(`rollback to ${SYNC_SAVEPOINT}`).run();
      queue.rolledBackTo(SYNC_SAVEPOINT);
      outcome = { ok: false, error };
    }
    statement(`release ${SYNC_SAVEPOINT}`).run();
    queue.released(SYNC_SAVEPOINT);
    return outcome;
  };
  const connection = new ConnectionQueue();
  const readSoon = readBatches(statement, connection);
  const autoCheckpoint = (pages: number): void => database.exec(`pragma wal_autocheckpoint = ${Math.max(0, Math.trunc(pages))}`);
  return { dialect: new NodeSqliteDialect({ database: adapt(database) }, queue, connection), afterCommit: queue.add, inSavepoint, readSoon, autoCheckpoint };
}
