import { describe, expect, it } from 'vitest';
import { handoffBot, storeAgent } from '../../test/helpers/handoff.ts';
import { writeBusinessHours, defaultBusinessHours } from '../store/business-hours.ts';
import { exportDocument, findPerson, subjectOf } from '../store/personal-data/index.ts';
import { describePostgres, STORE_TARGETS } from '../store/test-support.ts';
import type { ConversationEvent, DurableRuntime } from './index.ts';
import { RuntimeError } from './index.ts';
import { CONVERSATION_CHANNEL } from './notify.ts';
import { erasePersonNow } from './personal-data.ts';
import { harness } from './test-support.ts';

/** Waits a second for a claim, then opens a ticket; WAITING waits for ever. */
const BOT = handoffBot({ timeout: 1 });
const WAITING = handoffBot();

async function collect(
  runtime: DurableRuntime,
  id: string,
  token: string,
  after: number,
  until: (e: ConversationEvent) => boolean,
): Promise<ConversationEvent[]> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 10_000);
  const seen: ConversationEvent[] = [];
  try {
    for await (const event of runtime.follow(id, token, after, stop.signal)) {
      seen.push(event);
      if (until(event)) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return seen;
}

const texts = (events: readonly ConversationEvent[]): string[] => events.flatMap((e) => (e.type === 'message' ? [e.message.text] : []));

describe.each(STORE_TARGETS)('the inbox on %s', (kind) => {
  it('hands off to an online agent, who claims, chats both ways and hands back to the bot, which opens a ticket', async () => {
    const h = await harness(kind);
    await h.publishBot(BOT);
    h.runtime.startWorkers(2);
    const agent = await storeAgent(h.store.db, { email: 'hana@example.com', name: 'Hana' });

    const started = await h.runtime.start('desk');
    const handed = await h.runtime.reply(started.conversationId, started.token, { text: 'billing' });
    expect(handed.status).toBe('handoff');
    expect(handed.messages.map((m) => m.text)).toEqual(['Connecting you to a person.']);

    const inbox = await h.runtime.inbox.list(agent);
    expect(inbox).toMatchObject([{ conversationId: started.conversationId, status: 'waiting', reason: 'wants_a_person' }]);

    await h.runtime.inbox.claim(agent, started.conversationId);
    await h.runtime.inbox.message(agent, started.conversationId, 'Hello, I am Hana.');
    const line = await h.runtime.reply(started.conversationId, started.token, { text: 'My invoice is wrong' });
    expect(line.status).toBe('handoff');

    const seen = await collect(h.runtime, started.conversationId, started.token, handed.lastEventId, (e) => e.type === 'visitor');
    expect(seen.map((e) => e.type)).toEqual(['agent', 'message', 'visitor']);
    expect(seen[1]).toMatchObject({ type: 'message', from: 'agent', agentName: 'Hana', text: 'Hello, I am Hana.' });

    const detail = await h.runtime.inbox.get(agent, started.conversationId);
    expect(detail.variables['topic']).toBe('billing');
    expect(detail.events.at(-1)).toMatchObject({ type: 'visitor', text: 'My invoice is wrong' });

    await h.runtime.inbox.release(agent, started.conversationId, 'ticket');
    const after = await collect(h.runtime, started.conversationId, started.token, line.lastEventId, (e) => e.type === 'status' && e.status === 'ended');
    expect(after.find((e) => e.type === 'record')).toMatchObject({ event: 'ticket.created' });
    expect(texts(after)).toEqual([expect.stringMatching(/^Ticket \d+ is open\.$/)]);
    expect(await h.runtime.inbox.list(agent)).toEqual([]);
  });

  it('lets exactly one of two agents claim a conversation at once', async () => {
    const h = await harness(kind);
    await h.publishBot(BOT);
    const a = await storeAgent(h.store.db, { email: 'a@example.com', name: 'A' });
    const b = await storeAgent(h.store.db, { email: 'b@example.com', name: 'B' });
    const other = await h.another();
    const started = await h.runtime.start('desk');
    await h.runtime.reply(started.conversationId, started.token, { text: 'x' });

    const results = await Promise.allSettled([h.runtime.inbox.claim(a, started.conversationId), other.runtime.inbox.claim(b, started.conversationId)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect((lost?.reason as RuntimeError).code).toBe('claimed_by_another');
    const transcript = await h.runtime.transcript(started.conversationId, started.token);
    expect(transcript.events.filter((e) => e.type === 'agent')).toHaveLength(1);
    // The loser may neither write nor hand back.
    const loser = results[0]!.status === 'rejected' ? a : b;
    await expect(h.runtime.inbox.message(loser, started.conversationId, 'hi')).rejects.toMatchObject({ code: 'claimed_by_another' });
  });

  it('takes no_agent when nobody is online, when the team is outside its hours, and when nobody claims in time', async () => {
    const h = await harness(kind);
    await h.publishBot(BOT);
    h.runtime.startWorkers(2);

    // Nobody online.
    const alone = await h.runtime.start('desk');
    const noOne = await h.runtime.reply(alone.conversationId, alone.token, { text: 'nobody' });
    expect(noOne.status).toBe('ended');
    expect(noOne.messages.map((m) => m.text)).toEqual([expect.stringMatching(/^Ticket \d+ is open\.$/)]);

    // Online, but outside business hours (closed every day).
    const agent = await storeAgent(h.store.db, { email: 'night@example.com', name: 'Night' });
    const closed = { ...defaultBusinessHours('en'), enabled: true, week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } };
    await writeBusinessHours(h.store.db, closed);
    const late = await h.runtime.start('desk');
    expect((await h.runtime.reply(late.conversationId, late.token, { text: 'late' })).status).toBe('ended');
    await writeBusinessHours(h.store.db, { ...closed, enabled: false });

    // Online and open, but nobody claims within the block's 1 s timeout.
    const waiting = await h.runtime.start('desk');
    const handed = await h.runtime.reply(waiting.conversationId, waiting.token, { text: 'waiting' });
    expect(handed.status).toBe('handoff');
    const rest = await collect(h.runtime, waiting.conversationId, waiting.token, handed.lastEventId, (e) => e.type === 'status' && e.status === 'ended');
    expect(texts(rest)).toEqual([expect.stringMatching(/^Ticket \d+ is open\.$/)]);
    await expect(h.runtime.inbox.claim(agent, waiting.conversationId)).rejects.toMatchObject({ code: 'handoff_over' });
  });

  it('keeps a hand-off without no_agent waiting, and refuses a release at a block the bot lacks', async () => {
    const h = await harness(kind);
    await h.publishBot(WAITING);
    const started = await h.runtime.start('desk');
    expect((await h.runtime.reply(started.conversationId, started.token, { text: 'x' })).status).toBe('handoff');
    const agent = await storeAgent(h.store.db, { email: 'c@example.com', name: 'C', online: false });
    await h.runtime.inbox.claim(agent, started.conversationId);
    const refused = await h.runtime.inbox.release(agent, started.conversationId, 'nowhere').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RuntimeError);
    expect(refused).toMatchObject({ code: 'invalid_request', field: 'block' });
    await h.runtime.inbox.close(agent, started.conversationId);
    const transcript = await h.runtime.transcript(started.conversationId, started.token);
    expect(transcript.status).toBe('ended');
    await expect(h.runtime.reply(started.conversationId, started.token, { text: 'hello?' })).rejects.toMatchObject({ code: 'conversation_over' });
  });
});

describe('live lines handed to the stream at the commit (SQLite)', () => {
  it("sends at once a commit's other events that were not handed over, whichever comes first", async () => {
    // Streams poll every 15 s by default: only a right wake-up delivers within the test's time.
    const h = await harness('sqlite');
    await h.publishBot(WAITING);
    const agent = await storeAgent(h.store.db, { email: 'mix@example.com', name: 'Mix' });
    const started = await h.runtime.start('desk');
    const handed = await h.runtime.reply(started.conversationId, started.token, { text: 'x' });
    await h.runtime.inbox.claim(agent, started.conversationId);
    const id = started.conversationId;
    /**
     * A writer that appends an event and wakes streams without handing the event over: saying only
     * that the conversation changed (as retention or erasure do), or up to which seq (as another
     * runtime's commit does).
     */
    const elsewhere = (text: string, say: 'changed' | 'seq') =>
      h.store.transact(async (trx) => {
        const row = await trx
          .updateTable('conversations')
          .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
          .where('id', '=', id)
          .returning('last_seq')
          .executeTakeFirstOrThrow();
        const at = new Date().toISOString();
        await trx
          .insertInto('conversation_events')
          .values({ conversation_id: id, seq: row.last_seq, type: 'message', payload: JSON.stringify({ message: { text } }), created_at: at })
          .execute();
        await h.store.notifications.notifyWatchers(trx, CONVERSATION_CHANNEL, say === 'seq' ? `${id} ${row.last_seq}` : id);
      });

    const stop = new AbortController();
    const events: ConversationEvent[] = [];
    const reading = (async () => {
      for await (const event of h.runtime.follow(id, started.token, handed.lastEventId, stop.signal)) events.push(event);
    })();
    /** Whether `wanted` are all on the stream within 3 s (the safety poll is 15 s away). */
    const arrived = async (...wanted: string[]): Promise<boolean> => {
      for (const until = Date.now() + 3_000; Date.now() < until; await new Promise((r) => setTimeout(r, 10))) {
        if (wanted.every((w) => texts(events).includes(w))) return true;
      }
      return false;
    };
    await new Promise((r) => setTimeout(r, 200));
    for (const say of ['changed', 'seq'] as const) {
      // Asked for in one tick: one group commit holds both, the handed-over line first, then the other.
      await Promise.all([h.runtime.inbox.message(agent, id, `agent first, ${say}`), elsewhere(`then this, ${say}`, say)]);
      expect(await arrived(`agent first, ${say}`, `then this, ${say}`)).toBe(true);
      await Promise.all([elsewhere(`this first, ${say}`, say), h.runtime.inbox.message(agent, id, `then the agent, ${say}`)]);
      expect(await arrived(`this first, ${say}`, `then the agent, ${say}`)).toBe(true);
    }
    stop.abort();
    await reading;
    expect(texts(events)).toEqual(
      ['changed', 'seq'].flatMap((say) => [`agent first, ${say}`, `then this, ${say}`, `this first, ${say}`, `then the agent, ${say}`]),
    );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => events[0]!.seq + i));
  });
});

