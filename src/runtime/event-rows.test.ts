import { describe, expect, it } from 'vitest';
import { exportDocument, findPerson, subjectOf } from '../store/personal-data/index.ts';
import { STORE_TARGETS } from '../store/test-support.ts';
import type { ConversationEvent } from './api.ts';
import { insertEventRows } from './conversations.ts';
import { eventRows, eventsOf, readEvents } from './events.ts';
import { harness, type Harness } from './test-support.ts';

const AT = '2026-12-07T05:00:00.000Z';

/** Asks, repeats what it heard with a line of its own, and asks again. */
const ECHO = `
renkei: 1
id: rows-echo
name: Echo
locale: en
start: ask
blocks:
  ask:
    type: ask
    kind: text
    prompt: "Say something."
    save: said
    next: echo
  echo:
    type: message
    text: "You said: %said%. Write to help@example.com any time."
    next: ask
`;

async function echoConversation(h: Harness, lines: readonly string[]): Promise<{ id: string; token: string }> {
  await h.publishBot(ECHO);
  const started = await h.runtime.start('rows-echo');
  for (const text of lines) await h.runtime.reply(started.conversationId, started.token, { text });
  return { id: started.conversationId, token: started.token };
}

async function rowsOf(h: Harness, id: string): Promise<{ seq: number; type: string }[]> {
  return h.store.db.selectFrom('conversation_events').select(['seq', 'type']).where('conversation_id', '=', id).orderBy('seq').execute();
}

async function collect(stream: AsyncIterable<ConversationEvent>, count: number): Promise<ConversationEvent[]> {
  const events: ConversationEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length === count) break;
  }
  return events;
}

describe("the rows of a write's events", () => {
  it('are one row when a write appends several, numbered by its last event; an agent line keeps a row of its own', () => {
    const turn = eventRows('c1', 5, AT, [
      { type: 'visitor', text: 'hi' },
      { type: 'message', message: { text: 'Hello' } },
      { type: 'input', input: { blockId: 'ask', kind: 'text' } },
    ]);
    expect(turn).toHaveLength(1);
    expect(turn[0]).toMatchObject({ conversation_id: 'c1', seq: 7, type: 'batch', created_at: AT });
    expect(eventsOf(turn[0]!)).toEqual([
      { seq: 5, at: AT, type: 'visitor', text: 'hi' },
      { seq: 6, at: AT, type: 'message', message: { text: 'Hello' } },
      { seq: 7, at: AT, type: 'input', input: { blockId: 'ask', kind: 'text' } },
    ]);
    expect(eventRows('c1', 1, AT, [{ type: 'visitor', text: 'alone' }])).toEqual([
      { conversation_id: 'c1', seq: 1, type: 'visitor', payload: '{"text":"alone"}', created_at: AT },
    ]);
    const joined = eventRows('c1', 3, AT, [
      { type: 'agent', action: 'joined', agentName: 'Aiko' },
      { type: 'message', message: { text: 'Hi, Aiko here' }, from: 'agent', agentName: 'Aiko', text: 'Hi, Aiko here' },
    ]);
    expect(joined.map((r) => [r.seq, r.type])).toEqual([
      [3, 'agent'],
      [4, 'message'],
    ]);
  });
});

describe.each(STORE_TARGETS)("a conversation's events on %s", (kind) => {
  it("read back one by one and in order from any point, a page at a time, from a turn's single row", async () => {
    const h = await harness(kind);
    const { id, token } = await echoConversation(h, ['one', 'two']);
    const rows = await rowsOf(h, id);
    expect(rows.filter((r) => r.type === 'batch').length).toBeGreaterThanOrEqual(2);
    const { events } = await h.runtime.transcript(id, token);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'visitor').map((e) => (e as { text: string }).text)).toEqual(['one', 'two']);
    expect(events.length).toBeGreaterThan(rows.length);
    const last = rows.at(-1)!.seq;
    expect(await readEvents(h.store.db, id, 0, { throughSeq: last })).toEqual(events);
    for (let after = 0; after <= last; after++) {
      for (const limit of [1, 2, 5]) {
        expect(await readEvents(h.store.db, id, after, { limit })).toEqual(events.filter((e) => e.seq > after).slice(0, limit));
      }
    }
  });

  it("stream from a point inside a turn's row (a resumed stream) without repeating or skipping an event", async () => {
    const h = await harness(kind);
    const { id, token } = await echoConversation(h, ['one', 'two']);
    const all = await readEvents(h.store.db, id, 0);
    const batch = (await rowsOf(h, id)).find((r) => r.type === 'batch' && r.seq > 3)!;
    const resumeAt = batch.seq - 1;
    const streamed = await collect(h.runtime.follow(id, token, resumeAt, AbortSignal.timeout(5_000)), all.length - resumeAt);
    expect(streamed).toEqual(all.filter((e) => e.seq > resumeAt));
  });

  it('written one to a row before (existing data) read back with the new rows, in order', async () => {
    const h = await harness(kind);
    const { id } = await echoConversation(h, ['one']);
    const before = await readEvents(h.store.db, id, 0);
    const last = before.at(-1)!.seq;
    const old = [
      { conversation_id: id, seq: last + 1, type: 'visitor' as const, payload: '{"text":"old one"}', created_at: AT },
      { conversation_id: id, seq: last + 2, type: 'message' as const, payload: '{"message":{"text":"old reply"}}', created_at: AT },
    ];
    await h.store.transact(async (trx) => {
      await trx
        .updateTable('conversations')
        .set({ last_seq: last + 2 })
        .where('id', '=', id)
        .execute();
      await insertEventRows(trx, old);
    });
    const after = await readEvents(h.store.db, id, last - 1);
    expect(after.map((e) => [e.seq, e.type])).toEqual([
      [last, before.at(-1)!.type],
      [last + 1, 'visitor'],
      [last + 2, 'message'],
    ]);
  });

  it("make a conversation a person's by what the visitor typed in a turn's row, not by what the bot said beside it", async () => {
    const h = await harness(kind);
    const { id } = await echoConversation(h, ['I am saburo@example.com, hello']);
    // The variable holds the line too: the transcript alone must find it, so the variables are emptied.
    await h.store.db.updateTable('conversations').set({ state: '{"vars":{}}' }).where('id', '=', id).execute();
    const found = exportDocument(await findPerson(h.store.db, subjectOf({ email: 'saburo@example.com' })));
    expect(found.data['conversations']!.map((c) => c['id'])).toEqual([id]);
    const lines = found.data['transcript']!;
    expect(lines.map((l) => l['seq'])).toEqual(lines.map((_, i) => i + 1));
    expect(lines).toContainEqual(expect.objectContaining({ conversationId: id, type: 'visitor', text: 'I am saburo@example.com, hello' }));
    // Every visitor's transcript has the bot's line with this address: it makes nobody's conversation theirs.
    const bots = exportDocument(await findPerson(h.store.db, subjectOf({ email: 'help@example.com' })));
    expect(bots.counts['conversations']).toBe(0);
  });
});
