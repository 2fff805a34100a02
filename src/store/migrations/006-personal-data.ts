import { PostgresAdapter, sql, type Kysely } from 'kysely';

/*
 * The audit log, and the indexes retention walks. Portable types only (see
 * 001-initial.ts); names and values are literals, as they were when this was written.
 *
 * The audit log is append-only in the database itself, not only in the API: a trigger refuses
 * every UPDATE and DELETE (and, on PostgreSQL, TRUNCATE), so neither a bug nor a careless query
 * can rewrite history. Whoever owns the database can still drop the trigger — that is outside
 * what an application can prevent, and is said in docs/operating.md.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

const REFUSAL = 'the audit log is append-only';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    // 'token' (the admin token), 'account' (a signed-in person), 'cli' (a command on the server's machine), 'system'.
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('address', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    // JSON object: what changed, never a secret and never the personal data an action was about.
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
  await db.schema.createIndex('audit_log_action_at').on('audit_log').columns(['action', 'at']).execute();

  // Retention finds finished conversations past their time, and idle ones, without walking the others.
  // Unless 003-postgres-turn ran first (a new installation runs migrations in name order, one
  // that had this one already runs 003 later): it indexes the hour of `updated_at` instead.
  if (!(await hasColumn(db, 'conversations', 'updated_hour'))) {
    await db.schema.createIndex('conversations_status_updated_at').on('conversations').columns(['status', 'updated_at']).execute();
  }
  await db.schema.createIndex('tickets_created_at').on('tickets').column('created_at').execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql
      .raw(
        `create function audit_log_append_only() returns trigger language plpgsql as $$
         begin raise exception '${REFUSAL}' using errcode = 'insufficient_privilege'; end $$`,
      )
      .execute(db);
    await sql`create trigger audit_log_no_change before update or delete on audit_log for each row execute function audit_log_append_only()`.execute(db);
    await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`.execute(db);
  } else {
    for (const event of ['update', 'delete']) {
      await sql.raw(`create trigger audit_log_no_${event} before ${event} on audit_log begin select raise(abort, '${REFUSAL}'); end`).execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tickets_created_at').execute();
  await db.schema.dropIndex('conversations_status_updated_at').ifExists().execute();
  await db.schema.dropTable('audit_log').execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`drop function if exists audit_log_append_only()`.execute(db);
}

/** SQLite: table_xinfo, since table_info leaves generated columns out. */
async function hasColumn(db: Kysely<any>, table: string, column: string): Promise<boolean> {
  const found =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? await sql`select 1 from information_schema.columns where table_schema = current_schema() and table_name = ${table} and column_name = ${column}`.execute(
          db,
        )
      : await sql`select 1 from pragma_table_xinfo(${table}) where name = ${column}`.execute(db);
  return found.rows.length > 0;
}
