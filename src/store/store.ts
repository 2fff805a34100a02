import { closeSync, openSync, statSync } from 'node:fs';
import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import { dirname, resolve } from 'node:path';
import { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { StoreError, reasonOf } from './errors.ts';
import { GroupCommit, type TransactionWork } from './group-commit.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { localNotifications, type Notifications } from './notifications.ts';
import { pgNotifications } from './pg-notifications.ts';
import { clientConfig, isPostgresTarget, openPostgres, parsePostgresTarget } from './kysely/postgres-dialect.ts';
import type { DirectQuery } from './kysely/postgres-prepared.ts';
import type { Database } from './schema.ts';
import { BUSY_TIMEOUT_MS, openSqlite, type SqliteStatements } from './kysely/sqlite-dialect.ts';
import { startCheckpointer, type Checkpointer } from './kysely/checkpointer.ts';

/** SQLite's own wal_autocheckpoint (pages). */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1_000;

export const DEFAULT_DB_PATH = './renkei.db';

export const STORE_DIALECTS = ['sqlite', 'postgres'] as const;
export type StoreDialect = (typeof STORE_DIALECTS)[number];

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** What was opened: the file path, or the connection URL without its password. */
  readonly path: string;
  /** Migrations this open applied (empty when the database was up to date). */
  readonly migrationsApplied: readonly string[];
  /** Wake-ups across the processes of the database (PostgreSQL) or within this process (SQLite). */
  readonly notifications: Notifications;
  /**
   * Runs a short write transaction. On SQLite, transactions asked for at the same moment share
   * one commit (see GroupCommit); `work` must then use only the transaction it is given.
   */
  transact<T>(work: TransactionWork<T>): Promise<T>;
  /**
   * SQLite only: a short write of prepared statements that runs to its end at once, in the group
   * commit's next batch like `transact` (all of it commits, or none of it, with the
   * notifications it sent). A turn's common write takes it; Kysely stays for everything else.
   */
  readonly transactSync?: <T>(work: (trx: SyncTransaction) => T) => Promise<T>;
  /**
   * SQLite only: the rows of a read, run with the reads asked for at the same moment in one read
   * transaction (committed rows only), without Kysely's executor.
   */
  readonly readSoon?: (sql: string, parameters: readonly SQLInputValue[]) => Promise<Record<string, SQLOutputValue>[]>;
  /**
   * PostgreSQL only: one statement (`$1`… parameters) on a pooled connection, outside any
   * transaction, prepared like every statement of the store, without Kysely's executor: a
   * turn's two statements (its read, its write function) take it.
   */
  readonly queryNow?: DirectQuery;
  close(): Promise<void>;
}

/** What synchronous work (Store.transactSync) may do inside its transaction. */
export interface SyncTransaction extends SqliteStatements {
  /** notifyInTransaction: sent when the transaction commits, never if it rolls back. */
  notify(channel: string, payload: string): void;
  /** Runs `run` once when the transaction commits (once per `key`), never if it rolls back. */
  afterCommit(key: string, run: () => void): void;
}

export interface OpenOptions {
  /** PostgreSQL: connections the pool opens at most (default 10). SQLite has one connection. */
  readonly poolSize?: number;
  /** PostgreSQL: how long a watcher's row counts for writers after its last renewal (default 30 s; tests shorten it). */
  readonly watcherLeaseMs?: number;
  /**
   * SQLite file: copy the write-ahead log into the file in a thread of this process rather than
   * inside the commits of its event loop (see checkpointer.ts). For a server; a short-lived
   * process (the CLI) keeps SQLite's own checkpoints.
   */
  readonly checkpointInBackground?: boolean;
}

interface Opened {
  readonly db: Kysely<Database>;
  /** Where the migration tables live; undefined on SQLite, which has one schema. */
  readonly migrationSchema: string | undefined;
  readonly notifications: Notifications;
  readonly transact: Store['transact'];
  readonly transactSync?: Store['transactSync'];
  readonly readSoon?: Store['readSoon'];
  readonly queryNow?: Store['queryNow'];
  /** Ends what the store holds besides the Kysely instance. */
  readonly release: () => Promise<void>;
}

type Opener = (target: string, options: OpenOptions) => Promise<Opened>;

const OPENERS: Record<StoreDialect, Opener> = {
  sqlite: openSqliteStore,
  postgres: openPostgresStore,
};

export function dialectOf(target: string): StoreDialect {
  return isPostgresTarget(target) ? 'postgres' : 'sqlite';
}

