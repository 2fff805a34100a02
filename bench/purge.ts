import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { publishFile } from '../src/store/bots.ts';
import { openStore } from '../src/store/store.ts';
import { echoBot } from '../test/helpers/echo-bot.ts';
import { startConversation } from '../test/helpers/visitors.ts';
import { assertClean, load, startChild, type Child, type Load } from './load.ts';

/** DESIGN: latency is judged with 20 visitors replying at once. */
const CONNECTIONS = 20;
const EXPIRED = 100_000;
/** Transcript lines per expired conversation: a greeting, three questions and answers, a thank-you … */
const EVENTS_EACH = 8;
const SECONDS = 6;
const WARMUP_SECONDS = 2;

const RENKEI = fileURLToPath(new URL('../bin/renkei.js', import.meta.url));
const BODY = JSON.stringify({ text: 'Hello there' });

/**
 * Visitor turns while retention purges 100,000 expired conversations (each with its transcript,
 * one integration call and its attempt log: 1.1 million rows) from the same SQLite database: the
 * p99 of the turns during the purge over the p99 of the same turns just before it, in one
 * `renkei serve` process. The purge starts as an admin shortens the retention period.
 */
export async function benchPurge(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-bench-purge-'));
  const db = join(dir, 'renkei.db');
  const adminToken = randomBytes(24).toString('hex');
  let server: Child | undefined;
  try {
    const seedSeconds = await seed(db, dir);
    server = await startChild(RENKEI, ['serve', '--port', '0', '--db', db], {
      RENKEI_ADMIN_TOKEN: adminToken,
      RENKEI_RATE_LIMIT: '0',
      RENKEI_LOG_LEVEL: 'warn',
    });
    const url = server.url;
    const visitors = await Promise.all(Array.from({ length: CONNECTIONS }, () => startConversation(url, 'bench-echo')));
    const turns = (seconds: number): Promise<Load> =>
      load(server!, CONNECTIONS, seconds, (i) => ({
        path: `/api/v1/conversations/${visitors[i]!.id}/replies`,
        headers: { authorization: `Bearer ${visitors[i]!.token}` },
        body: BODY,
      }));

    await turns(WARMUP_SECONDS);
    const quiet = await turns(SECONDS);
    assertClean('visitor turns before the purge', quiet);

    const changed = await fetch(`${url}/api/v1/admin/retention`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ conversations: 30 }),
    });
    if (!changed.ok) throw new Error(`shortening the retention period: ${changed.status} ${await changed.text()}`);
    const during = await turns(SECONDS);
    assertClean('visitor turns during the purge', during);
    // The figure means something only if the purge ran the whole window: it started, and it is not done.
    const purged = await purgedConversations(url);
    if (purged === 0) throw new Error('the purge deleted nothing while the turns were measured');
    if (purged >= EXPIRED) throw new Error(`the purge finished within the ${SECONDS} s window, so not every turn measured ran beside it; lengthen SECONDS`);

    return {
      purge_seed_s: Math.round(seedSeconds * 10) / 10,
      purge_turn_p99_ms_before: quiet.p99Ms,
      purge_turn_p99_ms_during: during.p99Ms,
      purge_turn_p99_ratio: Math.round((during.p99Ms / Math.max(1, quiet.p99Ms)) * 100) / 100,
      purge_turns_per_s_before: quiet.perSecond,
      purge_turns_per_s_during: during.perSecond,
      // Under the visitors' load: the purge yields to them.
      purge_conversations_per_s: Math.round(purged / SECONDS),
    };
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function purgedConversations(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return Number(/^renkei_retention_deleted_rows_total\{table="conversations"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

/**
 * The database as a year of chat left it: the bench bot published, and 100,000 finished
 * conversations last active 200 days ago, each with its transcript, a built-in lead call and its
 * attempt. Written with SQL in a few statements (the turn path would take minutes).
 */
async function seed(db: string, dir: string): Promise<number> {
  const t0 = performance.now();
  const store = await openStore(db);
  try {
    const file = join(dir, 'bench-echo.yaml');
    writeFileSync(file, echoBot('bench-echo'));
    await publishFile(store.db, file);
    const at = new Date(Date.now() - 200 * 86_400_000).toISOString();
    const n = sql.lit(EXPIRED);
    const numbers = sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${n})`;
    const id = sql`'old-' || printf('%06d', i)`;
    await store.db.transaction().execute(async (trx) => {
      await sql`${numbers}
        insert into conversations (id, bot_id, bot_version, token_hash, state, status, row_version, last_seq, locale, created_at, updated_at)
        select ${id}, 'bench-echo', 1, hex(randomblob(32)),
          '{"conversationId":"' || ${id} || '","botId":"bench-echo","status":"ended","at":null,"vars":{"visitor.name":"Visitor ' || i ||
            '","visitor.email":"visitor' || i || '@example.com","visitor.phone":"090-' || printf('%04d', i % 10000) || '-0000","said":"Hello there"},' ||
            '"attempts":0,"effects":1,"pendingEffect":null,"reason":null}',
          'ended', ${EVENTS_EACH + 1}, ${EVENTS_EACH}, 'en', ${at}, ${at}
        from n`.execute(trx);
      await sql`${numbers}, e(seq) as (select 1 union all select seq + 1 from e where seq < ${sql.lit(EVENTS_EACH)})
        insert into conversation_events (conversation_id, seq, type, payload, created_at)
        select ${id}, seq, case when seq % 2 = 0 then 'visitor' else 'message' end,
          case when seq % 2 = 0 then '{"text":"My answer number ' || seq || ', visitor' || i || '@example.com"}'
               else '{"message":{"text":"Thank you, Visitor ' || i || '. Question ' || seq || ': what else can we do for you?"}}' end,
          ${at}
        from n, e`.execute(trx);
      await sql`${numbers}
        insert into effects (id, conversation_id, bot_id, bot_version, block_id, action, locale, request, status, attempts, next_attempt_at, deadline_at, outcome, created_at, updated_at)
        select ${id} || ':1', ${id}, 'bench-echo', 1, 'create', 'crm.lead', 'en',
          '{"name":"Visitor ' || i || '","email":"visitor' || i || '@example.com","phone":"","company":"","fields":{}}',
          'done', 1, ${at}, ${at}, '{"outcome":"success","outputs":{"id":"lead-' || i || '"}}', ${at}, ${at}
        from n`.execute(trx);
      await sql`${numbers}
        insert into effect_attempts (id, effect_id, conversation_id, bot_id, block_id, action, provider, attempt, started_at, duration_ms, outcome, message)
        select 'attempt-' || ${id}, ${id} || ':1', ${id}, 'bench-echo', 'create', 'crm.lead', 'builtin', 1, ${at}, 3, 'success', null
        from n`.execute(trx);
    });
    await sql`pragma wal_checkpoint(truncate)`.execute(store.db);
  } finally {
    await store.close();
  }
  return (performance.now() - t0) / 1000;
}