describePostgres('the inbox across processes on PostgreSQL', () => {
  it("carries the agent's lines and typing to the visitor's stream on another process, and the visitor's lines back (LISTEN/NOTIFY)", async () => {
    const h = await harness('postgres', { pollMs: 60_000 });
    await h.publishBot(WAITING);
    const visitorSide = (await h.another({ pollMs: 60_000 })).runtime;
    const agent = await storeAgent(h.store.db, { email: 'pg@example.com', name: 'Pg' });
    const started = await visitorSide.start('desk');
    const handed = await visitorSide.reply(started.conversationId, started.token, { text: 'x' });
    await h.runtime.inbox.claim(agent, started.conversationId);

    // The polls are a minute long: only a notification can deliver within the test's time.
    const typed: string[] = [];
    const off = visitorSide.watchTyping(started.conversationId, (who) => typed.push(who));
    const stop = new AbortController();
    const inbox = h.runtime.inbox.follow(agent, stop.signal)[Symbol.asyncIterator]();
    expect((await inbox.next()).value).toMatchObject({ type: 'inbox' });
    const seen = collect(visitorSide, started.conversationId, started.token, handed.lastEventId, (e) => e.type === 'message');
    await new Promise((r) => setTimeout(r, 200));
    await h.runtime.inbox.typing(agent, started.conversationId);
    await h.runtime.inbox.message(agent, started.conversationId, 'from another process');
    expect((await seen).at(-1)).toMatchObject({ type: 'message', from: 'agent', text: 'from another process' });
    expect(typed).toEqual(['agent:Pg']);
    off();

    await visitorSide.reply(started.conversationId, started.token, { text: 'got it' });
    for (;;) {
      const next = await inbox.next();
      if (next.value?.type === 'conversation' && next.value.event.type === 'visitor') {
        expect(next.value.event.text).toBe('got it');
        break;
      }
    }
    stop.abort();
    await inbox.return?.();
  }, 30_000);
});

