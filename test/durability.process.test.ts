import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { startFakeZoho, type FakeZoho } from './fake-zoho/index.ts';
import { renkei, tempDir } from './helpers/cli.ts';
import { serve, type RunningServer } from './helpers/server.ts';
import { conversationCounts, effectCounts, peek } from './helpers/sqlite-peek.ts';
import { botTexts, forEachVisitor, reply, startConversation, transcript, waitUntil, type Visitor } from './helpers/visitors.ts';

/**
 * kill -9 of a `renkei serve` while conversations are inside their `crm.lead` block, then a
 * restart on the same database: every conversation gets exactly one lead and its success message.
 */

const VISITORS = 200;
/** Visitors typing at once. */
const CONCURRENCY = 25;
/** The lease is 30 s: a killed worker's effects are claimed again within that, plus a margin. */
const RECOVERY_MS = 60_000;

const ENV = { RENKEI_TURN_WAIT_MS: '0', RENKEI_RATE_LIMIT: '0', RENKEI_LOG_LEVEL: 'warn' };

const person = (i: number) => ({
  name: `Visitor ${i}`,
  email: `visitor${i}@example.com`,
  phone: `080-1000-${String(i).padStart(4, '0')}`,
  company: `Company ${i}`,
});

const servers: RunningServer[] = [];
async function start(db: string): Promise<RunningServer> {
  const server = await serve({ db, env: ENV });
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** Every visitor of examples/lead.yaml answers its questions; `last: false` stops before the company (the block's trigger). */
async function chatUpTo(url: string, i: number, last: boolean): Promise<Visitor> {
  const p = person(i);
  const visitor = await startConversation(url, 'lead');
  for (const text of [p.name, p.email, p.phone]) expect((await reply(url, visitor, text)).status).toBe('waiting_input');
  if (last) await answerCompany(url, visitor, i);
  return visitor;
}

async function answerCompany(url: string, visitor: Visitor, i: number): Promise<void> {
  // RENKEI_TURN_WAIT_MS=0: the reply returns as soon as the turn (with its effect) is committed.
  expect((await reply(url, visitor, person(i).company)).status).toBe('working');
}

/** Waits until no effect is unfinished and no conversation is working, on whichever server now runs. */
async function waitForRecovery(db: string, server: () => string): Promise<void> {
  await waitUntil(
    'every conversation is past its integration block',
    () => {
      const effects = effectCounts(db);
      return effects.pending + effects.running === 0 && (conversationCounts(db)['working'] ?? 0) === 0;
    },
    RECOVERY_MS,
    250,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}: ${JSON.stringify(effectCounts(db))}\n${server()}`, { cause: error });
  });
}

/** The message examples/lead.yaml's `thanks` block shows for the record `id`. */
const thanks = (i: number, id: string) => `Thank you, ${person(i).name}! Your reference is ${id}. Our team will contact you at ${person(i).email}.`;

/** Each conversation ended on the success port, quoting the id of the one record with its visitor's email. */
async function expectThanked(url: string, visitors: readonly Visitor[], idOfEmail: ReadonlyMap<string, string>): Promise<void> {
  await forEachVisitor(visitors.length, CONCURRENCY, async (i) => {
    const t = await transcript(url, visitors[i]!);
    const id = idOfEmail.get(person(i).email);
    expect(id, `a record for ${person(i).email}`).toBeDefined();
    expect({ visitor: i, status: t.status, last: botTexts(t).at(-1) }).toEqual({ visitor: i, status: 'ended', last: thanks(i, id!) });
  });
}

function expectOnePerVisitor(emails: readonly string[]): void {
  expect(emails.length).toBe(VISITORS);
  expect(new Set(emails).size).toBe(VISITORS);
  expect(new Set(emails)).toEqual(new Set(Array.from({ length: VISITORS }, (_, i) => person(i).email)));
}

describe('kill -9 while 200 conversations are inside integration blocks', () => {
  let fake: FakeZoho | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('Zoho CRM answering late: after the restart every lead exists once and every visitor is thanked', { timeout: 90_000 }, async () => {
    fake = await startFakeZoho({ seed: 5 });
    // Zoho itself would then accept a second lead with the same email: only Renkei stands between a retry and a duplicate.
    fake.setLeadEmailUnique(false);
    const t = tempDir();
    onTestFinished(t.cleanup);
    const c = fake.client;
    const configured = await renkei([
      'integrations',
      'set',
      'crm',
      'zoho',
      '--dc',
      'com',
      '--client-id',
      c.clientId,
      '--client-secret',
      c.clientSecret,
      '--refresh-token',
      c.refreshToken,
      '--accounts-url',
      fake.url,
      '--api-url',
      fake.url,
      '--db',
      t.db,
    ]);
    expect(configured.stderr).toBe('');

    // Every Zoho answer comes 3 s after the work is done: a lead exists before Renkei hears of it.
    fake.faults.set({ rateSlow: 1, slowMs: 3_000 });
    const first = await start(t.db);
    const visitors = await forEachVisitor(VISITORS, CONCURRENCY, (i) => chatUpTo(first.url, i, true));

    // Kill once the claimed effects' leads exist in Zoho but their answers are still on the way.
    await waitUntil(
      'the claimed effects have created their leads',
      () => {
        // Zoho's leads include those of finished effects: more leads than finished effects means
        // some running effect's lead exists while its answer is still on the way.
        const { running, done } = effectCounts(t.db);
        return running > 0 && fake!.crm.leads.length > done;
      },
      20_000,
      20,
    );
    await first.kill();
    const atKill = effectCounts(t.db);
    const leadsAtKill = fake.crm.leads.length;
    const cut = peek(t.db, (db) => db.prepare("select id from effects where status = 'running'").all()).map((r) => String(r['id']));
    expect(atKill.running).toBeGreaterThan(0);
    expect(atKill.pending + atKill.running + atKill.done).toBe(VISITORS);
    // Leads that Zoho created but whose effects never learnt it: a blind retry would duplicate them.
    expect(leadsAtKill).toBeGreaterThan(atKill.done);

    fake.faults.reset(); // Zoho answers promptly again.
    const second = await start(t.db);
    await waitForRecovery(t.db, second.output);

    const leads = fake.crm.leads;
    expectOnePerVisitor(leads.map((l) => String(l['Email'])));
    await expectThanked(second.url, visitors, new Map(leads.map((l) => [String(l['Email']), String(l['id'])])));
    // The effects the kill cut short were claimed again once their lease ran out, and found their lead.
    const retried = peek(t.db, (db) => db.prepare('select id, attempts, outcome from effects where attempts > 1').all());
    expect(new Set(retried.map((r) => String(r['id'])))).toEqual(new Set(cut));
    for (const r of retried) expect(JSON.parse(String(r['outcome']))).toMatchObject({ outcome: 'success' });
  });

  it('built-in CRM, killed amid a burst of answers: every committed turn survives, 200 leads, none twice', { timeout: 80_000 }, async () => {
    const t = tempDir();
    onTestFinished(t.cleanup);
    const first = await start(t.db);
    const visitors = await forEachVisitor(VISITORS, CONCURRENCY, (i) => chatUpTo(first.url, i, false));
    // Everyone answers the last question at once; the kill lands when half of them have their response.
    let answered = 0;
    let killed: Promise<void> | undefined;
    const replies = await Promise.allSettled(
      visitors.map(async (v, i) => {
        await answerCompany(first.url, v, i);
        if (++answered === VISITORS / 2) killed = first.kill();
      }),
    );
    await killed;
    // Those without a response lost their connection to the kill; no reply was refused.
    for (const r of replies) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/fetch failed/);
    const acknowledged = visitors.filter((_, i) => replies[i]!.status === 'fulfilled');
    expect(acknowledged.length).toBeGreaterThanOrEqual(VISITORS / 2);
    // A turn the visitor saw succeed was committed: its effect is in the outbox despite the kill.
    const queued = new Set(peek(t.db, (db) => db.prepare('select conversation_id from effects').all()).map((r) => String(r['conversation_id'])));
    for (const v of acknowledged) expect(queued.has(v.id), `the effect of acknowledged conversation ${v.id}`).toBe(true);

    const second = await start(t.db);
    // A visitor whose answer got no response reloads the conversation, and answers again if it still waits.
    await forEachVisitor(VISITORS, CONCURRENCY, async (i) => {
      if (replies[i]!.status === 'fulfilled') return;
      const { status } = await transcript(second.url, visitors[i]!);
      if (status === 'waiting_input') await answerCompany(second.url, visitors[i]!, i);
    });
    await waitForRecovery(t.db, second.output);

    const res = await fetch(`${second.url}/api/v1/admin/records/leads?limit=500`, { headers: { authorization: `Bearer ${second.adminToken}` } });
    expect(res.status).toBe(200);
    const { items, total } = (await res.json()) as { items: Array<{ id: string; email: string }>; total: number };
    expect(total).toBe(VISITORS);
    expectOnePerVisitor(items.map((l) => l.email));
    await expectThanked(second.url, visitors, new Map(items.map((l) => [l.email, l.id])));
  });
});
