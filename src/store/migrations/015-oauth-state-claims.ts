import type { Kysely } from 'kysely';

/*
 * An OAuth consent's callback claims its state before it trades the code, and removes it only when
 * it writes the integration, in the same transaction: a disconnect, a new Connect or a set of one
 * of its roles meanwhile deletes the state (claimed or not), and the callback then changes nothing.
 * Before, the callback deleted the state first, so nothing could stop a consent already on its way.
 * Null until claimed; rows of consents started before the upgrade are unclaimed, as they were.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('oauth_states').addColumn('claimed_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('oauth_states').dropColumn('claimed_at').execute();
}
