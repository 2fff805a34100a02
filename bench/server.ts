import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startConversation } from '../test/helpers/visitors.ts';
import { assertClean, cpuSecondsOf, load, startChild, type Child, type Load } from './load.ts';
import { benchOutbox } from './outbox.ts';
import { BENCH_POSTGRES_URL } from './postgres.ts';
import { echoBot } from '../test/helpers/echo-bot.ts';

/** DESIGN: throughput is judged with 100 visitors replying at once, latency with 20. */
const THROUGHPUT_CONNECTIONS = 100;
const LATENCY_CONNECTIONS = 20;
const SECONDS = 10;
const WARMUP_SECONDS = 2;

const BASELINE_SERVER = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));
const LEAN_BASELINE_SERVER = fileURLToPath(new URL('./baseline-lean-server.ts', import.meta.url));
const PG_BASELINE_SERVER = fileURLToPath(new URL('./baseline-pg-server.ts', import.meta.url));
const RENKEI = fileURLToPath(new URL('../bin/renkei.js', import.meta.url));

const BENCH_BOT = echoBot('bench-echo');

const BODY = JSON.stringify({ text: 'Hello there' });

/**
 * The server's figures: Renkei's visitor turn over HTTP (a real `renkei serve` process) at 100 and
 * at 20 connections, against bare Fastify routes doing a turn's writes with no Renkei code — the
 * SQLite route writing what Renkei's turn writes (`turn_ratio`), the leanest honest SQLite route
 * (read, update, one message: `turn_ratio_lean`) and a `pg` route on the same PostgreSQL as
 * Renkei's turn there (`pg_turn_ratio`) — and built-in leads through the outbox. The load
 * generator runs in this process, each server in its own.
 */
export async function benchServer(): Promise<Record<string, number>> {
  const baseline = await benchBaseline(BASELINE_SERVER, 'baseline');
  const lean = await benchBaseline(LEAN_BASELINE_SERVER, 'lean baseline');
  const turns = await benchTurns();
  const pgBaseline = await benchPgBaseline();
  const pgTurns = await benchPgTurns();
  const outbox = await benchOutbox();
  const ratio = (a: Load, b: Load) => Math.round((a.perSecond / b.perSecond) * 100) / 100;
  return {
    baseline_per_s: baseline.perSecond,
    baseline_p99_ms: baseline.p99Ms,
    lean_baseline_per_s: lean.perSecond,
    turns_per_s: turns.throughput.perSecond,
    turn_ratio: ratio(turns.throughput, baseline),
    turn_ratio_lean: ratio(turns.throughput, lean),
    turns_p99_ms_at_100: turns.throughput.p99Ms,
    turns_per_s_at_20: turns.latency.perSecond,
    turn_p50_ms: turns.latency.p50Ms,
    turn_p99_ms: turns.latency.p99Ms,
    turn_non2xx: turns.throughput.non2xx + turns.latency.non2xx,
    baseline_cpu_us: baseline.cpuUsPerRequest,
    lean_baseline_cpu_us: lean.cpuUsPerRequest,
    turn_cpu_us: turns.throughput.cpuUsPerRequest,
    pg_baseline_per_s: pgBaseline.perSecond,
    pg_turns_per_s: pgTurns.perSecond,
    pg_turn_ratio: ratio(pgTurns, pgBaseline),
    pg_turns_p99_ms_at_100: pgTurns.p99Ms,
    pg_baseline_cpu_us: pgBaseline.cpuUsPerRequest,
    pg_turn_cpu_us: pgTurns.cpuUsPerRequest,
    pg_baseline_db_cpu_us: pgBaseline.dbCpuUs,
    pg_turn_db_cpu_us: pgTurns.dbCpuUs,
    ...outbox,
  };
}

const baselineRequest = (i: number) => ({ path: `/conversations/c${i}/replies`, headers: {}, body: BODY });

