import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startConversation } from '../test/helpers/visitors.ts';
import { assertClean, load, startChild, type Child, type Load } from './load.ts';
import { benchOutbox } from './outbox.ts';
import { echoBot } from '../test/helpers/echo-bot.ts';

/** DESIGN: throughput is judged with 100 visitors replying at once, latency with 20. */
const THROUGHPUT_CONNECTIONS = 100;
const LATENCY_CONNECTIONS = 20;
const SECONDS = 10;
const WARMUP_SECONDS = 2;

const BASELINE_SERVER = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));
const RENKEI = fileURLToPath(new URL('../bin/renkei.js', import.meta.url));

const BENCH_BOT = echoBot('bench-echo');

const BODY = JSON.stringify({ text: 'Hello there' });

/**
 * The server's figures: a bare Fastify + SQLite route as the baseline, Renkei's visitor turn over
 * HTTP (a real `renkei serve` process) at 100 and at 20 connections, and built-in leads through
 * the outbox. The load generator runs in this process, each server in its own.
 */
export async function benchServer(): Promise<Record<string, number>> {
  const baseline = await benchBaseline();
  const turns = await benchTurns();
  const outbox = await benchOutbox();
  return {
    baseline_per_s: baseline.perSecond,
    baseline_p99_ms: baseline.p99Ms,
    turns_per_s: turns.throughput.perSecond,
    turn_ratio: Math.round((turns.throughput.perSecond / baseline.perSecond) * 100) / 100,
    turns_p99_ms_at_100: turns.throughput.p99Ms,
    turns_per_s_at_20: turns.latency.perSecond,
    turn_p50_ms: turns.latency.p50Ms,
    turn_p99_ms: turns.latency.p99Ms,
    turn_non2xx: turns.throughput.non2xx + turns.latency.non2xx,
    baseline_cpu_us: baseline.cpuUsPerRequest,
    turn_cpu_us: turns.throughput.cpuUsPerRequest,
    ...outbox,
  };
}

async function benchBaseline(): Promise<Load> {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-bench-baseline-'));
  const server = await startChild(BASELINE_SERVER, [join(dir, 'baseline.db'), String(THROUGHPUT_CONNECTIONS)]);
  try {
    const request = (i: number) => ({ path: `/conversations/c${i}/replies`, headers: {}, body: BODY });
    await load(server, THROUGHPUT_CONNECTIONS, WARMUP_SECONDS, request);
    const run = await load(server, THROUGHPUT_CONNECTIONS, SECONDS, request);
    assertClean('baseline', run);
    return run;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchTurns(): Promise<{ throughput: Load; latency: Load }> {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-bench-turns-'));
  const adminToken = randomBytes(24).toString('hex');
  const server: Child = await startChild(RENKEI, ['serve', '--port', '0', '--db', join(dir, 'renkei.db')], {
    RENKEI_ADMIN_TOKEN: adminToken,
    RENKEI_RATE_LIMIT: '0',
    RENKEI_LOG_LEVEL: 'warn',
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
    const throughput = await run(THROUGHPUT_CONNECTIONS, SECONDS);
    assertClean('visitor turns at 100 connections', throughput);
    const latency = await run(LATENCY_CONNECTIONS, SECONDS);
    assertClean('visitor turns at 20 connections', latency);
    return { throughput, latency };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function publishBenchBot(url: string, adminToken: string): Promise<void> {
  const admin = { authorization: `Bearer ${adminToken}` };
  const saved = await fetch(`${url}/api/v1/admin/bots/bench-echo`, { method: 'PUT', headers: { ...admin, 'content-type': 'application/yaml' }, body: BENCH_BOT });
  if (!saved.ok) throw new Error(`saving the bench bot: ${saved.status} ${await saved.text()}`);
  const published = await fetch(`${url}/api/v1/admin/bots/bench-echo/publish`, { method: 'POST', headers: admin });
  if (!published.ok) throw new Error(`publishing the bench bot: ${published.status} ${await published.text()}`);
}
