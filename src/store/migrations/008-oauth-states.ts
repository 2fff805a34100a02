import type { Kysely } from 'kysely';

/*
 * Connecting a service with OAuth (DESIGN.md "Connecting with OAuth"): one row per consent an
 * admin started and has not finished. The `state` sent to the service is kept only as a hash, and
 * so is the nonce of the browser that started it (a cookie): the callback must bring both. The
 * client secret waits here sealed, like an integration's secrets, until the code is traded; a row
 * is deleted when used and is worth nothing after ten minutes. Portable types only (see
 * 001-initial.ts).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_states')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('browser_hash', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    // The roles the one consent connects, as a JSON array.
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oauth_states_created').on('oauth_states').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oauth_states').execute();
}
