import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { newTestTarget, STORE_TARGETS, TEST_POSTGRES_URL } from '../src/store/test-support.ts';
import { renkei } from './helpers/cli.ts';
import { serve, type RunningServer } from './helpers/server.ts';
import { reply, startConversation, waitUntil, type Visitor } from './helpers/visitors.ts';

/**
 * The erasure a visitor asks for under APPI or the GDPR, end to end: Taro goes through the lead bot
 * and the support (ticket) bot of a real `renkei serve`, is found by email and by phone, erased,
 * and then his email and phone are nowhere — not in the API, not in the database (every row of
 * every table; on SQLite the bytes of the files after the erasure's checkpoint), not in the logs.
 */

const TARO = { name: 'Taro Yamada', email: 'Taro.Yamada@Example.com', phone: '０９０－１２３４－５６７８', company: 'Yamada Shoji' };
const HANAKO = { name: 'Hanako Sato', email: 'hanako.sato@example.jp', phone: '03-5555-6666', company: 'Sato KK' };

/** Every form Taro's details could be stored or logged in. */
const TARO_FORMS = [
  'taro.yamada@example.com',
  'Taro.Yamada@Example.com',
  'Taro.Yamada@example.com',
  'ｔａｒｏ',
  '09012345678',
  '090-1234-5678',
  '090 1234 5678',
  '０９０',
  '１２３４',
  '12345678',
];

function mentionsTaro(text: string): string | undefined {
  const lower = text.toLowerCase();
  return TARO_FORMS.find((form) => lower.includes(form.toLowerCase()));
}

async function visit(url: string, bot: string, answers: readonly string[]): Promise<Visitor> {
  const visitor = await startConversation(url, bot);
  for (const text of answers) await reply(url, visitor, text);
  return visitor;
}

async function admin(server: RunningServer, path: string, method = 'GET'): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}/api/v1/admin${path}`, { method, headers: { authorization: `Bearer ${server.adminToken}` } });
  return { status: res.status, text: await res.text() };
}

/** Every row of every table of a PostgreSQL schema, as text. */
async function postgresRows(target: string): Promise<string> {
  const schema = new URL(target).searchParams.get('schema')!;
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [schema]);
    const out: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`select t::text as row from "${schema}"."${table_name}" t`);
      out.push(...rows.rows.map((r) => `${table_name}: ${r.row}`));
    }
    return out.join('\n');
  } finally {
    await client.end();
  }
}

/** The SQLite database's files as text (UTF-8 with the binary parts replaced): the bytes an attacker with the disk would read. */
function sqliteFiles(path: string): string {
  return ['', '-wal', '-shm', '-journal'].map((suffix) => (existsSync(path + suffix) ? readFileSync(path + suffix).toString('utf8') : '')).join('\n');
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(STORE_TARGETS)('erasing a visitor (%s)', (kind) => {
  it('finds them by email and phone, erases them, and then their email and phone are nowhere', { timeout: 120_000 }, async () => {
    let db: string | undefined;
    if (kind === 'postgres') {
      const { target, remove } = newTestTarget('postgres');
      db = target;
      cleanups.push(remove);
    }
    const server = await serve({
      ...(db ? { db } : {}),
      env: { RENKEI_SECRET_KEY: randomBytes(32).toString('hex'), RENKEI_RATE_LIMIT: '0', RENKEI_LOG_LEVEL: 'info' },
    });
    cleanups.push(() => server.stop());

    await visit(server.url, 'lead', [TARO.name, TARO.email, TARO.phone, TARO.company]);
    await visit(server.url, 'support', ['山田太郎', TARO.email.toLowerCase(), `折り返しは ${'090 1234 5678'} にお願いします`, '高']);
    await visit(server.url, 'lead', [HANAKO.name, HANAKO.email, HANAKO.phone, HANAKO.company]);
    await waitUntil('the lead and the ticket exist', async () => (await admin(server, '/records/tickets')).text.includes('"number":1'), 10_000);

    const byEmail = JSON.parse((await admin(server, '/personal-data?email=TARO.YAMADA%40example.com')).text);
    expect(byEmail.counts).toMatchObject({ conversations: 2, leads: 1, tickets: 1 });
    const find = await renkei(['personal-data', 'find', '--phone', '+81 90-1234-5678', '--db', server.db]);
    expect(find.code, find.stderr).toBe(0);
    expect(find.stdout).toMatch(/conversations 2/);
    expect(find.stdout).toMatch(/leads 1/);
    expect(find.stdout).toMatch(/tickets 1/);

    const logMark = server.output().length;
    const erased = await admin(server, '/personal-data?phone=090-1234-5678', 'DELETE');
    expect(erased.status).toBe(200);
    expect(JSON.parse(erased.text).removed).toMatchObject({ conversations: 2, leads: 1, tickets: 1 });
    // The answer names the subject it was asked about, and nothing else of Taro's.
    expect(mentionsTaro(erased.text.replace('"value":"09012345678"', ''))).toBeUndefined();

    // The API: every admin read that could show a visitor.
    const pages: string[] = [];
    for (const path of [
      '/records/leads',
      '/records/contacts',
      '/records/tickets',
      '/records/subscribers',
      '/conversations?limit=500',
      '/execution-log?limit=500',
      '/audit?limit=500',
      '/bots/lead/analytics',
    ]) {
      const page = await admin(server, path);
      expect(page.status, path).toBe(200);
      pages.push(page.text);
    }
    for (const { id } of JSON.parse(pages[4]!).items as { id: string }[]) pages.push((await admin(server, `/conversations/${id}`)).text);
    expect(mentionsTaro(pages.join('\n'))).toBeUndefined();
    expect(pages.join('\n')).toContain(HANAKO.email);
    // A search finds nothing (its answer only repeats what it was asked).
    for (const query of ['email=taro.yamada@example.com', 'phone=09012345678']) {
      const left = JSON.parse((await admin(server, `/personal-data?${query}`)).text) as { counts: Record<string, number> };
      expect(
        Object.values(left.counts).every((n) => n === 0),
        query,
      ).toBe(true);
    }

    // The CLI agrees: nothing left to erase.
    const again = await renkei(['personal-data', 'erase', '--email', TARO.email, '--db', server.db]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing held about them');

    // The database: every row of every table, and on SQLite the files themselves.
    const stored = kind === 'postgres' ? await postgresRows(server.db) : sqliteFiles(server.db);
    expect(stored).toContain(HANAKO.email);
    expect(mentionsTaro(stored)).toBeUndefined();

    // The logs written since the erasure (the requests that named Taro included).
    expect(server.output().length).toBeGreaterThan(logMark);
    expect(mentionsTaro(server.output().slice(logMark))).toBeUndefined();

    const audit = JSON.parse(pages[6]!).items as { action: string; address: string | null }[];
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['personal_data.export', 'personal_data.erase']));
    expect(audit.find((e) => e.action === 'personal_data.erase')?.address).toBe('127.0.0.1');

    await server.stop();
    if (kind === 'sqlite') expect(mentionsTaro(sqliteFiles(server.db))).toBeUndefined();
  });
});
