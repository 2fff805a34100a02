import { PostgresAdapter, sql, type Kysely } from 'kysely';

/*
 * A visitor's turn writes one row of conversation_events (012), yet renkei_advance_conversation
 * takes its events as two text[] (types, payloads): the process wrote the payload's JSON as an
 * array literal, escaping each of its quotes, and PostgreSQL parsed it back, on every turn.
 * renkei_advance_turn takes the one row as plain text and does what 013's function does for
 * it — the update only if nobody wrote since the read (row_version), the row, the effect and its
 * wake-up, and the conversation's notification only while a watcher's lease runs — with less to
 * work out: the new row_version is the one read plus one, the row's seq the turn's last.
 *
 * 013's function stays: a turn of several rows (none today) takes it, and so does a process of
 * an earlier version while a new one runs beside it. PostgreSQL only.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

const ADVANCE_TURN = `create function renkei_advance_turn(
   p_id text, p_read_version integer, p_state text, p_status text, p_last_seq integer,
   p_updated_at text, p_type text, p_payload text, p_effect jsonb, p_channel text, p_effects_channel text)
 returns boolean language plpgsql as $$
 begin
   update conversations
      set state = p_state, status = p_status, row_version = p_read_version + 1, last_seq = p_last_seq, updated_at = p_updated_at
    where id = p_id and row_version = p_read_version;
   if not found then return false; end if;
   insert into conversation_events (conversation_id, seq, type, payload, created_at)
     values (p_id, p_last_seq, p_type, p_payload, p_updated_at);
   if p_effect is not null then
     insert into effects select * from jsonb_populate_record(null::effects, p_effect);
     perform pg_notify(p_effects_channel, '');
   end if;
   -- NOTIFY makes every notifying commit in the database wait for the one before it (a lock held
   -- through the commit's flush), so it is sent only while a watcher's lease runs (013).
   if exists (select 1 from notification_watchers w where w.channel = p_channel and w.alive_until > now()) then
     perform pg_notify(p_channel, p_id);
   end if;
   return true;
 end $$`;

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql.raw(ADVANCE_TURN).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop function renkei_advance_turn`.execute(db);
}
