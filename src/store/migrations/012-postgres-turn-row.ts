import { PostgresAdapter, sql, type Kysely } from 'kysely';

/*
 * A visitor's turn now appends one row of conversation_events however many events it has (a
 * batch, see schema.ts; nothing to migrate: rows of one event read as before). PostgreSQL's turn
 * function (011's) spread its events over rows with unnest … with ordinality, which costs a set-
 * returning function and a projection per turn; one row is now inserted from its values. The
 * function keeps its signature, so a process that still passes several rows works as before.
 * PostgreSQL only; SQLite has no server-side function. Numbered after 011, whose function it
 * replaces, so that it runs after it on a new database too.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

const body = (insert: string): string => `create or replace function renkei_advance_conversation(
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
${insert}
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

const UNNEST = `   insert into conversation_events (conversation_id, seq, type, payload, created_at)
     select p_id, v_first + e.n - 1, e.type, e.payload, p_updated_at
       from unnest(p_types, p_payloads) with ordinality as e(type, payload, n);`;

const ONE_ROW_OR_UNNEST = `   if array_length(p_types, 1) = 1 then
     insert into conversation_events (conversation_id, seq, type, payload, created_at)
       values (p_id, p_last_seq, p_types[1], p_payloads[1], p_updated_at);
   elsif array_length(p_types, 1) > 1 then
${UNNEST.replace(/^/gm, '  ')}
   end if;`;

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql.raw(body(ONE_ROW_OR_UNNEST)).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql.raw(body(UNNEST)).execute(db);
}
