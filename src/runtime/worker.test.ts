import { describe, expect, it } from 'vitest';
import type { CallContext, RoleConnectors } from '../vocabulary/roles.ts';
import { runEffect } from './run-effect.ts';
import { listRecords } from '../store/records.ts';
import { STORE_TARGETS } from '../store/test-support.ts';
import { listEffectAttempts } from './admin.ts';
import { DEFAULTS } from './index.ts';
import { claimDue, effectOf } from './outbox.ts';
import { failure } from '../vocabulary/outcome.ts';
import { ManualClock } from './manual-clock.ts';
import { BOTS, eventually, harness, onClock, realConnectors, sendJson, serveHttp } from './test-support.ts';

const texts = (view: { messages: readonly { text: string }[] }) => view.messages.map((m) => m.text);

/** The real connectors, with every CRM lead call's context written down. */
function watched(connectors: RoleConnectors): { connectors: RoleConnectors; calls: CallContext[] } {
  const calls: CallContext[] = [];
  return {
    calls,
    connectors: {
      ...connectors,
      crm: {
        ...connectors.crm,
        createLead: (req, ctx) => {
          calls.push(ctx);
          return connectors.crm.createLead(req, ctx);
        },
      },
    },
  };
}

describe.each(STORE_TARGETS)('workers on %s', (kind) => {
  it("takes over a crashed worker's effect when its lease expires, looks before creating, and makes one record", async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.lead);
    const c = await h.runtime.start('quick-lead');
    const turn = await h.runtime.reply(c.conversationId, c.token, { text: 'crash@example.com' }, { waitMs: 0 });
    expect(turn.status).toBe('working');

    // The worker that crashed: it claimed the effect with the default lease, its call reached
    // the CRM (the lead exists), and it died before recording anything.
    const claimedAt = new Date();
    const [claimed] = await claimDue(h.store.db, h.store.dialect, { owner: 'crashed', now: claimedAt, leaseMs: DEFAULTS.leaseMs, limit: 10 });
    expect(claimed).toBeDefined();
    const first = await runEffect(effectOf(claimed!), h.connectors);
    expect(first.outcome).toBe('success');
    const leadId = first.outcome === 'success' ? first.outputs['id'] : '';

    // Just before the lease ends, nobody can take it.
    const early = new Date(claimedAt.getTime() + DEFAULTS.leaseMs - 1_000);
    expect(await claimDue(h.store.db, h.store.dialect, { owner: 'early', now: early, leaseMs: DEFAULTS.leaseMs, limit: 10 })).toEqual([]);

    // 30 s after the claim, another process's worker takes the effect over.
    const later = watched(realConnectors(h.store));
    const other = await h.another({ connectors: later.connectors, now: () => new Date(claimedAt.getTime() + DEFAULTS.leaseMs + 1) });
    await other.runtime.drain();

    expect(later.calls).toHaveLength(1);
    expect(later.calls[0]).toMatchObject({ retryOfUnknown: true, effectId: claimed!.id });
    const leads = await listRecords(h.store.db, 'leads');
    expect(leads.map((l) => l.id)).toEqual([leadId]);
    const t = await h.runtime.transcript(c.conversationId, c.token);
    expect(t.status).toBe('ended');
    expect(t.events.at(-2)).toMatchObject({ type: 'message', message: { text: `Lead ${leadId} created` } });
    const log = await listEffectAttempts(h.store.db, { conversationId: c.conversationId });
    expect(log).toMatchObject([{ attempt: 2, outcome: 'success', provider: 'builtin', action: 'crm.lead', blockId: 'create' }]);
  });

  it('backs off after retryable failures and then succeeds', async () => {
    let calls = 0;
    const url = await serveHttp((_req, res) => {
      calls += 1;
      if (calls <= 2) sendJson(res, 503, { error: 'maintenance' });
      else sendJson(res, 200, { id: 'W-1' });
    });
    const h = await harness(kind, { retry: { baseMs: 30, capMs: 1_000 }, random: () => 1 });
    await h.publishBot(BOTS.webhook(url));
    h.runtime.startWorkers(1);
    const c = await h.runtime.start('hook');
    const turn = await h.runtime.reply(c.conversationId, c.token, { text: 'hello' });

    expect(turn.status).toBe('ended');
    expect(texts(turn)).toEqual(['Saved W-1']);
    const log = (await listEffectAttempts(h.store.db, { conversationId: c.conversationId })).reverse();
    expect(log.map((a) => [a.attempt, a.outcome, a.provider])).toEqual([
      [1, 'failure', 'webhook'],
      [2, 'failure', 'webhook'],
      [3, 'success', 'webhook'],
    ]);
    expect(log[0]!.message).toContain('503');
    // Full jitter with random() = 1 waits the whole bound: 30 ms, then 60 ms.
    const gap = (i: number) => Date.parse(log[i + 1]!.startedAt) - (Date.parse(log[i]!.startedAt) + log[i]!.durationMs);
    expect(gap(0)).toBeGreaterThanOrEqual(29);
    expect(gap(1)).toBeGreaterThanOrEqual(59);
  });

  it("turns endless retryable failures into the failure port at the block's deadline", async () => {
    const url = await serveHttp((_req, res) => sendJson(res, 503, { error: 'still down' }));
    const h = await harness(kind, { deadlineMs: 400, retry: { baseMs: 20, capMs: 40 } });
    await h.publishBot(BOTS.webhook(url));
    h.runtime.startWorkers(1);
    const c = await h.runtime.start('hook');
    const began = Date.now();
    const turn = await h.runtime.reply(c.conversationId, c.token, { text: 'hello' });

    expect(turn.status).toBe('handoff');
    expect(texts(turn)).toEqual(['Could not save']);
    expect(Date.now() - began).toBeLessThan(3_000);
    const log = await listEffectAttempts(h.store.db, { conversationId: c.conversationId });
    expect(log.length).toBeGreaterThan(2);
    expect(log.every((a) => a.outcome === 'failure')).toBe(true);
    const effect = await h.store.db.selectFrom('effects').selectAll().executeTakeFirstOrThrow();
    expect(effect.status).toBe('done');
    expect(effect.outcome).toContain("the block's deadline passed");
  });

  it("retries on the runtime's clock: each retry waits its whole backoff, and the block gives up exactly at its deadline", async () => {
    const clock = new ManualClock();
    const policy = { clock, deadlineMs: 400, retry: { baseMs: 20, capMs: 40 }, random: () => 1 };
    const h = await harness(kind, policy);
    let calls = 0;
    const crmDown: RoleConnectors = {
      ...h.connectors,
      crm: {
        ...h.connectors.crm,
        createLead: async () => {
          calls += 1;
          return failure('the CRM is down', true);
        },
      },
    };
    const worker = await h.another({ ...policy, connectors: crmDown });
    await h.publishBot(BOTS.lead);
    const c = await h.runtime.start('quick-lead');
    const began = clock.now().getTime();
    await h.runtime.reply(c.conversationId, c.token, { text: 'down@example.com' }, { waitMs: 0 });
    worker.runtime.startWorkers(1);

    const effect = await onClock(clock, 'the effect is settled', async () => {
      const row = await h.store.db.selectFrom('effects').selectAll().executeTakeFirst();
      return row?.status === 'done' && row;
    });
    // Full jitter with random() = 1 waits the whole bound: 20 ms, then 40 ms (the cap) each time,
    // until the next retry would start at 420 ms, past the deadline at 400 ms.
    const log = (await listEffectAttempts(h.store.db, { conversationId: c.conversationId })).reverse();
    expect(log.map((a) => Date.parse(a.startedAt) - began)).toEqual([0, 20, 60, 100, 140, 180, 220, 260, 300, 340, 380]);
    expect(log.every((a) => a.outcome === 'failure')).toBe(true);
    expect(calls).toBe(11);
    expect(effect.outcome).toContain("the CRM is down (gave up after 11 attempts: the block's deadline passed)");
    const t = await h.runtime.transcript(c.conversationId, c.token);
    expect(t.status).toBe('handoff');
    expect(t.events.some((e) => e.type === 'message' && e.message.text === 'Sorry')).toBe(true);
  });

  it('a call that never answers ends at the deadline', async () => {
    const url = await serveHttp(() => undefined);
    const h = await harness(kind, { deadlineMs: 300, retry: { baseMs: 20, capMs: 40 } });
    await h.publishBot(BOTS.webhook(url));
    h.runtime.startWorkers(1);
    const c = await h.runtime.start('hook');
    const turn = await h.runtime.reply(c.conversationId, c.token, { text: 'hello' });
    expect(turn.status).toBe('handoff');
    const [attempt] = await listEffectAttempts(h.store.db, { conversationId: c.conversationId });
    expect(attempt).toMatchObject({ outcome: 'failure', attempt: 1 });
    expect(attempt!.durationMs).toBeLessThan(2_000);
  });

  it("runs an abandoned conversation's effect to the end", async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.lead);
    const c = await h.runtime.start('quick-lead');
    await h.runtime.reply(c.conversationId, c.token, { text: 'gone@example.com' }, { waitMs: 0 });
    // Nobody waits or follows any more; a worker starts later.
    h.runtime.startWorkers(1);
    const leads = await eventually('the lead exists', async () => {
      const rows = await listRecords(h.store.db, 'leads');
      return rows.length > 0 && rows;
    });
    expect(leads).toHaveLength(1);
    await eventually('the conversation has ended', async () => (await h.runtime.transcript(c.conversationId, c.token)).status === 'ended');
  });

  it('hands unfinished effects back on a graceful stop, and another process finishes them', async () => {
    let answer = (): void => undefined;
    const url = await serveHttp((_req, res) => {
      answer = () => sendJson(res, 200, { id: 'late' });
    });
    const h = await harness(kind);
    await h.publishBot(BOTS.webhook(url));
    h.runtime.startWorkers(1);
    const c = await h.runtime.start('hook');
    const turn = await h.runtime.reply(c.conversationId, c.token, { text: 'hello' }, { waitMs: 0 });
    expect(turn.status).toBe('working');
    await eventually('the effect runs', async () => {
      const e = await h.store.db.selectFrom('effects').select('status').executeTakeFirst();
      return e?.status === 'running';
    });

    await h.runtime.stop({ graceMs: 50 });
    const released = await h.store.db.selectFrom('effects').selectAll().executeTakeFirstOrThrow();
    expect(released).toMatchObject({ status: 'pending', lease_owner: null, attempts: 1 });

    const next = await h.another();
    const finished = next.runtime.drain();
    await eventually('the second call arrives', async () => {
      const e = await next.store.db.selectFrom('effects').select('attempts').executeTakeFirst();
      return e?.attempts === 2;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer();
    await finished;
    const t = await next.runtime.transcript(c.conversationId, c.token);
    expect(t.status).toBe('ended');
    expect(t.events.some((e) => e.type === 'message' && e.message.text === 'Saved late')).toBe(true);
  });

  it('lets a running call finish within the grace period of a stop', async () => {
    const url = await serveHttp((_req, res) => setTimeout(() => sendJson(res, 200, { id: 'in-time' }), 150));
    const h = await harness(kind);
    await h.publishBot(BOTS.webhook(url));
    h.runtime.startWorkers(1);
    const c = await h.runtime.start('hook');
    await h.runtime.reply(c.conversationId, c.token, { text: 'hello' }, { waitMs: 0 });
    await eventually('the effect runs', async () => (await h.store.db.selectFrom('effects').select('status').executeTakeFirst())?.status === 'running');
    await h.runtime.stop({ graceMs: 5_000 });
    const effect = await h.store.db.selectFrom('effects').selectAll().executeTakeFirstOrThrow();
    expect(effect).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('keeps the lease of a long call alive, so no other worker calls again', async () => {
    // The runtime's time stands still unless the test moves it, and the call answers only when
    // the test says: however slow the machine, the lease can lapse only if nobody renews it.
    const clock = new ManualClock();
    let calls = 0;
    let answer: (() => void) | undefined;
    const url = await serveHttp((_req, res) => {
      calls += 1;
      answer = () => sendJson(res, 200, { id: 'long' });
    });
    const h = await harness(kind, { clock, leaseMs: 300, pollMs: 50 });
    await h.publishBot(BOTS.webhook(url));
    h.runtime.startWorkers(1);
    const c = await h.runtime.start('hook');
    await h.runtime.reply(c.conversationId, c.token, { text: 'hello' }, { waitMs: 0 });
    await eventually('the call is made', async () => calls === 1);
    const leaseUntil = async () => Date.parse((await h.store.db.selectFrom('effects').select('lease_until').executeTakeFirstOrThrow()).lease_until ?? '');
    const claimedUntil = await leaseUntil();

    // The call lasts ten leases: the lease the claim took has long run out …
    clock.advance(3_000);
    expect(claimedUntil).toBeLessThan(clock.now().getTime());
    // … but the holder's heartbeat renews it from the time it is now.
    await eventually('the heartbeat renews the lease', async () => (await leaseUntil()) > clock.now().getTime());

    // Another worker looks for effects to take over, finds none, and waits on the clock.
    const other = await h.another({ clock, leaseMs: 300, pollMs: 50 });
    const waiting = clock.waiting;
    const drained = other.runtime.drain();
    await eventually('the other worker has looked and waits', async () => clock.waiting > waiting);
    expect(calls).toBe(1);

    answer?.();
    await eventually('the conversation ends', async () => (await h.runtime.transcript(c.conversationId, c.token)).status === 'ended');
    clock.advance(50);
    await drained;
    expect(calls).toBe(1);
    expect((await listEffectAttempts(h.store.db)).map((a) => a.attempt)).toEqual([1]);
  });

  it("renews a long call's lease on the runtime's clock, every third of a lease, however little of the machine's time passes", async () => {
    // A lease of a minute: the heartbeat comes due every ~20 s of the runtime's clock. The test
    // lasts a few seconds of the machine's time, so a heartbeat timed by the machine never beats.
    const clock = new ManualClock();
    let calls = 0;
    let answer: (() => void) | undefined;
    const url = await serveHttp((_req, res) => {
      calls += 1;
      answer = () => sendJson(res, 200, { id: 'long' });
    });
    // The block's deadline is far: the call outlasts the claim's lease, not its block.
    const lease = { clock, leaseMs: 60_000, pollMs: 1_000, deadlineMs: 600_000 };
    const h = await harness(kind, lease);
    await h.publishBot(BOTS.webhook(url));
    h.runtime.startWorkers(1);
    const c = await h.runtime.start('hook');
    await h.runtime.reply(c.conversationId, c.token, { text: 'hello' }, { waitMs: 0 });
    await eventually('the call is made', async () => calls === 1);
    const leaseUntil = async () => Date.parse((await h.store.db.selectFrom('effects').select('lease_until').executeTakeFirstOrThrow()).lease_until ?? '');
    const began = clock.now().getTime();
    expect(await leaseUntil()).toBe(began + 59_000);

    // Three times a third of a lease: each renews the lease from the time it then is.
    for (let step = 1; step <= 3; step++) {
      clock.advance(20_000);
      await eventually(`the heartbeat renews the lease (step ${step})`, async () => (await leaseUntil()) > clock.now().getTime() + 59_000 - 20_000);
    }
    // The claim's own lease ran out a second ago; nobody else calls.
    expect(clock.now().getTime()).toBeGreaterThan(began + 59_000);
    const other = await h.another(lease);
    const drained = other.runtime.drain();
    await eventually('the other worker has looked and waits', async () => clock.waiting > 0);
    expect(calls).toBe(1);

    answer?.();
    await eventually('the conversation ends', async () => (await h.runtime.transcript(c.conversationId, c.token)).status === 'ended');
    clock.advance(1_000);
    await drained;
    expect(calls).toBe(1);
  });

  it("looks for expired leases on the runtime's clock: a dead worker's effect is taken at the first poll after its lease ends, not before", async () => {
    const clock = new ManualClock();
    const lease = { clock, leaseMs: 60_000, pollMs: 1_000 };
    const h = await harness(kind, lease);
    await h.publishBot(BOTS.lead);
    const c = await h.runtime.start('quick-lead');
    await h.runtime.reply(c.conversationId, c.token, { text: 'dead@example.com' }, { waitMs: 0 });
    // A worker claimed the effect and died before calling.
    const [claimed] = await claimDue(h.store.db, h.store.dialect, { owner: 'dead', now: clock.now(), leaseMs: 60_000, limit: 10 });
    expect(claimed).toBeDefined();

    const later = watched(realConnectors(h.store));
    const other = await h.another({ ...lease, connectors: later.connectors });
    const drained = other.runtime.drain();
    await eventually('the other worker has looked and waits', async () => clock.waiting > 0);
    // A second before the lease ends: looked for again, still held.
    clock.advance(59_000);
    await eventually('the other worker has looked again and waits', async () => clock.waiting > 0);
    expect(later.calls).toHaveLength(0);
    // The lease ends: the next poll takes it, with no time of the machine's having to pass.
    clock.advance(1_000);
    await eventually('the effect is taken over', async () => later.calls.length === 1);
    await drained;
    expect(later.calls[0]).toMatchObject({ retryOfUnknown: true, effectId: claimed!.id });
    expect((await h.runtime.transcript(c.conversationId, c.token)).status).toBe('ended');
  });

  it('carries 200 conversations through their integration block with two workers: 200 records, no duplicate', async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.lead);
    const second = await h.another();
    h.runtime.startWorkers(2);
    second.runtime.startWorkers(2);
    const runtimes = [h.runtime, second.runtime];

    const conversations = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const rt = runtimes[i % 2]!;
        const c = await rt.start('quick-lead', { visitor: { name: `Visitor ${i}` } });
        await rt.reply(c.conversationId, c.token, { text: `visitor${i}@example.com` }, { waitMs: 0 });
        return c;
      }),
    );
    await eventually(
      'every conversation has ended',
      async () => {
        const open = await h.store.db.selectFrom('conversations').select('id').where('status', '!=', 'ended').execute();
        return open.length === 0;
      },
      60_000,
    );

    const leads = await listRecords(h.store.db, 'leads', { limit: 1_000 });
    expect(leads).toHaveLength(200);
    expect(new Set(leads.map((l) => l.email)).size).toBe(200);
    for (const [i, c] of conversations.entries()) {
      const t = await runtimes[(i + 1) % 2]!.transcript(c.conversationId, c.token);
      const lead = leads.find((l) => l.email === `visitor${i}@example.com`);
      expect(t.events.some((e) => e.type === 'message' && e.message.text === `Lead ${lead?.id} created`)).toBe(true);
    }
    const attempts = await listEffectAttempts(h.store.db, { limit: 1_000 });
    expect(attempts).toHaveLength(200);
    expect(new Set(attempts.map((a) => a.effectId)).size).toBe(200);
  });
});
