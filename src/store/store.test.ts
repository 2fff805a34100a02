import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { listDepartments, listLists } from './directory.ts';
import { StoreError } from './errors.ts';
import { listIntegrations } from './integrations.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { TICKET_COUNTER } from './schema.ts';
import { dialectOf, openStore } from './store.ts';
import { describePostgres, newTestTarget, STORE_TARGETS, TEST_POSTGRES_URL, tempDir, tempStore } from './test-support.ts';

const ALL_MIGRATIONS = Object.keys(MIGRATIONS);

async function openError(target: string): Promise<StoreError> {
  const error: unknown = await openStore(target).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

/** Opens the same target from `count` processes at once; each prints the migrations it applied, or its error. */
async function openFromProcesses(target: string, count: number): Promise<unknown[]> {
  const storeModule = fileURLToPath(new URL('./store.ts', import.meta.url));
  const script = `
    const { openStore } = await import(${JSON.stringify(storeModule)});
    try {
      const store = await openStore(process.argv[1]);
      process.stdout.write(JSON.stringify(store.migrationsApplied));
      await store.close();
    } catch (error) {
      process.stdout.write(JSON.stringify(error.message));
    }
  `;
  const open = () => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, target], { timeout: 20_000 });
  return (await Promise.all(Array.from({ length: count }, open))).map((r) => JSON.parse(r.stdout) as unknown);
}

describe.each(STORE_TARGETS)('openStore on %s', (kind) => {
  it('creates a new database with Support, Newsletter and the builtin provider enabled for every role', async () => {
    const store = await tempStore(kind);
    expect(store.dialect).toBe(kind);
    expect(store.migrationsApplied).toEqual(ALL_MIGRATIONS);
    expect((await listDepartments(store.db)).map((d) => [d.name, d.enabled])).toEqual([['Support', true]]);
    expect((await listLists(store.db)).map((l) => l.name)).toEqual(['Newsletter']);
    const integrations = await listIntegrations(store.db);
    expect(integrations.map((i) => [i.role, i.provider, i.enabled, i.status])).toEqual([
      ['crm', 'builtin', true, 'ok'],
      ['helpdesk', 'builtin', true, 'ok'],
      ['mailing', 'builtin', true, 'ok'],
    ]);
    const counter = await store.db.selectFrom('counters').selectAll().where('name', '=', TICKET_COUNTER).execute();
    expect(counter).toEqual([{ name: TICKET_COUNTER, value: 0 }]);
  });

  it('seeds once: reopening applies no migration and adds nothing', async () => {
    const first = await tempStore(kind);
    const again = await openStore(first.target);
    try {
      expect(again.migrationsApplied).toEqual([]);
      expect(await listDepartments(again.db)).toHaveLength(1);
      expect(await listLists(again.db)).toHaveLength(1);
      expect(await listIntegrations(again.db)).toHaveLength(3);
    } finally {
      await again.close();
    }
  });

  it('lets several processes open a new database at once: one migrates, the others find it done', async () => {
    const { target, remove } = newTestTarget(kind);
    try {
      const results = await openFromProcesses(target, 4);
      expect(results.filter((r) => JSON.stringify(r) === JSON.stringify(ALL_MIGRATIONS))).toHaveLength(1);
      expect(results.filter((r) => JSON.stringify(r) === '[]')).toHaveLength(3);
      const store = await openStore(target);
      try {
        expect(await listDepartments(store.db)).toHaveLength(1);
      } finally {
        await store.close();
      }
    } finally {
      await remove();
    }
  });

  it('keeps data across opens', async () => {
    const first = await tempStore(kind);
    await first.db.updateTable('departments').set({ enabled: 0 }).execute();
    const again = await openStore(first.target);
    try {
      expect((await listDepartments(again.db))[0]?.enabled).toBe(false);
    } finally {
      await again.close();
    }
  });

  it('returns integers, counts, sums and flags as numbers, as the row types say', async () => {
    const { db } = await tempStore(kind);
    await db
      .insertInto('deals')
      .values({ id: 'd1', name: 'D', amount: 12000.5, fields: '{}', created_at: '2026-01-01T00:00:00.000Z' } as never)
      .execute();
    const row = await db
      .selectFrom('departments')
      .select((eb) => ['enabled', eb.fn.countAll().as('n'), eb.fn.sum<number>('enabled').as('total'), eb.fn.max('enabled').as('top')])
      .groupBy('enabled')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ enabled: 1, n: 1, total: 1, top: 1 });
    expect(await db.selectFrom('deals').select('amount').executeTakeFirst()).toEqual({ amount: 12000.5 });
    const { value } = await db.selectFrom('counters').select('value').executeTakeFirstOrThrow();
    expect(value).toBe(0);
  });

  it('rolls a failed transaction back entirely', async () => {
    const { db } = await tempStore(kind);
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('departments').set({ enabled: 0 }).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await listDepartments(db))[0]?.enabled).toBe(true);
  });
});