async function benchBaseline(script: string, what: string): Promise<Load> {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-bench-baseline-'));
  const server = await startChild(script, [join(dir, 'baseline.db'), String(THROUGHPUT_CONNECTIONS)]);
  try {
    await load(server, THROUGHPUT_CONNECTIONS, WARMUP_SECONDS, baselineRequest);
    const run = await load(server, THROUGHPUT_CONNECTIONS, SECONDS, baselineRequest);
    assertClean(what, run);
    return run;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPgBaseline(): Promise<Load & { dbCpuUs: number }> {
  return withBenchSchema(async (schema) => {
    const url = new URL(BENCH_POSTGRES_URL);
    url.searchParams.set('application_name', schema);
    const server = await startChild(PG_BASELINE_SERVER, [url.toString(), schema, String(THROUGHPUT_CONNECTIONS)]);
    try {
      await load(server, THROUGHPUT_CONNECTIONS, WARMUP_SECONDS, baselineRequest);
      const backends = await postgresBackends(schema);
      const run = await load(server, THROUGHPUT_CONNECTIONS, SECONDS, baselineRequest);
      assertClean('PostgreSQL baseline', run);
      return { ...run, dbCpuUs: await backends.cpuUsPer(run.requests) };
    } finally {
      await server.stop();
    }
  });
}

async function benchPgTurns(): Promise<Load & { dbCpuUs: number }> {
  return withBenchSchema(async (schema) => {
    const url = new URL(BENCH_POSTGRES_URL);
    url.searchParams.set('schema', schema);
    url.searchParams.set('application_name', schema);
    const { throughput, dbCpuUs } = await benchTurns(url.toString(), false, () => postgresBackends(schema));
    return { ...throughput, dbCpuUs: dbCpuUs ?? 0 };
  });
}

interface Backends {
  /** PostgreSQL CPU time since the backends were found, per request, in microseconds. */
  cpuUsPer(requests: number): Promise<number>;
}

/**
 * The PostgreSQL backends of a server's pool (its connections carry `application_name`), and the
 * CPU time they use from now on: what a turn costs the database server, read from /proc (the
 * bench runs on the database's machine).
 */
async function postgresBackends(applicationName: string): Promise<Backends> {
  const pids = async (): Promise<number[]> => {
    const admin = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [applicationName]);
      return rows.map((r) => r.pid);
    } finally {
      await admin.end();
    }
  };
  const before = new Map((await pids()).map((pid) => [pid, cpuSecondsOf(pid)]));
  return {
    // A connection closed meanwhile is left out (its time is gone with it); one opened meanwhile counts whole.
    cpuUsPer: async (requests) => {
      const used = (await pids()).reduce((sum, pid) => sum + cpuSecondsOf(pid) - (before.get(pid) ?? 0), 0);
      return Math.round((used * 1e6) / Math.max(1, requests));
    },
  };
}

/** A schema of its own on the bench's PostgreSQL, dropped afterwards. */
async function withBenchSchema<T>(run: (schema: string) => Promise<T>): Promise<T> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  try {
    return await run(schema);
  } finally {
    const admin = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

/**
 * Renkei's turns on `db` (default: a new SQLite file): at 100 connections, and at 20 when
 * `latency`. With `database`, also the database's CPU per turn of the run at 100.
 */
async function benchTurns(db?: string, latency = true, database?: () => Promise<Backends>): Promise<{ throughput: Load; latency: Load; dbCpuUs?: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-bench-turns-'));
  const adminToken = randomBytes(24).toString('hex');
  const server: Child = await startChild(RENKEI, ['serve', '--port', '0', '--db', db ?? join(dir, 'renkei.db')], {
    RENKEI_ADMIN_TOKEN: adminToken,
    RENKEI_RATE_LIMIT: '0',
    RENKEI_LOG_LEVEL: 'warn',
    RENKEI_SECRET_KEY: randomBytes(32).toString('hex'),
  });
  try {
    await publishBenchBot(server.url, adminToken);
    // Each run gets conversations of its own, one per connection: a connection's replies follow
    // each other, and a reply still in flight when a run ends cannot race the next run's.
    const run = async (connections: number, seconds: number): Promise<Load> => {
      const visitors = await Promise.all(Array.from({ length: connections }, () => startConversation(server.url, 'bench-echo')));
      return load(server, connections, seconds, (i) => ({
        path: `/api/v1/conversations/${visitors[i]!.id}/replies`,
        headers: { authorization: `Bearer ${visitors[i]!.token}` },
        body: BODY,
      }));
    };
    await run(THROUGHPUT_CONNECTIONS, WARMUP_SECONDS);
    const backends = await database?.();
    const throughput = await run(THROUGHPUT_CONNECTIONS, SECONDS);
    assertClean('visitor turns at 100 connections', throughput);
    const dbCpuUs = await backends?.cpuUsPer(throughput.requests);
    if (!latency) return { throughput, latency: throughput, ...(dbCpuUs === undefined ? {} : { dbCpuUs }) };
    const atTwenty = await run(LATENCY_CONNECTIONS, SECONDS);
    assertClean('visitor turns at 20 connections', atTwenty);
    return { throughput, latency: atTwenty };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function publishBenchBot(url: string, adminToken: string): Promise<void> {
  const admin = { authorization: `Bearer ${adminToken}` };
  const saved = await fetch(`${url}/api/v1/admin/bots/bench-echo`, {
    method: 'PUT',
    headers: { ...admin, 'content-type': 'application/yaml' },
    body: BENCH_BOT,
  });
  if (!saved.ok) throw new Error(`saving the bench bot: ${saved.status} ${await saved.text()}`);
  const published = await fetch(`${url}/api/v1/admin/bots/bench-echo/publish`, { method: 'POST', headers: admin });
  if (!published.ok) throw new Error(`publishing the bench bot: ${published.status} ${await published.text()}`);
}
