import { PostgresAdapter, sql, type Kysely } from 'kysely';

/*
 * What a visitor's turn costs PostgreSQL, cut further (PostgreSQL only; SQLite has no LISTEN).
 *
 * Watchers: a turn notifies the conversations channel only while some process watches it (see
 * 003). It used to find out from pg_stat_get_activity(), which copies the status of every
 * backend of the server (100 of them by default, each with its query text) on every call: that
 * alone cost a turn about a third of its time in PostgreSQL. A watching process now writes a row
 * here while it watches (its listening connection's pid and start, so a row left by a process
 * that died is recognised and deleted by the next process that watches), and the turn looks up
 * one key. Unlogged: the rows mean nothing after a restart of the server, which truncates them.
 *
 * The foreign key of conversation_events to conversations goes: a turn appends four events or
 * so, and PostgreSQL checked each against its conversation (a trigger and a locking read per
 * row), which cost a turn a sixth of its time there. It proved nothing the writers do not: every
 * writer of events updates or inserts the conversation's row in the same transaction first (the
 * turn's function returns before its insert when the update found no row), so the row exists
 * and is locked until the events commit; and the only deletion of conversations (retention's
 * purge) locks the rows it takes and deletes their events in the same transaction, so no turn
 * can add an event between. SQLite keeps the key: checking it costs a few microseconds there.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

const ADVANCE_CONVERSATION_011 = `create or replace function renkei_advance_conversation(
   p_id text, p_read_version integer, p_state text, p_status text, p_row_version integer, p_last_seq integer,
   p_updated_at text, p_types text[], p_payloads text[], p_effect jsonb, p_channel text, p_effects_channel text)
 returns boolean language plpgsql as $$
 declare
   v_first integer := p_last_seq - coalesce(array_length(p_types, 1), 0) + 1;
 begin
   update conversations
      set state = p_state, status = p_status, row_version = p_row_version, last_seq = p_last_seq, updated_at = p_updated_at
    where id = p_id and row_version = p_read_version;
   if not found then return false; end if;
   insert into conversation_events (conversation_id, seq, type, payload, created_at)
     select p_id, v_first + e.n - 1, e.type, e.payload, p_updated_at
       from unnest(p_types, p_payloads) with ordinality as e(type, payload, n);
   if p_effect is not null then
     insert into effects select * from jsonb_populate_record(null::effects, p_effect);
     perform pg_notify(p_effects_channel, '');
   end if;
   -- NOTIFY makes every notifying commit in the database wait for the one before it (a lock held
   -- through the commit's flush), so it is sent only while some process watches the channel.
   if exists (select 1 from notification_watchers w where w.channel = p_channel) then
     perform pg_notify(p_channel, p_id);
   end if;
   return true;
 end $$`;

/** 003's function, which `down` puts back. */
const ADVANCE_CONVERSATION_003 = `create function renkei_advance_conversation(
   p_id text, p_read_version integer, p_state text, p_status text, p_row_version integer, p_last_seq integer,
   p_updated_at text, p_types text[], p_payloads text[], p_effect jsonb, p_channel text, p_effects_channel text)
 returns boolean language plpgsql as $$
 declare
   v_first integer := p_last_seq - coalesce(array_length(p_types, 1), 0) + 1;
 begin
   update conversations
      set state = p_state, status = p_status, row_version = p_row_version, last_seq = p_last_seq, updated_at = p_updated_at
    where id = p_id and row_version = p_read_version;
   if not found then return false; end if;
   insert into conversation_events (conversation_id, seq, type, payload, created_at)
     select p_id, v_first + e.n - 1, e.type, e.payload, p_updated_at
       from unnest(p_types, p_payloads) with ordinality as e(type, payload, n);
   if p_effect is not null then
     insert into effects select * from jsonb_populate_record(null::effects, p_effect);
     perform pg_notify(p_effects_channel, '');
   end if;
   -- NOTIFY makes every notifying commit in the database wait for the one before it (a
   -- lock held through the commit's flush), so it is sent only while some process watches
   -- the conversations: such a process names its listening connection after the channel.
   if exists (select 1 from pg_stat_get_activity(null) a where a.application_name = p_channel) then
     perform pg_notify(p_channel, p_id);
   end if;
   return true;
 end $$`;

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create unlogged table notification_watchers (
              channel text not null,
              pid integer not null,
              started timestamptz not null,
              primary key (channel, pid))`.execute(db);
  await sql.raw(ADVANCE_CONVERSATION_011).execute(db);
  const { rows } = await sql<{ name: string }>`
    select conname as name from pg_constraint
     where contype = 'f' and conrelid = 'conversation_events'::regclass and confrelid = 'conversations'::regclass`.execute(db);
  for (const { name } of rows) await sql`alter table conversation_events drop constraint ${sql.id(name)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table conversation_events add foreign key (conversation_id) references conversations (id)`.execute(db);
  await sql`drop function renkei_advance_conversation`.execute(db);
  await sql.raw(ADVANCE_CONVERSATION_003).execute(db);
  await sql`drop table notification_watchers`.execute(db);
}
