import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, it, onTestFinished } from 'vitest';
import { reasonOf } from './errors.ts';
import { openStore, type OpenOptions, type Store, type StoreDialect } from './store.ts';

export type StoreTarget = StoreDialect;

/**
 * Whether this run has PostgreSQL: `npm run test:unit` (vitest.unit.config.ts) sets
 * RENKEI_TEST_UNIT=1 and runs without it. See docs/contributing.md, "Tests".
 */
export const WITH_POSTGRES = process.env['RENKEI_TEST_UNIT'] !== '1';

/**
 * Every database the store runs on: suites run once per target with `describe.each(STORE_TARGETS)`
 * (on SQLite only under `npm run test:unit`).
 */
export const STORE_TARGETS: readonly StoreTarget[] = WITH_POSTGRES ? ['sqlite', 'postgres'] : ['sqlite'];

/** A suite, or one test, that needs PostgreSQL: left out of `npm run test:unit`, run by `npm test`. */
export const describePostgres = describe.runIf(WITH_POSTGRES);
export const itPostgres = it.runIf(WITH_POSTGRES);

/**
 * The PostgreSQL database tests use (each test in a schema of its own). CI starts the server
 * (.ci/run); tests fail, never skip, when it is down.
 */
export const TEST_POSTGRES_URL = process.env['RENKEI_TEST_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  readonly store: Store;
  /** What openStore opens it with again (another process too): the file path or the URL with `?schema=`. */
  readonly target: string;
  /** Closes the store and deletes its file or drops its schema. */
  readonly cleanup: () => Promise<void>;
}

/** A new, empty place for a store: a path in a new directory, or a URL naming a new schema. */
export function newTestTarget(kind: StoreTarget): { target: string; remove: () => Promise<void> } {
  if (kind === 'postgres' && !WITH_POSTGRES) {
    throw new Error(
      'this test opens PostgreSQL, which `npm run test:unit` runs without: run it in describe.each(STORE_TARGETS), ' +
        'describePostgres or itPostgres, or in a file named *postgres.test.ts (docs/contributing.md, "Tests")',
    );
  }
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'renkei-store-'));
    return { target: join(dir, 'renkei.db'), remove: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('schema', schema);
  return { target: url.toString(), remove: () => dropSchema(schema) };
}

/** A fresh store of the kind; `cleanup` must be called (see tempStore for one that cleans up by itself). */
export async function openTestStore(kind: StoreTarget, options: OpenOptions = {}): Promise<TestStore> {
  const { target, remove } = newTestTarget(kind);
  let store: Store;
  try {
    store = await openStore(target, options);
  } catch (error) {
    await remove().catch(() => {});
    throw kind === 'postgres' ? unreachable(error) : error;
  }
  return {
    store,
    target,
    cleanup: async () => {
      await store.close();
      await remove();
    },
  };
}

/** A fresh store, closed and removed when the test finishes. */
export async function tempStore(kind: StoreTarget = 'sqlite', options: OpenOptions = {}): Promise<Store & { readonly target: string; readonly file: string }> {
  const { store, target, cleanup } = await openTestStore(kind, options);
  onTestFinished(cleanup);
  // `file`: the name from when the store was SQLite only.
  return { ...store, target, file: target };
}

/** A temporary directory, deleted when the test finishes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-store-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Says what a PostgreSQL test needs, with the reason it could not open a store. */
function unreachable(error: unknown): Error {
  return new Error(
    `the PostgreSQL tests need the server at ${TEST_POSTGRES_URL} (${reasonOf(error)}). Start it with ` +
      '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` (.ci/run does), ' +
      'or point RENKEI_TEST_POSTGRES_URL at another database',
    { cause: error },
  );
}

let admin: pg.Pool | undefined;

/** Drops a test schema through a small pool of its own, which lets the process exit when idle. */
async function dropSchema(schema: string): Promise<void> {
  admin ??= new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 2, idleTimeoutMillis: 1_000, allowExitOnIdle: true });
  await admin.query(`drop schema if exists ${schema} cascade`);
}
