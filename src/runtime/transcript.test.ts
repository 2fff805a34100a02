import type { Compilable, CompiledQuery, Kysely, KyselyPlugin, RootOperationNode } from 'kysely';
import type { Database } from '../store/schema.ts';
import { describe, expect, it } from 'vitest';
import { STORE_TARGETS } from '../store/test-support.ts';
import type { ConversationEvent } from './api.ts';
import { createRuntime } from './index.ts';
import { BOTS, harness, sendJson, serveHttp } from './test-support.ts';

/** Reads a follow stream in the background; `until` resolves once an event matches. */
function collect(stream: AsyncIterable<ConversationEvent>) {
  const events: ConversationEvent[] = [];
  const waiters: { match: (e: ConversationEvent) => boolean; resolve: () => void }[] = [];
  const done = (async () => {
    for await (const event of stream) {
      events.push(event);
      for (const w of waiters.filter((w) => w.match(event))) w.resolve();
    }
  })();
  return {
    events,
    done,
    until(match: (e: ConversationEvent) => boolean, timeoutMs = 5_000): Promise<void> {
      if (events.some(match)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms: ${JSON.stringify(events)}`)), timeoutMs);
        waiters.push({ match, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}

/**
 * The store's database, counting its reads of conversation_events: the queries Kysely builds (a
 * plugin sees them) and the ones compiled once and run again (hotQuery, which no plugin sees).
 */
function countingEventReads(db: Kysely<Database>): { db: Kysely<Database>; reads: () => number } {
  let reads = 0;
  const isEventRead = (node: RootOperationNode): boolean => node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('"conversation_events"');
  const counter: KyselyPlugin = {
    transformQuery({ node }) {
      if (isEventRead(node)) reads++;
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  const counted = db.withPlugin(counter);
  const execute = counted.executeQuery.bind(counted);
  counted.executeQuery = ((query: CompiledQuery | Compilable, options?: unknown) => {
    if (!('compile' in query) && isEventRead(query.query)) reads++;
    return execute(query as never, options as never);
  }) as typeof counted.executeQuery;
  return { db: counted, reads: () => reads };
}

describe.each(STORE_TARGETS)('transcripts and streams on %s', (kind) => {
  it('follows from a given seq, and wakes on new events without waiting for a poll', async () => {
    // A poll so slow that only a notification can deliver the new events in time.
    const h = await harness(kind, { pollMs: 60_000 });
    await h.publishBot(BOTS.survey());
    const c = await h.runtime.start('survey');
    expect(c.lastEventId).toBe(3);

    const stop = new AbortController();
    const stream = collect(h.runtime.follow(c.conversationId, c.token, 1, stop.signal));
    await stream.until((e) => e.seq === 3);
    expect(stream.events.map((e) => e.seq)).toEqual([2, 3]);

    const began = Date.now();
    const turn = await h.runtime.reply(c.conversationId, c.token, { text: 'Ann' });
    await stream.until((e) => e.seq === turn.lastEventId);
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(stream.events.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(stream.events[2]).toMatchObject({ type: 'visitor', text: 'Ann' });
    expect(stream.events[3]).toMatchObject({ type: 'message', message: { text: 'Pick a colour, Ann' } });
    expect(stream.events[4]).toMatchObject({ type: 'input', input: { kind: 'choice' } });

    stop.abort();
    await stream.done;
  });

  it("reads an idle stream's events only when woken, with a slow safety poll instead of one read a second", async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.survey());
    const counted = countingEventReads(h.store.db);
    // A server's runtime, with its default polls, over a database whose event reads are counted.
    const server = createRuntime({ store: { ...h.store, db: counted.db }, connectors: h.connectors });
    try {
      const c = await h.runtime.start('survey');
      const stop = new AbortController();
      const stream = collect(server.follow(c.conversationId, c.token, 0, stop.signal));
      await stream.until((e) => e.seq === 3);
      expect(counted.reads()).toBeGreaterThan(0);
      const afterBacklog = counted.reads();
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      expect(counted.reads() - afterBacklog).toBe(0);

      const turn = await h.runtime.reply(c.conversationId, c.token, { text: 'Ann' });
      await stream.until((e) => e.seq === turn.lastEventId, 2_000);
      stop.abort();
      await stream.done;
    } finally {
      await server.stop({ graceMs: 0 });
    }
  });

  it("hands a commit's events to this process's streams as the database would answer them, without reading them back (SQLite)", async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.survey());
    const counted = countingEventReads(h.store.db);
    const reads = counted.reads;
    // One runtime writes and streams: on SQLite its commits hand their events to its own streams.
    const server = createRuntime({ store: { ...h.store, db: counted.db }, connectors: h.connectors, pollMs: 60_000 });
    try {
      const c = await server.start('survey');
      const stop = new AbortController();
      const stream = collect(server.follow(c.conversationId, c.token, 0, stop.signal));
      await stream.until((e) => e.seq === 3);
      const afterBacklog = reads();
      const turn = await server.reply(c.conversationId, c.token, { text: 'Ann' });
      await stream.until((e) => e.seq === turn.lastEventId, 2_000);
      // The turn's own reads (its answer) are the same either way; the stream's are not.
      const streamReads = reads() - afterBacklog - (await countTurnReads());
      if (kind === 'sqlite') expect(streamReads).toBe(0);
      else expect(streamReads).toBeGreaterThan(0);
      const transcript = await h.runtime.transcript(c.conversationId, c.token);
      expect(stream.events).toEqual(transcript.events);
      stop.abort();
      await stream.done;
    } finally {
      await server.stop({ graceMs: 0 });
    }

    /** Reads of conversation_events a reply makes by itself, with no stream open. */
    async function countTurnReads(): Promise<number> {
      const c = await server.start('survey');
      const before = reads();
      await server.reply(c.conversationId, c.token, { text: 'Bo' });
      return reads() - before;
    }
  });

  it('returns `working` when the integration outlasts the wait, and the rest arrives on the stream', async () => {
    const url = await serveHttp((_req, res) => setTimeout(() => sendJson(res, 200, { id: 'slow-1' }), 400));
    const h = await harness(kind);
    await h.publishBot(BOTS.webhook(url));
    h.runtime.startWorkers(1);
    const c = await h.runtime.start('hook');

    const turn = await h.runtime.reply(c.conversationId, c.token, { text: 'hi' }, { waitMs: 50 });
    expect(turn).toMatchObject({ status: 'working', input: null, messages: [] });

    const stop = new AbortController();
    const stream = collect(h.runtime.follow(c.conversationId, c.token, turn.lastEventId, stop.signal));
    await stream.until((e) => e.type === 'status' && e.status === 'ended');
    expect(stream.events.map(({ seq: _seq, at: _at, ...rest }) => rest)).toEqual([
      { type: 'message', message: { text: 'Saved slow-1' } },
      { type: 'status', status: 'ended', reason: null },
    ]);
    expect(stream.events[0]!.seq).toBe(turn.lastEventId + 1);
    stop.abort();
    await stream.done;

    const t = await h.runtime.transcript(c.conversationId, c.token);
    expect(t.status).toBe('ended');
    expect(t.events.at(-1)!.seq).toBe(turn.lastEventId + 2);
  });

  it('waits for a fast integration and answers with its outcome in the same turn', async () => {
    const url = await serveHttp((_req, res) => sendJson(res, 200, { id: 'fast-1' }));
    const h = await harness(kind, { pollMs: 60_000 });
    await h.publishBot(BOTS.webhook(url));
    h.runtime.startWorkers(1);
    const c = await h.runtime.start('hook');
    const began = Date.now();
    const turn = await h.runtime.reply(c.conversationId, c.token, { text: 'hi' });
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(turn).toMatchObject({ status: 'ended', messages: [{ text: 'Saved fast-1' }], input: null });
  });

  it('ends a stream when the runtime stops', async () => {
    const h = await harness(kind, { pollMs: 60_000 });
    await h.publishBot(BOTS.survey());
    const c = await h.runtime.start('survey');
    const stream = collect(h.runtime.follow(c.conversationId, c.token, 0, new AbortController().signal));
    await stream.until((e) => e.seq === 3);
    await h.runtime.stop();
    await stream.done;
    expect(stream.events).toHaveLength(3);
  });
});
