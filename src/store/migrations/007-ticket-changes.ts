import type { Kysely } from 'kysely';

/*
 * The history of the built-in helpdesk's tickets: each change of a ticket's status or assignee
 * made from the admin, with its time and the values before and after. Portable types only (see
 * 001-initial.ts). A change belongs to its ticket: erasing the ticket erases its history.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ticket_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    // 'status' or 'assignee' (the agent's email, as the ticket shows it).
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ticket_changes_ticket').on('ticket_changes').columns(['ticket_id', 'changed_at']).execute();
  // The records page filters tickets by status, newest (highest number) first.
  await db.schema.createIndex('tickets_status_number').on('tickets').columns(['status', 'number']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tickets_status_number').execute();
  await db.schema.dropTable('ticket_changes').execute();
}
