import { describe, expect, it } from 'vitest';
import type { CallContext } from '../vocabulary/roles.ts';
import { listEffectAttempts } from './admin.ts';
import { DEFAULTS } from './index.ts';
import { ManualClock } from './manual-clock.ts';
import { STORE_TARGETS } from '../store/test-support.ts';
import { BOTS, eventually, harness, realConnectors, sendJson, serveHttp } from './test-support.ts';

/**
 * Found by the reliability suite (faults scenario): with 4 calls at a time, 1,000 visitors against
 * a flaky Zoho spent their blocks' 40 s deadline waiting in the queue (the deadline counted from
 * when the effect was written), and their calls did not know how much of the block's time was left.
 */
describe('integration calls of one process', () => {
  it('run 16 at a time by default, each told when its block runs out of time', async () => {
    let inFlight = 0;
    let most = 0;
    const contexts: CallContext[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const h = await harness('sqlite');
    const real = realConnectors(h.store);
    const slow = await h.another({
      connectors: {
        ...real,
        crm: {
          ...real.crm,
          createLead: async (req, ctx) => {
            contexts.push(ctx);
            most = Math.max(most, ++inFlight);
            await gate;
            inFlight--;
            return real.crm.createLead(req, ctx);
          },
        },
      },
    });
    await h.publishBot(BOTS.lead);
    const began = Date.now();
    const conversations = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const c = await h.runtime.start('quick-lead');
        await h.runtime.reply(c.conversationId, c.token, { text: `burst${i}@example.com` }, { waitMs: 0 });
        return c;
      }),
    );
    slow.runtime.startWorkers();
    await eventually('16 calls are running at once', async () => inFlight >= 16 || undefined);
    expect(DEFAULTS.concurrency).toBe(16);
    open();
    await slow.runtime.drain();
    expect(most).toBe(16);
    for (const ctx of contexts) {
      expect(ctx.deadline).toBeGreaterThan(began);
      expect(ctx.deadline).toBeLessThanOrEqual(Date.now() + DEFAULTS.deadlineMs);
    }
    const ended = await Promise.all(conversations.map((c) => h.runtime.transcript(c.conversationId, c.token)));
    expect(ended.map((t) => t.status)).toEqual(Array(20).fill('ended'));
  });
});

describe.each(STORE_TARGETS)("a block's deadline on %s", (kind) => {
  it('starts when a worker first takes the effect: time queued behind others does not count', async () => {
    let calls = 0;
    const url = await serveHttp((_req, res) => (++calls === 1 ? sendJson(res, 503, { error: 'busy' }) : sendJson(res, 200, { id: 'w-1' })));
    const clock = new ManualClock();
    const h = await harness(kind, { clock, deadlineMs: 400, retry: { baseMs: 20, capMs: 40 }, random: () => 1 });
    await h.publishBot(BOTS.webhook(url));
    const c = await h.runtime.start('hook');
    const began = clock.now().getTime();
    expect((await h.runtime.reply(c.conversationId, c.token, { text: 'hello' }, { waitMs: 0 })).status).toBe('working');
    // Queued longer than the whole deadline before any worker is free.
    clock.advance(700);
    h.runtime.startWorkers(1);
    // The first try is written down in the transaction that schedules its retry, whose wake-up
    // then waits on the clock (the call's own deadline timer ended with the call).
    await eventually('the retry waits on the clock', async () => (await listEffectAttempts(h.store.db)).length === 1 && clock.waiting > 0);
    clock.advance(20);
    await eventually('the conversation is over', async () => {
      const t = await h.runtime.transcript(c.conversationId, c.token);
      return t.status === 'working' ? undefined : t;
    });
    const t = await h.runtime.transcript(c.conversationId, c.token);
    // The first try failed and the retry, still within the block's 400 ms, succeeded.
    expect(t.events.flatMap((e) => (e.type === 'message' ? [e.message.text] : [])).at(-1)).toBe('Saved w-1');
    expect(calls).toBe(2);
    const tries = (await listEffectAttempts(h.store.db)).reverse();
    expect(tries.map((a) => [Date.parse(a.startedAt) - began, a.outcome])).toEqual([
      [700, 'failure'],
      [720, 'success'],
    ]);
  });
});
