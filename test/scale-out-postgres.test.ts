import { randomBytes } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvents, type SseEvent } from '../src/server/test-support.ts';
import { newTestTarget } from '../src/store/test-support.ts';
import { serve, type RunningServer } from './helpers/server.ts';
import { botTexts, forEachVisitor, reply, startConversation, transcript, waitUntil, type Visitor } from './helpers/visitors.ts';
import { echoBot } from './helpers/echo-bot.ts';

/**
 * Two `renkei serve` processes on one PostgreSQL schema, no sticky sessions: any process serves
 * any turn of any conversation, either one's workers run the effects, and a stream opened on one
 * hears what a reply to the other produced.
 */

const VISITORS = 200;
const CONCURRENCY = 25;

let servers: RunningServer[] = [];
let removeSchema: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const { target, remove } = newTestTarget('postgres');
  removeSchema = remove;
  const env = {
    RENKEI_SECRET_KEY: randomBytes(32).toString('hex'),
    RENKEI_ADMIN_TOKEN: randomBytes(24).toString('hex'),
    RENKEI_RATE_LIMIT: '0',
    RENKEI_LOG_LEVEL: 'warn',
  };
  // One after the other: the first migrates the new schema and publishes the examples.
  const a = await serve({ db: target, env });
  const b = await serve({ db: target, env }).catch(async (error: unknown) => {
    await a.stop();
    throw error;
  });
  servers = [a, b];
}, 60_000);

/** The two processes: A and B. */
const both = (): [RunningServer, RunningServer] => [servers[0]!, servers[1]!];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await removeSchema?.();
});

const ECHO_BOT = echoBot();

const person = (i: number) => ({
  name: `Visitor ${i}`,
  email: `visitor${i}@example.com`,
  phone: `080-2000-${String(i).padStart(4, '0')}`,
  company: `Company ${i}`,
});

describe('two renkei serve processes on one PostgreSQL database', () => {
  it('200 conversations with every request sent to either process: 200 leads, none twice, every visitor thanked', { timeout: 80_000 }, async () => {
    const rng = xoroshiro128plus(20_240_501);
    const any = (): string => servers[uniformInt(rng, 0, 1)]!.url;
    const served = new Set<string>();
    const pick = (): string => {
      const url = any();
      served.add(url);
      return url;
    };

    const visitors = await forEachVisitor(VISITORS, CONCURRENCY, async (i): Promise<Visitor> => {
      const p = person(i);
      const visitor = await startConversation(pick(), 'lead');
      for (const text of [p.name, p.email, p.phone]) expect((await reply(pick(), visitor, text)).status).toBe('waiting_input');
      // The last answer starts the lead; the response waits for it (RENKEI_TURN_WAIT_MS), whichever process runs it.
      expect(['working', 'ended']).toContain((await reply(pick(), visitor, p.company)).status);
      return visitor;
    });
    expect(served.size).toBe(2);

    // Every conversation moves past its integration block, as either process sees it.
    const ended = new Set<number>();
    await waitUntil(
      'every conversation has ended',
      async () => {
        await forEachVisitor(VISITORS, CONCURRENCY, async (i) => {
          if (ended.has(i)) return;
          if ((await transcript(pick(), visitors[i]!)).status === 'ended') ended.add(i);
        });
        return ended.size === VISITORS;
      },
      30_000,
      250,
    );

    const [a] = both();
    const res = await fetch(`${a.url}/api/v1/admin/records/leads?limit=500`, { headers: { authorization: `Bearer ${a.adminToken}` } });
    expect(res.status).toBe(200);
    const { items, total } = (await res.json()) as { items: Array<{ id: string; email: string }>; total: number };
    expect(total).toBe(VISITORS);
    const emails = items.map((l) => l.email);
    expect(new Set(emails)).toEqual(new Set(Array.from({ length: VISITORS }, (_, i) => person(i).email)));
    const idOf = new Map(items.map((l) => [l.email, l.id]));

    await forEachVisitor(VISITORS, CONCURRENCY, async (i) => {
      const t = await transcript(pick(), visitors[i]!);
      const { name, email } = person(i);
      expect({ visitor: i, status: t.status, last: botTexts(t).at(-1) }).toEqual({
        visitor: i,
        status: 'ended',
        last: `Thank you, ${name}! Your reference is ${idOf.get(email)}. Our team will contact you at ${email}.`,
      });
    });
  });

  it('a bot published through one process is served by the other, whose stream hears at once what a reply to the first produced', async () => {
    const [a, b] = both();
    const admin = { authorization: `Bearer ${b.adminToken}` };
    const saved = await fetch(`${b.url}/api/v1/admin/bots/echo`, { method: 'PUT', headers: { ...admin, 'content-type': 'application/yaml' }, body: ECHO_BOT });
    expect(saved.status, await saved.text()).toBeLessThan(300);
    expect((await fetch(`${b.url}/api/v1/admin/bots/echo/publish`, { method: 'POST', headers: admin })).status).toBe(200);

    const visitor = await startConversation(a.url, 'echo');
    const stream = await openEvents(`${a.url}/api/v1/conversations/${visitor.id}/events`, {
      authorization: `Bearer ${visitor.token}`,
      'last-event-id': String(visitor.started.lastEventId),
    });
    try {
      expect(stream.status).toBe(200);
      const waits: number[] = [];
      for (let round = 1; round <= 8; round++) {
        const text = `message ${round}`;
        const sent = performance.now();
        const turn = await reply(b.url, visitor, text);
        // Everything the turn wrote, through its last event, arrives on A's stream.
        const heard: SseEvent[] = [];
        while (Number(heard.at(-1)?.id ?? 0) < turn.lastEventId) heard.push((await stream.next(5_000))!);
        waits.push(performance.now() - sent);
        expect(heard.map((e) => e.data['type'])).toEqual(['visitor', 'message', 'message', 'input']);
        expect(heard.map((e) => e.data['text'] ?? (e.data['message'] as { text?: string } | undefined)?.text)).toEqual([
          text,
          `You said: ${text}`,
          'Say something.',
          undefined,
        ]);
      }
      // Woken by NOTIFY, not found by the once-a-second safety-net poll: polling alone would
      // make these waits spread evenly over a second.
      expect(Math.max(...waits), `the stream on A heard each reply to B after ${waits.map(Math.round).join(', ')} ms`).toBeLessThan(300);
    } finally {
      stream.close();
    }
  });
});
