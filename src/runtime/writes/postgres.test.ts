import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { echoBot } from '../../../test/helpers/echo-bot.ts';
import { harness } from '../test-support.ts';

/**
 * A conversation of the echo bot, and the ids heard on its channel by a plain LISTEN, as any other
 * process could have: it names no watcher.
 */
async function heardConversation() {
  const h = await harness('postgres');
  await h.publishBot(echoBot());
  const c = await h.runtime.start('echo');
  const channel = h.store.notifications.databaseChannel('renkei_conversation');
  const heard: string[] = [];
  const stop = await h.store.notifications.listen('renkei_conversation', (id) => heard.push(id));
  return { h, c, channel, heard, stop };
}

describe('a visitor turn on postgres', () => {
  it('updates the conversation in place (HOT): no index of the table gets a new entry', async () => {
    const h = await harness('postgres');
    await h.publishBot(echoBot());
    const c = await h.runtime.start('echo');
    const replies = 20;
    for (let i = 0; i < replies; i++) await h.runtime.reply(c.conversationId, c.token, { text: `hello ${i}` });
    const t = await h.runtime.transcript(c.conversationId, c.token);
    expect(t.events.filter((e) => e.type === 'visitor').map((e) => (e.type === 'visitor' ? e.text : ''))).toHaveLength(replies);

    // PostgreSQL publishes a backend's table statistics a moment after its transactions end.
    await vi.waitFor(
      async () => {
        const { rows } = await sql<{ updates: number; hot: number }>`
          select n_tup_upd::int as updates, n_tup_hot_upd::int as hot from pg_stat_user_tables
          where schemaname = current_schema() and relname = 'conversations'`.execute(h.store.db);
        // Every turn within one hour keeps the indexed hour: all replies but an hour's turn over.
        expect(rows[0]!.updates).toBeGreaterThanOrEqual(replies);
        expect(rows[0]!.hot).toBeGreaterThanOrEqual(replies - 1);
      },
      { timeout: 20_000, interval: 500 },
    );
  });

  it('notifies nothing while no process waits for a conversation, and wakes a waiting stream', async () => {
    const { h, c, channel, heard, stop } = await heardConversation();
    await h.runtime.reply(c.conversationId, c.token, { text: 'nobody follows' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toEqual([]);

    const follow = new AbortController();
    const lastSeq = (await h.runtime.transcript(c.conversationId, c.token)).events.at(-1)!.seq;
    const events = h.runtime.follow(c.conversationId, c.token, lastSeq, follow.signal)[Symbol.asyncIterator]();
    const next = events.next();
    // The stream's process listens, then enters its lease: a turn notifies once the lease row is
    // there (the process's own streams are woken without PostgreSQL meanwhile).
    await vi.waitFor(
      async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity a join notification_watchers w on w.pid = a.pid
          where a.application_name = ${channel} and w.channel = ${channel} and w.alive_until > now()`.execute(h.store.db);
        expect(rows[0]!.n).toBe(1);
      },
      { timeout: 10_000, interval: 50 },
    );
    await h.runtime.reply(c.conversationId, c.token, { text: 'someone follows' });
    expect((await next).value).toMatchObject({ type: 'visitor', text: 'someone follows' });
    await vi.waitFor(() => expect(heard).toEqual([c.conversationId]), { timeout: 10_000 });
    follow.abort();
    await events.return?.(undefined);
    await stop();
  });

  it("notifies the conversation's channel only while a watcher's lease runs", async () => {
    const { h, c, channel, heard, stop } = await heardConversation();
    // A watcher's row as a watching process writes it (a live connection: this pool's), its lease run out.
    await sql`insert into notification_watchers (channel, pid, started, alive_until)
      select ${channel}, pid, backend_start, now() - interval '1 second' from pg_stat_activity where pid = pg_backend_pid()`.execute(h.store.db);
    await h.runtime.reply(c.conversationId, c.token, { text: 'lease over' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toEqual([]);
    await sql`update notification_watchers set alive_until = now() + interval '1 minute' where channel = ${channel}`.execute(h.store.db);
    await h.runtime.reply(c.conversationId, c.token, { text: 'lease runs' });
    await vi.waitFor(() => expect(heard).toEqual([c.conversationId]), { timeout: 10_000 });
    await stop();
  });

  it('writes no event of a conversation deleted while the turn ran (the table has no foreign key to stop it)', async () => {
    const h = await harness('postgres');
    await h.publishBot(echoBot());
    const c = await h.runtime.start('echo');
    let turn: Promise<unknown> | undefined;
    await h.store.db.transaction().execute(async (trx) => {
      // What retention's purge does: lock the conversation, delete its events, then the row.
      await trx.selectFrom('conversations').select('id').where('id', '=', c.conversationId).forUpdate().execute();
      await trx.deleteFrom('conversation_events').where('conversation_id', '=', c.conversationId).execute();
      await trx.deleteFrom('conversations').where('id', '=', c.conversationId).execute();
      // The turn read the row before the delete commits, and its write waits for the lock.
      turn = h.runtime.reply(c.conversationId, c.token, { text: 'too late' }).catch((error: unknown) => error);
      await vi.waitFor(async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like '%renkei_advance_turn%'`.execute(h.store.db);
        expect(rows[0]!.n).toBe(1);
      });
    });
    expect(await turn).toMatchObject({ code: 'conflict' });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from conversation_events where conversation_id = ${c.conversationId}`.execute(
      h.store.db,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it("stores a turn's events as one row, and still numbers the rows of a process that passes one per event (an older one beside it)", async () => {
    const h = await harness('postgres');
    await h.publishBot(echoBot());
    const c = await h.runtime.start('echo');
    await h.runtime.reply(c.conversationId, c.token, { text: 'new' });
    const rowsOf = async () =>
      (
        await sql<{ seq: number; type: string }>`select seq, type from conversation_events where conversation_id = ${c.conversationId} order by seq`.execute(
          h.store.db,
        )
      ).rows;
    const afterNew = await rowsOf();
    expect(afterNew.at(-1)?.type).toBe('batch');
    const row = await h.store.db.selectFrom('conversations').selectAll().where('id', '=', c.conversationId).executeTakeFirstOrThrow();
    const { rows } = await sql<{ written: boolean }>`select renkei_advance_conversation(${row.id}, ${row.row_version}, ${row.state}, ${row.status},
      ${row.row_version + 1}, ${row.last_seq + 2}, ${new Date().toISOString()}, ${['visitor', 'message']}::text[],
      ${['{"text":"old"}', '{"message":{"text":"You said: old"}}']}::text[], null, 'nobody', 'nobody') as written`.execute(h.store.db);
    expect(rows[0]!.written).toBe(true);
    expect((await rowsOf()).slice(afterNew.length)).toEqual([
      { seq: row.last_seq + 1, type: 'visitor' },
      { seq: row.last_seq + 2, type: 'message' },
    ]);
    const t = await h.runtime.transcript(c.conversationId, c.token);
    expect(t.events.map((e) => e.seq)).toEqual(t.events.map((_, i) => i + 1));
    expect(t.events.filter((e) => e.type === 'visitor').map((e) => (e.type === 'visitor' ? e.text : ''))).toEqual(['new', 'old']);
  });
});
