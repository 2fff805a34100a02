import { PostgresAdapter, sql, type Kysely } from 'kysely';

/*
 * A visitor's turn at scale, and the access tokens every process shares. Portable types only
 * (see 001-initial.ts); names and values are literals, as they were when this was written.
 *
 * Conversations: every turn rewrites `updated_at`, and three indexes held it, so no update of a
 * conversation could be HOT on PostgreSQL (a heap-only tuple needs every indexed column unchanged):
 * each turn wrote a new entry into every index of the table. The indexes now hold the hour of
 * `updated_at` (a generated column), which a conversation keeps for all its turns within that
 * hour; readers still order and filter by `updated_at` itself, the hour only narrows the scan.
 * On PostgreSQL the table also leaves a fifth of each page free (fillfactor 80), so the new
 * version of a row fits on its page, which HOT needs too.
 *
 * `renkei_advance_conversation` (PostgreSQL) is a turn's whole write in one round trip: the
 * conversation (only if nobody wrote it since it was read), its new events, the integration call
 * it queued, and the wake-ups — instead of begin, update, insert, notify, commit.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const index of ['conversations_updated_at', 'conversations_bot_updated_at', 'conversations_status_updated_at']) {
    // The last one is 006's, which a new installation has not made yet (it runs 003 first).
    await db.schema.dropIndex(index).ifExists().execute();
  }
  if (postgres) await sql`alter table conversations set (fillfactor = 80)`.execute(db);
  // PostgreSQL stores a generated column (and rewrites the table, which applies the fillfactor);
  // SQLite can only add a virtual one, computed when read or indexed.
  const hour = sql`substr(updated_at, 1, 13)`;
  await db.schema
    .alterTable('conversations')
    .addColumn('updated_hour', 'text', (c) => (postgres ? c.generatedAlwaysAs(hour).stored() : c.generatedAlwaysAs(hour)))
    .execute();
  await db.schema.createIndex('conversations_updated_hour').on('conversations').column('updated_hour').execute();
  await db.schema.createIndex('conversations_bot_updated_hour').on('conversations').columns(['bot_id', 'updated_hour']).execute();
  await db.schema.createIndex('conversations_status_updated_hour').on('conversations').columns(['status', 'updated_hour']).execute();

  // One row per credential (`key`: provider, accounts server, client and a hash of the refresh
  // token). `token` is sealed with the installation's secret box, never plain text.
  await db.schema
    .createTable('access_tokens')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('token', 'text')
    .addColumn('use_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refreshed_at', 'text')
    .execute();

  if (postgres) {
    await sql
      .raw(
        `create function renkei_advance_conversation(
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
         end $$`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) await sql`drop function if exists renkei_advance_conversation`.execute(db);
  await db.schema.dropTable('access_tokens').execute();
  for (const index of ['conversations_updated_hour', 'conversations_bot_updated_hour', 'conversations_status_updated_hour']) {
    await db.schema.dropIndex(index).execute();
  }
  await db.schema.alterTable('conversations').dropColumn('updated_hour').execute();
  await db.schema.createIndex('conversations_updated_at').on('conversations').column('updated_at').execute();
  await db.schema.createIndex('conversations_bot_updated_at').on('conversations').columns(['bot_id', 'updated_at']).execute();
  await db.schema.createIndex('conversations_status_updated_at').on('conversations').columns(['status', 'updated_at']).execute();
}
