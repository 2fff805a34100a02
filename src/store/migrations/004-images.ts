import type { Kysely } from 'kysely';

/*
 * Images an admin uploads for the widget (a bot's avatar). Portable types only (see
 * 001-initial.ts): the bytes are base64 text, which SQLite and PostgreSQL store alike; images are
 * small (the upload limit is 256 KiB) and served from the Renkei process with long cache lifetimes.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('images')
    // The first 32 hex digits of the content's SHA-256: the same picture is stored once, and the id
    // a bot file names is the same in every installation.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('images').execute();
}
