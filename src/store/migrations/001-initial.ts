import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';

/*
 * Migrations take `Kysely<any>`, as Kysely's own guide advises: a migration describes the
 * database at its point in history, which the current `Database` type no longer does once later
 * migrations change it. Only the schema builder and portable column types are used, so the same
 * migration runs on SQLite and PostgreSQL. For the same reason it imports no code of Renkei's:
 * its names and values are literals, as they were when it was written, so a later change to the
 * roles, the keys or the counters cannot change what it does.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('integrations')
    .addColumn('role', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('unchecked'))
    .addColumn('status_message', 'text')
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('secrets', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_failure_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  for (const table of ['leads', 'contacts']) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .addColumn('email', 'text')
      .addColumn('email_key', 'text')
      .addColumn('phone', 'text')
      .addColumn('company', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('bot_id', 'text')
      .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('effect_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex(`${table}_email_key`).unique().on(table).column('email_key').execute();
    await db.schema.createIndex(`${table}_effect_id`).unique().on(table).column('effect_id').execute();
    await db.schema.createIndex(`${table}_created_at`).on(table).column('created_at').execute();
  }

  await db.schema
    .createTable('deals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('stage', 'text')
    .addColumn('closing_date', 'text')
    .addColumn('amount', 'double precision')
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('bot_id', 'text')
    .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('effect_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deals_effect_id').unique().on('deals').column('effect_id').execute();
  await db.schema.createIndex('deals_created_at').on('deals').column('created_at').execute();

  await db.schema
    .createTable('departments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'text')
    .addColumn('classification', 'text')
    .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
    .addColumn('assignee_id', 'text', (c) => c.references('agents.id'))
    .addColumn('contact_name', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('bot_id', 'text')
    .addColumn('effect_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tickets_effect_id').unique().on('tickets').column('effect_id').execute();

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('subscribers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('list_id', 'text', (c) => c.notNull().references('lists.id'))
    .addColumn('name', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('bot_id', 'text')
    .addColumn('effect_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscribers_list_email').unique().on('subscribers').columns(['list_id', 'email_key']).execute();
  await db.schema.createIndex('subscribers_effect_id').unique().on('subscribers').column('effect_id').execute();
  await db.schema.createIndex('subscribers_created_at').on('subscribers').column('created_at').execute();

  await seed(db);
}

/** What a new installation starts with: it works before anyone configures anything. */
async function seed(db: Kysely<any>): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto('integrations')
    .values(
      ['crm', 'helpdesk', 'mailing'].map((role) => ({
        role,
        provider: 'builtin',
        enabled: 1,
        status: 'ok',
        settings: '{}',
        updated_at: now,
      })),
    )
    .execute();
  await db.insertInto('departments').values({ id: uuidv7(), name: 'Support', name_key: 'support', enabled: 1, created_at: now }).execute();
  await db.insertInto('lists').values({ id: uuidv7(), name: 'Newsletter', name_key: 'newsletter', created_at: now }).execute();
  await db.insertInto('counters').values({ name: 'ticket_number', value: 0 }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['subscribers', 'lists', 'counters', 'tickets', 'agents', 'departments', 'deals', 'contacts', 'leads', 'integrations']) {
    await db.schema.dropTable(table).execute();
  }
}
