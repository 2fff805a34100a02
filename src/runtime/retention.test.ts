import { describe, expect, it } from 'vitest';
import type { Purged } from '../store/personal-data/index.ts';
import { STORE_TARGETS } from '../store/test-support.ts';
import { LEAD_BOT } from './personal-data-fixtures.ts';
import { RetentionWorker, type RetentionLog } from './retention.ts';
import { harness, type Harness } from './test-support.ts';

const DAY = 24 * 60 * 60 * 1000;

/** A clock the test moves: conversations are made in the past, retention runs today. */
function clock(daysAgo: number): { now: () => Date; set(daysAgo: number): void } {
  let at = Date.now() - daysAgo * DAY;
  return { now: () => new Date(at), set: (d) => (at = Date.now() - d * DAY) };
}

function quietLog(): RetentionLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (obj, msg) => lines.push(`${msg} ${JSON.stringify(obj)}`), error: (obj, msg) => lines.push(`ERROR ${msg}`) };
}

async function finished(h: Harness, name: string): Promise<string> {
  const started = await h.runtime.start('pd-lead');
  for (const text of [name, `${name.toLowerCase()}@example.com`, '090-0000-1111']) {
    await h.runtime.reply(started.conversationId, started.token, { text }, { waitMs: 5_000 });
  }
  return started.conversationId;
}