/** A connection URL fit to print: the password never appears in a message. */
function printable(target: string, dialect: StoreDialect): string {
  if (dialect === 'sqlite') return target;
  try {
    const url = new URL(target);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return target.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * Opens the database and brings its schema up to date. `target` is a SQLite file path
 * (default `./renkei.db`; `:memory:` for tests) or a `postgres://` / `postgresql://` URL,
 * optionally with `?schema=NAME`. Anything that prevents opening is a StoreError whose message
 * is one line naming the target (never its password) and the reason.
 */
export async function openStore(target: string = DEFAULT_DB_PATH, options: OpenOptions = {}): Promise<Store> {
  const dialect = dialectOf(target);
  const path = printable(target, dialect);
  const fail = (error: unknown): StoreError => new StoreError('open', `cannot open database ${path}: ${reasonOf(error)}`, { cause: error });
  let opened: Opened;
  try {
    opened = await OPENERS[dialect](target, options);
  } catch (error) {
    throw fail(error);
  }
  const { db, notifications, transact, transactSync, readSoon, queryNow, release } = opened;
  const close = async (): Promise<void> => {
    await release();
    await db.destroy();
  };
  let migrationsApplied: string[];
  try {
    migrationsApplied = await migrateToLatest(db, opened.migrationSchema);
  } catch (error) {
    await close();
    throw fail(error);
  }
  return {
    db,
    dialect,
    path,
    migrationsApplied,
    notifications,
    transact,
    ...(transactSync ? { transactSync } : {}),
    ...(readSoon ? { readSoon } : {}),
    ...(queryNow ? { queryNow } : {}),
    close,
  };
}

/** Runs every pending migration; returns the names applied. */
export async function migrateToLatest(db: Kysely<Database>, migrationSchema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    // Numbers were handed out ahead of time: a database migrated before 003 and 005 existed has
    // 006 and 007 already, and runs them after. Each such migration copes with either order.
    allowUnorderedMigrations: true,
    // On PostgreSQL, Kysely looks for its migration tables in every schema of the database
    // unless it is told which: a table of another schema would pass for this one's.
    ...(migrationSchema === undefined ? {} : { migrationTableSchema: migrationSchema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    const reason = reasonOf(error);
    throw new Error(failed ? `migration ${failed.migrationName} failed: ${reason}` : reason, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Creates a new database file readable by its owner only (0600): it holds what visitors typed.
 * SQLite would create it 0644 (less the umask), and gives its -wal, -shm and -journal files the
 * database file's mode, so they follow. An existing file is left as it is.
 */
function createPrivately(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

async function openSqliteStore(path: string, options: OpenOptions): Promise<Opened> {
  const memory = path === ':memory:';
  if (!memory && !path.startsWith('file:')) {
    const directory = dirname(resolve(path));
    const dir = statSync(directory, { throwIfNoEntry: false });
    if (!dir) throw new Error(`directory ${directory} does not exist`);
    if (!dir.isDirectory()) throw new Error(`${directory} is not a directory`);
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error('it is a directory, not a file');
    createPrivately(path);
  }
  const { dialect, afterCommit, inSavepoint, readSoon, autoCheckpoint } = openSqlite(path);
  let checkpointer: Checkpointer | undefined;
  if (options.checkpointInBackground && !memory) {
    // Should the thread not start, or end by itself, this connection checkpoints as SQLite does by default.
    checkpointer = await startCheckpointer({ path, busyTimeoutMs: BUSY_TIMEOUT_MS, onEnded: () => autoCheckpoint(SQLITE_DEFAULT_AUTOCHECKPOINT) }).catch(
      () => undefined,
    );
    if (checkpointer) autoCheckpoint(0);
  }
  const notifications = localNotifications(memory ? undefined : path.startsWith('file:') ? path : resolve(path), afterCommit);
  const db = new Kysely<Database>({ dialect });
  const group = new GroupCommit(db, inSavepoint, checkpointer ? () => checkpointer.beforeWrite() : undefined);
  const notify = (channel: string, payload: string): void => notifications.notifyOnCommit(channel, payload);
  return {
    db,
    migrationSchema: undefined,
    notifications,
    transact: (work) => group.run(work),
    transactSync: (work) =>
      group.runSync((statements) =>
        work({
          run: statements.run,
          notify,
          afterCommit: (key, run) => {
            afterCommit(key, run);
          },
        }),
      ),
    readSoon,
    release: async () => {
      // The thread's connection closes first: the last connection to close (this one) then
      // checkpoints what is left and removes the log, as it does without the thread.
      await checkpointer?.stop();
      await notifications.close();
    },
  };
}

async function openPostgresStore(url: string, options: OpenOptions): Promise<Opened> {
  const target = parsePostgresTarget(url);
  const { dialect, schema, query } = await openPostgres(target, options.poolSize);
  const db = new Kysely<Database>({ dialect });
  const notifications = pgNotifications(db, clientConfig(target), schema, options.watcherLeaseMs);
  return {
    db,
    migrationSchema: schema,
    notifications,
    // PostgreSQL runs transactions side by side on its pool, and groups their commits itself.
    transact: (work) => db.transaction().execute(work),
    queryNow: query,
    release: () => notifications.close(),
  };
}
