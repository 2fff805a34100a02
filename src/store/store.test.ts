import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { listDepartments, listLists } from './directory.ts';
import { StoreError } from './errors.ts';
import { listIntegrations } from './integrations.ts';
import { TICKET_COUNTER } from './schema.ts';
import { dialectOf, openStore } from './store.ts';
import { tempDir, tempStore } from './test-support.ts';

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

describe('openStore', () => {
  it('creates a new database with Support, Newsletter and the builtin provider enabled for every role', async () => {
    const store = await tempStore();
    expect(store.dialect).toBe('sqlite');
    expect(store.migrationsApplied).toEqual(['001-initial']);
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
    const first = await tempStore();
    await first.close();
    const again = await openStore(first.file);
    try {
      expect(again.migrationsApplied).toEqual([]);
      expect(await listDepartments(again.db)).toHaveLength(1);
      expect(await listLists(again.db)).toHaveLength(1);
      expect(await listIntegrations(again.db)).toHaveLength(3);
    } finally {
      await again.close();
    }
  });

  it('lets several processes open a new file at once: one migrates, the others find it done', async () => {
    const target = join(tempDir(), 'shared.db');
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
    const open = () =>
      promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, target], { timeout: 20_000 });
    const results = (await Promise.all([open(), open(), open(), open()])).map((r) => JSON.parse(r.stdout) as unknown);
    expect(results.filter((r) => JSON.stringify(r) === '["001-initial"]')).toHaveLength(1);
    expect(results.filter((r) => JSON.stringify(r) === '[]')).toHaveLength(3);
    const store = await openStore(target);
    try {
      expect(await listDepartments(store.db)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('runs SQLite in WAL mode with synchronous=NORMAL, foreign keys and a busy timeout', async () => {
    const { db } = await tempStore();
    const pragma = async (name: string) =>
      Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db)).rows[0] ?? {})[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1); // NORMAL
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBeGreaterThan(0);
  });

  it('keeps data in the file across opens', async () => {
    const first = await tempStore();
    await first.db.updateTable('departments').set({ enabled: 0 }).execute();
    await first.close();
    const again = await openStore(first.file);
    try {
      expect((await listDepartments(again.db))[0]?.enabled).toBe(false);
    } finally {
      await again.close();
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

  it('refuses PostgreSQL for now without printing the password', async () => {
    const error = await openError('postgres://renkei:s3cret@127.0.0.1:5432/renkei');
    expect(error.message).toContain('PostgreSQL support arrives with the server');
    expect(error.message).toContain('postgres://renkei:***@127.0.0.1:5432/renkei');
    expect(error.message).not.toContain('s3cret');
  });

  it('tells the dialect from the target', () => {
    expect(dialectOf('postgresql://h/db')).toBe('postgres');
    expect(dialectOf('postgres://h/db')).toBe('postgres');
    expect(dialectOf('./renkei.db')).toBe('sqlite');
    expect(dialectOf(':memory:')).toBe('sqlite');
  });
});