describe('openStore on SQLite files', () => {
  it('runs SQLite in WAL mode with synchronous=NORMAL, foreign keys and a busy timeout', async () => {
    const { db } = await tempStore('sqlite');
    const pragma = async (name: string) => Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db)).rows[0] ?? {})[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1); // NORMAL
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBeGreaterThan(0);
  });

  it('creates the database and its WAL and shared-memory files readable by their owner only', async () => {
    const target = join(tempDir(), 'renkei.db');
    const umask = process.umask(0o022);
    let store;
    try {
      store = await openStore(target);
    } finally {
      process.umask(umask);
    }
    try {
      await store.db.insertInto('settings').values({ key: 'probe', value: 'x' }).execute();
      for (const file of [target, `${target}-wal`, `${target}-shm`]) {
        expect(existsSync(file), file).toBe(true);
        expect((statSync(file).mode & 0o777).toString(8), file).toBe('600');
      }
    } finally {
      await store.close();
    }
  });

  it('opens an in-memory database for tests', async () => {
    const store = await openStore(':memory:');
    try {
      expect(await listLists(store.db)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('names the path and the missing directory', async () => {
    const dir = tempDir();
    const target = join(dir, 'no-such-dir', 'renkei.db');
    const error = await openError(target);
    expect(error.message).toBe(`cannot open database ${target}: directory ${join(dir, 'no-such-dir')} does not exist`);
    expect(error.kind).toBe('open');
  });

  it('names a file that is not a database', async () => {
    const target = join(tempDir(), 'notes.txt');
    writeFileSync(target, 'these are my notes, not a database. '.repeat(40));
    const error = await openError(target);
    expect(error.message).toBe(`cannot open database ${target}: file is not a database`);
  });

  it('names a directory given as the database', async () => {
    const target = join(tempDir(), 'db-dir');
    mkdirSync(target);
    expect((await openError(target)).message).toBe(`cannot open database ${target}: it is a directory, not a file`);
  });

  it('tells the dialect from the target', () => {
    expect(dialectOf('postgresql://h/db')).toBe('postgres');
    expect(dialectOf('postgres://h/db')).toBe('postgres');
    expect(dialectOf('POSTGRES://h/db')).toBe('postgres');
    expect(dialectOf('./renkei.db')).toBe('sqlite');
    expect(dialectOf('./postgres.db')).toBe('sqlite');
    expect(dialectOf(':memory:')).toBe('sqlite');
  });
});

describePostgres('openStore on PostgreSQL', () => {
  const withSchema = (schema: string): string => {
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('schema', schema);
    return url.toString();
  };

  it('creates the ?schema= and keeps every table, its migrations included, in it', async () => {
    const store = await tempStore('postgres');
    const schema = new URL(store.target).searchParams.get('schema');
    const tables = await sql<{ table_schema: string; table_name: string }>`
      select table_schema, table_name from information_schema.tables where table_name in ('leads', 'kysely_migration')
    `.execute(store.db);
    const here = tables.rows.filter((t) => t.table_schema === schema).map((t) => t.table_name);
    expect(here.sort()).toEqual(['kysely_migration', 'leads']);
    const path = await sql<{ search_path: string }>`show search_path`.execute(store.db);
    expect(path.rows[0]?.search_path).toBe(schema);
  });

  it('keeps two schemas of one database apart', async () => {
    const one = await tempStore('postgres');
    const two = await tempStore('postgres');
    await one.db.updateTable('departments').set({ name: 'Only here' }).execute();
    expect((await listDepartments(two.db)).map((d) => d.name)).toEqual(['Support']);
    expect(two.migrationsApplied).toEqual(ALL_MIGRATIONS);
  });

  it('serves many concurrent queries from its pool of connections', async () => {
    const { db } = await tempStore('postgres', { poolSize: 3 });
    const pids = await Promise.all(Array.from({ length: 12 }, () => sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.02)`.execute(db)));
    const distinct = new Set(pids.map((r) => r.rows[0]?.pid));
    expect(distinct.size).toBeGreaterThan(1);
    expect(distinct.size).toBeLessThanOrEqual(3);
  });

  it('names the server that refuses the connection', async () => {
    const error = await openError('postgres://postgres@127.0.0.1:1/test');
    expect(error.message).toMatch(/^cannot open database postgres:\/\/postgres@127\.0\.0\.1:1\/test: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    expect(error.kind).toBe('open');
  });

  it("gives the server's reason without printing the password", async () => {
    const error = await openError('postgres://renkei_nobody:s3cret@127.0.0.1:5432/test');
    expect(error.message).toContain('cannot open database postgres://renkei_nobody:***@127.0.0.1:5432/test: ');
    expect(error.message).toMatch(/renkei_nobody/);
    expect(error.message).not.toContain('s3cret');
    const missing = await openError(TEST_POSTGRES_URL.replace(/\/test$/, '/renkei_no_such_db'));
    expect(missing.message).toMatch(/database "renkei_no_such_db" does not exist$/);
  });

  it('refuses a schema name that would need quoting', async () => {
    const error = await openError(withSchema('Bad-Name'));
    expect(error.message).toMatch(/the schema "Bad-Name" is not a plain name/);
  });
});
