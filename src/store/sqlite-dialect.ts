import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { SqliteAdapter, SqliteDialect, type DialectAdapter, type SqliteDatabase, type SqliteStatement } from 'kysely';

/** How long a statement waits for another process's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Kysely's SqliteDialect speaks to a better-sqlite3-like database. `node:sqlite` is built into
 * Node (no native addon to compile), and differs only in small ways that this adapter bridges:
 * statements take their parameters spread rather than as an array, and there is no `reader`
 * flag — a statement returns rows exactly when it has result columns.
 */
function adapt(database: DatabaseSync): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      // Kysely opens transactions with a plain (deferred) `begin`. A deferred transaction that
      // reads and then writes cannot wait for another process's writer: it fails with
      // SQLITE_BUSY at once. Taking the write lock at `begin` lets the busy timeout do its job.
      const stmt = database.prepare(sql === 'begin' ? 'begin immediate' : sql);
      return {
        reader: stmt.columns().length > 0,
        all: (parameters) => stmt.all(...(parameters as SQLInputValue[])),
        run: (parameters) => stmt.run(...(parameters as SQLInputValue[])),
        iterate: (parameters) => stmt.iterate(...(parameters as SQLInputValue[])),
      };
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
}

class NodeSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * Opens the SQLite file (or `:memory:`) and applies the settings Renkei relies on: WAL with
 * `synchronous=NORMAL` (a committed turn survives a process crash), foreign keys, a busy timeout.
 * Throws what `node:sqlite` throws when the file cannot be opened or is not a database.
 */
export function openSqlite(path: string): SqliteDialect {
  const database = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    database.exec('pragma journal_mode = wal');
    database.exec('pragma synchronous = normal');
    database.exec('pragma foreign_keys = on');
  } catch (error) {
    database.close();
    throw error;
  }
  return new NodeSqliteDialect({ database: adapt(database) });
}
