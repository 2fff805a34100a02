import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { overFetch, setUpHandoff, signIn } from '../test/helpers/handoff.ts';
import { reply, startConversation, type Visitor } from '../test/helpers/visitors.ts';
import { startChild, type Child } from './load.ts';

/** The figure: 50 live chats at once. */
const CHATS = 50;
/** Agent messages per chat, each sent once the previous one reached the visitor. */
const MESSAGES = 20;
/** A message not on the visitor's stream this long after it was acknowledged counts as lost. */
const LOST_AFTER_MS = 5_000;

const RENKEI = fileURLToPath(new URL('../bin/renkei.js', import.meta.url));
const BOT_ID = 'bench-desk';

/**
 * The visitor's event stream, read as the widget's EventSource would: the agent's lines as they
 * arrive. The bench's one process plays 50 browsers and the agent, so its HTTP client is undici's
 * own API rather than fetch: fetch's WHATWG layers (Request, Headers, web streams) cost this
 * process about as much CPU per line as the server spends, and 50 browsers would not queue
 * behind one another's.
 */
class VisitorStream {
  readonly #abort = new AbortController();
  readonly #waiting = new Map<string, () => void>();
  readonly arrived = new Set<string>();
  #buffer = '';

  static async open(pool: Pool, visitor: Visitor, after: number): Promise<VisitorStream> {
    const stream = new VisitorStream();
    const res = await pool.request({
      method: 'GET',
      path: `/api/v1/conversations/${visitor.id}/events?token=${encodeURIComponent(visitor.token)}&lastEventId=${after}`,
      headers: { accept: 'text/event-stream' },
      signal: stream.#abort.signal,
    });
    if (res.statusCode !== 200) throw new Error(`the visitor's stream answered ${res.statusCode}`);
    res.body.setEncoding('utf8');
    res.body.on('data', (chunk: string) => stream.#take(chunk));
    res.body.on('error', () => undefined); // closed
    return stream;
  }

  #take(chunk: string): void {
    this.#buffer += chunk;
    let cut: number;
    while ((cut = this.#buffer.indexOf('\n\n')) !== -1) {
      const block = this.#buffer.slice(0, cut);
      this.#buffer = this.#buffer.slice(cut + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (!data) continue;
      const event = JSON.parse(data.slice(6)) as { type: string; from?: string; text?: string };
      if (event.type !== 'message' || event.from !== 'agent' || event.text === undefined) continue;
      this.arrived.add(event.text);
      this.#waiting.get(event.text)?.();
    }
  }

  /** Resolves true when `text` arrived, false after `ms`. */
  until(text: string, ms: number): Promise<boolean> {
    if (this.arrived.has(text)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(text);
        resolve(false);
      }, ms);
      this.#waiting.set(text, () => {
        clearTimeout(timer);
        this.#waiting.delete(text);
        resolve(true);
      });
    });
  }

  close(): void {
    this.#abort.abort();
  }
}

/**
 * Live chat after a hand-off, in one `renkei serve` process on SQLite: 50 visitors handed off and
 * claimed by an agent, then the agent writes to all 50 at once. Each figure is the time from the
 * agent's POST to the line arriving on that visitor's event stream (the p99 over 1,000 lines), and
 * how many acknowledged lines never arrived; and the server's CPU time per delivered line.
 */
export async function benchHandoff(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-bench-handoff-'));
  const adminToken = randomBytes(24).toString('hex');
  let server: Child | undefined;
  const streams: VisitorStream[] = [];
  const pools: Pool[] = [];
  try {
    server = await startChild(RENKEI, ['serve', '--port', '0', '--db', join(dir, 'renkei.db')], {
      RENKEI_ADMIN_TOKEN: adminToken,
      RENKEI_RATE_LIMIT: '0',
      // Every visitor of the bench comes from 127.0.0.1: the per-address cap on open streams is for the web.
      RENKEI_STREAMS_PER_IP: '1000',
      RENKEI_LOG_LEVEL: 'warn',
    });
    const url = server.url;
    // The hand-off bot, and its agent signed in (fetch is fine for the set-up; the measured lines go over undici's Pool).
    await setUpHandoff(overFetch(url), adminToken, { id: BOT_ID });
    const cookie = await signIn(overFetch(url));
    // One connection per visitor's stream, and as many for the agent's lines as there are chats.
    const streamPool = new Pool(url, { connections: CHATS });
    const agentPool = new Pool(url, { connections: CHATS });
    pools.push(streamPool, agentPool);
    const inbox = async (path: string, body?: unknown): Promise<{ status: number; text: string }> => {
      const res = await agentPool.request({
        method: 'POST',
        path: `/api/v1/inbox${path}`,
        headers: { cookie, origin: url, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.statusCode, text: await res.body.text() };
    };

    const visitors: Visitor[] = [];
    for (let i = 0; i < CHATS; i++) {
      const visitor = await startConversation(url, BOT_ID);
      const handed = await reply(url, visitor, `topic ${i}`);
      if (handed.status !== 'handoff') throw new Error(`visitor ${i} was not handed off: ${handed.status}`);
      const claimed = await inbox(`/${visitor.id}/claim`);
      if (claimed.status !== 204) throw new Error(`claim: ${claimed.status}`);
      visitors.push(visitor);
      streams.push(await VisitorStream.open(streamPool, visitor, handed.lastEventId));
    }

    const latencies: number[] = [];
    let lost = 0;
    const cpuBefore = server.cpuSeconds();
    await Promise.all(
      visitors.map(async (visitor, i) => {
        for (let n = 0; n < MESSAGES; n++) {
          const text = `chat ${i} line ${n}`;
          const sent = performance.now();
          const res = await inbox(`/${visitor.id}/messages`, { text });
          if (res.status !== 204) throw new Error(`agent message: ${res.status} ${res.text}`);
          if (await streams[i]!.until(text, LOST_AFTER_MS)) latencies.push(performance.now() - sent);
          else lost++;
        }
      }),
    );
    // The server's CPU per delivered line hardly moves when other processes share the machine, unlike the latencies.
    const cpuUsPerMessage = Math.round(((server.cpuSeconds() - cpuBefore) * 1e6) / Math.max(1, latencies.length));
    latencies.sort((a, b) => a - b);
    const p = (q: number): number => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
    return { handoff_delivery_p50_ms: p(0.5), handoff_delivery_p99_ms: p(0.99), handoff_lost: lost, handoff_server_cpu_us_per_message: cpuUsPerMessage };
  } finally {
    for (const s of streams) s.close();
    for (const pool of pools) await pool.destroy();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
