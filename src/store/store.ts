import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { StoreError, reasonOf } from './errors.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite-dialect.ts';

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
  close(): Promise<void>;
}

type Opener = (target: string) => Kysely<Database>;

/** One opener per dialect; PostgreSQL joins with the server, on the same migrations (only it can be missing). */
const OPENERS: Record<StoreDialect, Opener | undefined> = {
  sqlite: openSqliteKysely,
  postgres: undefined,
};

export function dialectOf(target: string): StoreDialect {
  return /^postgres(ql)?:\/\//i.test(target) ? 'postgres' : 'sqlite';
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
 * (default `./renkei.db`; `:memory:` for tests) or, once supported, a `postgres://` URL.
 * Anything that prevents opening is a StoreError whose message is one line naming the target
 * and the reason.
 */
export async function openStore(target: string = DEFAULT_DB_PATH): Promise<Store> {
  const dialect = dialectOf(target);
  const path = printable(target, dialect);
  const opener = OPENERS[dialect];
  if (!opener) {
    throw new StoreError(
      'open',
      `cannot open database ${path}: PostgreSQL support arrives with the server; use a SQLite file path for now`,
    );
  }
  const db = opener(target);
  let migrationsApplied: string[];
  try {
    migrationsApplied = await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw new StoreError('open', `cannot open database ${path}: ${reasonOf(error)}`, { cause: error });
  }
  return {
    db,
    dialect,
    path,
    migrationsApplied,
    close: () => db.destroy(),
  };
}

/** Runs every pending migration; returns the names applied. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    const reason = reasonOf(error);
    throw new Error(failed ? `migration ${failed.migrationName} failed: ${reason}` : reason, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

function openSqliteKysely(path: string): Kysely<Database> {
  const fail = (reason: string, cause?: unknown): StoreError =>
    new StoreError('open', `cannot open database ${path}: ${reason}`, { cause });
  if (path !== ':memory:' && !path.startsWith('file:')) {
    const directory = dirname(resolve(path));
    const dir = statSync(directory, { throwIfNoEntry: false });
    if (!dir) throw fail(`directory ${directory} does not exist`);
    if (!dir.isDirectory()) throw fail(`${directory} is not a directory`);
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw fail('it is a directory, not a file');
  }
  try {
    return new Kysely<Database>({ dialect: openSqlite(path) });
  } catch (error) {
    throw fail(reasonOf(error), error);
  }
}
