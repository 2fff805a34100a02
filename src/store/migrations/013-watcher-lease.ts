import { PostgresAdapter, sql, type Kysely } from 'kysely';

/*
 * Watchers with a lease (PostgreSQL only). A watching process's row (011) was deleted when it
 * stopped watching, or, when it was killed, by the next process that started listening: until
 * then every turn of the installation went on notifying a channel nobody heard, paying a turn at
 * the lock every notifying commit queues on. A watcher now renews `alive_until` while it watches
 * (src/store/pg-notifications.ts: every third of its lease, sweeping rows whose lease ran out or
 * whose connection is gone), and writers count a row only while its lease runs: a dead
 * process's row stops counting within one lease, with nobody's help, and the next heartbeat of
 * any watcher deletes it. The turn's check stays one primary-key lookup.
 *
 * The function is 012's with the lease added to the watchers' check.
 *
 * Rows written by a process of an earlier version (which never renews) get `infinity`: they count
 * as before, until their process stops watching or the pid sweep finds them dead.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

/** 012's function (011's, inserting a turn's one row from its values), which `down` puts back. */
const ADVANCE_CONVERSATION_012 = `create or replace function renkei_advance_conversation(
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
   if array_length(p_types, 1) = 1 then
     insert into conversation_events (conversation_id, seq, type, payload, created_at)
       values (p_id, p_last_seq, p_types[1], p_payloads[1], p_updated_at);
   elsif array_length(p_types, 1) > 1 then
     insert into conversation_events (conversation_id, seq, type, payload, created_at)
       select p_id, v_first + e.n - 1, e.type, e.payload, p_updated_at
         from unnest(p_types, p_payloads) with ordinality as e(type, payload, n);
   end if;
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

const WATCHED = 'if exists (select 1 from notification_watchers w where w.channel = p_channel) then';
if (!ADVANCE_CONVERSATION_012.includes(WATCHED)) throw new Error("013: 012's watcher check not found");
/** 012's function, counting a watcher only while its lease runs. */
const ADVANCE_CONVERSATION_013 = ADVANCE_CONVERSATION_012.replace(
  WATCHED,
  `-- A watcher counts while its lease runs (013): a row a killed process left stops counting by itself.
   if exists (select 1 from notification_watchers w where w.channel = p_channel and w.alive_until > now()) then`,
);

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table notification_watchers add column alive_until timestamptz not null default 'infinity'`.execute(db);
  await sql.raw(ADVANCE_CONVERSATION_013).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql.raw(ADVANCE_CONVERSATION_012).execute(db);
  await sql`alter table notification_watchers drop column alive_until`.execute(db);
}