describe('the inbox and personal data', () => {
  it('finds a person by what an agent wrote in a note, exports the hand-off, the live chat and the notes, and erases them', async () => {
    const h = await harness('sqlite');
    await h.publishBot(WAITING);
    const agent = await storeAgent(h.store.db, { email: 'notes@example.com', name: 'Notes' });
    const started = await h.runtime.start('desk');
    await h.runtime.reply(started.conversationId, started.token, { text: 'billing' });
    await h.runtime.inbox.claim(agent, started.conversationId);
    await h.runtime.inbox.message(agent, started.conversationId, 'Could you give me a number to call?');
    await h.runtime.reply(started.conversationId, started.token, { text: 'sure' });
    // The visitor gave the number by phone; the agent noted it.
    await h.runtime.inbox.note(agent, started.conversationId, 'Call back on 090-5555-1234 after 6pm');

    const found = exportDocument(await findPerson(h.store.db, subjectOf({ phone: '09055551234' })));
    expect(found.data['conversations']!.map((c) => c['id'])).toEqual([started.conversationId]);
    expect(found.data['inboxNotes']).toMatchObject([{ text: 'Call back on 090-5555-1234 after 6pm', author: 'Notes' }]);
    expect(found.data['handoffs']).toMatchObject([{ conversationId: started.conversationId, status: 'claimed' }]);
    expect(found.data['transcript']!.some((l) => l['from'] === 'agent')).toBe(true);

    await erasePersonNow(h.store, subjectOf({ phone: '09055551234' }), { actor: { kind: 'cli', name: 'tester' } });
    expect(await h.store.db.selectFrom('inbox_notes').selectAll().execute()).toEqual([]);
    expect(await h.store.db.selectFrom('handoffs').selectAll().execute()).toEqual([]);
    expect(await h.runtime.inbox.list(agent)).toEqual([]);
    const after = exportDocument(await findPerson(h.store.db, subjectOf({ phone: '09055551234' })));
    expect(Object.values(after.counts).every((n) => n === 0)).toBe(true);
  });
});