const count = async (h: Harness, table: 'conversations' | 'conversation_events' | 'effects' | 'effect_attempts' | 'leads'): Promise<number> =>
  Number(
    (
      await h.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(STORE_TARGETS)('retention (%s)', (kind) => {
  it('deletes finished conversations past their time with everything of them, in batches, and never an open one or one waiting on a call', async () => {
    const time = clock(400);
    const h = await harness(kind, { now: time.now });
    await h.publishBot(LEAD_BOT);
    h.runtime.startWorkers(2);
    const old = [];
    for (let i = 0; i < 45; i++) old.push(await finished(h, `Old${i}`));
    // Still open: waiting for the visitor's phone number.
    const open = await h.runtime.start('pd-lead');
    await h.runtime.reply(open.conversationId, open.token, { text: 'Open' });
    time.set(10);
    const recent = await finished(h, 'Recent');
    await h.runtime.stop({ graceMs: 1_000 });
    // Waiting on its call, 400 days: no worker runs any more.
    time.set(400);
    const { runtime: idle } = await h.another({ now: time.now });
    const waiting = await idle.start('pd-lead');
    for (const text of ['Waiting', 'waiting@example.com', '090-2222-3333']) await idle.reply(waiting.conversationId, waiting.token, { text }, { waitMs: 0 });

    const rowsOfOld = Number(
      (
        await h.store.db
          .selectFrom('conversation_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('conversation_id', 'in', old)
          .executeTakeFirstOrThrow()
      ).n,
    );
    const batches: Purged[] = [];
    const log = quietLog();
    const worker = new RetentionWorker({
      store: h.store,
      policy: async () => ({ conversations: 365, records: null, idle: null }),
      log,
      onPurged: (rows) => batches.push(rows),
      batchMs: 1_000,
    });
    const run = await worker.runOnce();
    await worker.stop();

    expect(run.error).toBeNull();
    expect(run.purged['conversations']).toBe(45);
    expect(run.purged['effects']).toBe(45);
    expect(run.purged['effect_attempts']).toBe(45);
    // Rows: a turn's events share one.
    expect(rowsOfOld).toBeGreaterThan(45 * 4);
    expect(run.purged['conversation_events']).toBe(rowsOfOld);
    // Batches start small and grow: more than one.
    expect(batches.length).toBeGreaterThan(1);
    const left = await h.store.db.selectFrom('conversations').select(['id', 'status']).execute();
    expect(left.map((c) => c.id)).not.toContain(old[0]);
    expect(left.find((c) => c.id === open.conversationId)?.status).toBe('waiting_input');
    expect(left.find((c) => c.id === waiting.conversationId)?.status).toBe('working');
    expect(left.find((c) => c.id === recent)?.status).toBe('ended');
    expect(left).toHaveLength(3);
    // Records are kept by default.
    expect(await count(h, 'leads')).toBe(46);
    expect(log.lines.join('\n')).toMatch(/retention: deleted \d+ rows, closed 0 idle conversations/);
    expect(log.lines.join('\n')).not.toMatch(/@|090/);
  });

  it('closes a conversation left waiting for its visitor, so it is deleted in its turn', async () => {
    const time = clock(40);
    const h = await harness(kind, { now: time.now });
    await h.publishBot(LEAD_BOT);
    const open = await h.runtime.start('pd-lead');
    await h.runtime.reply(open.conversationId, open.token, { text: 'Idle' });
    time.set(5);
    const fresh = await h.runtime.start('pd-lead');

    const closed: number[] = [];
    const worker = new RetentionWorker({
      store: h.store,
      policy: async () => ({ conversations: 1, records: null, idle: 30 }),
      log: quietLog(),
      onClosed: (n) => closed.push(n),
    });
    const run = await worker.runOnce();
    await worker.stop();
    expect(run.closed).toBe(1);
    expect(closed).toEqual([1]);
    // Closed just now: kept for its retention period from today.
    expect(run.purged['conversations'] ?? 0).toBe(0);
    const row = await h.store.db.selectFrom('conversations').selectAll().where('id', '=', open.conversationId).executeTakeFirstOrThrow();
    expect(row.status).toBe('ended');
    expect(JSON.parse(row.state)).toMatchObject({ status: 'ended', reason: 'idle', at: null });
    const transcript = await h.runtime.transcript(open.conversationId, open.token);
    expect(transcript.status).toBe('ended');
    expect(transcript.events.at(-1)).toMatchObject({ type: 'status', status: 'ended', reason: 'idle' });
    const other = await h.store.db.selectFrom('conversations').select('status').where('id', '=', fresh.conversationId).executeTakeFirstOrThrow();
    expect(other.status).toBe('waiting_input');
    await expect(h.runtime.reply(open.conversationId, open.token, { text: 'x@example.com' })).rejects.toMatchObject({ code: 'conversation_over' });
  });

  it('deletes built-in records past their time when asked to, a contact only once no deal points at it', async () => {
    const h = await harness(kind);
    const { db } = h.store;
    const at = (days: number) => new Date(Date.now() - days * DAY).toISOString();
    const person = (id: string, days: number) => ({
      id,
      name: id,
      email: `${id}@example.com`,
      email_key: `${id}@example.com`,
      phone: null,
      company: null,
      source: 'Chat',
      bot_id: null,
      fields: '{}',
      effect_id: null,
      created_at: at(days),
    });
    await db
      .insertInto('leads')
      .values([person('old-lead', 100), person('new-lead', 5)])
      .execute();
    await db
      .insertInto('contacts')
      .values([person('old-contact', 100), person('dealt-contact', 100)])
      .execute();
    await db
      .insertInto('deals')
      .values({
        id: 'deal',
        name: 'Deal',
        stage: null,
        closing_date: null,
        amount: null,
        contact_id: 'dealt-contact',
        bot_id: null,
        fields: '{}',
        effect_id: null,
        created_at: at(20),
      })
      .execute();

    const run = async (days: number) => {
      const worker = new RetentionWorker({ store: h.store, policy: async () => ({ conversations: null, records: days, idle: null }), log: quietLog() });
      const result = await worker.runOnce();
      await worker.stop();
      return result;
    };
    expect((await run(30)).purged).toEqual({ leads: 1, contacts: 1 });
    expect((await db.selectFrom('contacts').select('id').execute()).map((r) => r.id)).toEqual(['dealt-contact']);
    expect((await run(10)).purged).toEqual({ deals: 1, contacts: 1 });
    expect((await db.selectFrom('leads').select('id').execute()).map((r) => r.id)).toEqual(['new-lead']);
  });
});
