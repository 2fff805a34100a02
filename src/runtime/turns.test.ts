import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { listRecords } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { STORE_TARGETS } from '../store/test-support.ts';
import { RuntimeError, type RuntimeErrorCode } from './api.ts';
import { BOTS, eventually, harness } from './test-support.ts';

async function rejection(promise: Promise<unknown>): Promise<RuntimeErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RuntimeError) return error.code;
    throw error;
  }
  throw new Error('expected a RuntimeError, but the call succeeded');
}

/**
 * Runs the calls so that all of them read the conversation before any writes it. SQLite: one
 * connection serves queries in order, so both reads are queued before either transaction.
 * PostgreSQL: another transaction holds the row until both writers wait for it (a reply writes
 * through renkei_advance_turn, which updates the row first).
 */
async function racing<T>(store: Store, conversationId: string, calls: () => Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  if (store.dialect === 'sqlite') return Promise.allSettled(calls());
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked = (): void => undefined;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = store.db.transaction().execute(async (trx) => {
    await trx.selectFrom('conversations').select('id').where('id', '=', conversationId).forUpdate().execute();
    locked();
    await released;
  });
  await isLocked;
  const settled = Promise.allSettled(calls());
  await eventually('both replies wait for the conversation row', async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and (query like 'update "conversations"%' or query like 'select renkei_advance_turn%')`.execute(store.db);
    return (rows[0]?.n ?? 0) >= 2;
  });
  release();
  await holder;
  return settled;
}

const texts = (view: { messages: readonly { text: string }[] }) => view.messages.map((m) => m.text);

describe.each(STORE_TARGETS)('turns on %s', (kind) => {
  it('starts on the published bot, runs its integration through a worker and shows the next message', async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.lead);
    h.runtime.startWorkers(2);

    const started = await h.runtime.start('quick-lead', { visitor: { name: 'Ｔａｒｏ  ' } });
    expect(started).toMatchObject({ status: 'waiting_input', input: { blockId: 'ask_email', kind: 'email' } });
    expect(texts(started)).toEqual(['Your email?']);
    expect(started.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const turn = await h.runtime.reply(started.conversationId, started.token, { text: 'taro@EXAMPLE.com' });
    const leads = await listRecords(h.store.db, 'leads');
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ name: 'Taro', email: 'taro@example.com', botId: 'quick-lead' });
    expect(turn).toMatchObject({ status: 'ended', input: null });
    expect(texts(turn)).toEqual([`Lead ${leads[0]!.id} created`]);
    expect(turn.records).toEqual([{ event: 'lead.created', data: { id: leads[0]!.id } }]);
    expect(started.records).toEqual([]);

    const transcript = await h.runtime.transcript(started.conversationId, started.token);
    expect(transcript).toMatchObject({ botId: 'quick-lead', botVersion: 1, status: 'ended', input: null });
    expect(transcript.events.map((e) => e.seq)).toEqual(transcript.events.map((_, i) => i + 1));
    expect(turn.lastEventId).toBe(transcript.events.at(-1)!.seq);
    const shown = (e: (typeof transcript.events)[number]): string => {
      if (e.type === 'message') return e.message.text;
      if (e.type === 'status') return `[${e.status}]`;
      if (e.type === 'visitor') return `> ${e.text}`;
      if (e.type === 'record') return `${e.event} ${JSON.stringify(e.data)}`;
      return '?';
    };
    expect(transcript.events.map(shown)).toEqual([
      'Your email?',
      '[waiting_input]',
      '?',
      '> taro@EXAMPLE.com',
      '[working]',
      // The page hears of the lead with its id, and nothing else the connector said.
      `lead.created {"id":"${leads[0]!.id}"}`,
      `Lead ${leads[0]!.id} created`,
      '[ended]',
    ]);
  });

  it('stores only the hash of the token', async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.lead);
    const started = await h.runtime.start('quick-lead');
    const row = await h.store.db.selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(started.token);
  });

  it('refuses an unpublished bot, an unknown bot and a bot with drafts only', async () => {
    const h = await harness(kind);
    expect(await rejection(h.runtime.start('nobody'))).toBe('bot_not_found');
    const { saveDraft } = await import('../store/bots.ts');
    const { loadBotText } = await import('../flow/index.ts');
    const bot = loadBotText(BOTS.lead, 'lead.yaml').bot!;
    await saveDraft(h.store.db, bot.id, { source: BOTS.lead, format: 'yaml', bot });
    expect(await rejection(h.runtime.start('quick-lead'))).toBe('bot_not_found');
  });

  it('applies exactly one of two racing replies; the other is a conflict', async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.survey());
    const c = await h.runtime.start('survey');
    const results = await racing(h.store, c.conversationId, () => [
      h.runtime.reply(c.conversationId, c.token, { text: 'Hanako' }),
      h.runtime.reply(c.conversationId, c.token, { text: 'Jiro' }),
    ]);
    const applied = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(applied).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBeInstanceOf(RuntimeError);
    expect((refused[0]!.reason as RuntimeError).code).toBe('conflict');

    const t = await h.runtime.transcript(c.conversationId, c.token);
    expect(t.events.filter((e) => e.type === 'visitor')).toHaveLength(1);
    expect(t.input).toMatchObject({ blockId: 'pick', kind: 'choice' });
    // The conversation goes on from the reply that won.
    const next = await h.runtime.reply(c.conversationId, c.token, { choice: 'blue' });
    expect(texts(next)).toEqual(['You chose blue']);
  });

  it("never opens a conversation with another conversation's token, and never says whether it exists", async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.survey());
    const a = await h.runtime.start('survey');
    const b = await h.runtime.start('survey');
    const wrong = [
      h.runtime.reply(a.conversationId, b.token, { text: 'Mallory' }),
      h.runtime.transcript(a.conversationId, b.token),
      h.runtime.reply(a.conversationId, '', { text: 'Mallory' }),
      h.runtime.reply('no-such-conversation', a.token, { text: 'Mallory' }),
      h.runtime.follow(a.conversationId, b.token, 0, AbortSignal.timeout(1_000))[Symbol.asyncIterator]().next(),
    ];
    const errors = await Promise.all(
      wrong.map((p) =>
        p.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(RuntimeError);
      expect(error).toMatchObject({ code: 'conversation_not_found', message: 'no such conversation' });
    }
    const t = await h.runtime.transcript(a.conversationId, a.token);
    expect(t.events.some((e) => e.type === 'visitor')).toBe(false);
  });

  it('maps answers the conversation cannot take to their errors, changing nothing', async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.survey());
    const c = await h.runtime.start('survey');
    expect(await rejection(h.runtime.reply(c.conversationId, c.token, { choice: 'red' }))).toBe('invalid_answer');
    await h.runtime.reply(c.conversationId, c.token, { text: 'Hanako' });
    expect(await rejection(h.runtime.reply(c.conversationId, c.token, { choice: 'green' }))).toBe('unknown_choice');

    const before = await h.runtime.transcript(c.conversationId, c.token);
    // A typed answer that names no option is re-prompted, not refused.
    const reprompt = await h.runtime.reply(c.conversationId, c.token, { text: 'green' });
    expect(reprompt.status).toBe('waiting_input');
    expect(reprompt.input).toMatchObject({ blockId: 'pick' });
    expect(reprompt.messages.length).toBeGreaterThan(0);

    const done = await h.runtime.reply(c.conversationId, c.token, { choice: 'red' });
    expect(done.status).toBe('ended');
    const after = await h.runtime.transcript(c.conversationId, c.token);
    expect(after.events.filter((e) => e.type === 'visitor').map((e) => (e.type === 'visitor' ? e.text : ''))).toEqual(['Hanako', 'green', 'Red']);
    expect(after.events.length).toBeGreaterThan(before.events.length);
    expect(await rejection(h.runtime.reply(c.conversationId, c.token, { text: 'more' }))).toBe('conversation_over');
  });

  it('refuses an answer while an integration runs', async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.lead);
    const c = await h.runtime.start('quick-lead');
    const turn = await h.runtime.reply(c.conversationId, c.token, { text: 'a@example.com' }, { waitMs: 0 });
    expect(turn).toMatchObject({ status: 'working', input: null });
    expect(await rejection(h.runtime.reply(c.conversationId, c.token, { text: 'again' }))).toBe('not_waiting_for_input');
  });

  it('keeps a running conversation on its version when a new one is published', async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.survey('Old: your name?'));
    const old = await h.runtime.start('survey');
    expect(texts(old)).toEqual(['Old: your name?']);
    expect(await h.publishBot(BOTS.survey('New: your name?').replace('You chose', 'Now you chose'))).toBe(2);

    const fresh = await h.runtime.start('survey');
    expect(texts(fresh)).toEqual(['New: your name?']);
    await h.runtime.reply(old.conversationId, old.token, { text: 'Ann' });
    const end = await h.runtime.reply(old.conversationId, old.token, { choice: 'red' });
    expect(texts(end)).toEqual(['You chose red']);
    expect((await h.runtime.transcript(old.conversationId, old.token)).botVersion).toBe(1);
    expect((await h.runtime.transcript(fresh.conversationId, fresh.token)).botVersion).toBe(2);
  });

  it('refuses turns once stopping', async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.survey());
    const c = await h.runtime.start('survey');
    await h.runtime.stop();
    expect(await rejection(h.runtime.start('survey'))).toBe('shutting_down');
    expect(await rejection(h.runtime.reply(c.conversationId, c.token, { text: 'Ann' }))).toBe('shutting_down');
  });
});
