import type { Kysely } from 'kysely';

/*
 * People and the hand-off: team accounts with their sessions, invitations and sign-in failures;
 * the inbox (a conversation handed to a person, who claims it; internal notes); event webhooks
 * with their delivery outbox and attempt log. Portable types only (see 001-initial.ts); names
 * and values are literals, as they were when this was written.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    // Lower-cased email: one account per address.
    .addColumn('email_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    // 'admin' or 'agent'.
    .addColumn('role', 'text', (c) => c.notNull())
    // scrypt$N$r$p$salt$hash (base64); null until an invited person sets one.
    .addColumn('password_hash', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    // 'online' or 'away' as the agent chose; online counts only while presence_at is recent.
    .addColumn('presence', 'text', (c) => c.notNull().defaultTo('away'))
    .addColumn('presence_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('account_sessions')
    // SHA-256 (hex) of the cookie's value; the value itself is never stored.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_sessions_account').on('account_sessions').column('account_id').execute();

  await db.schema
    .createTable('account_invitations')
    // SHA-256 (hex) of the token in the link.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  // Failed sign-ins per key ('address:<ip>' or 'account:<email>') within the current window.
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('handoffs')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
    .addColumn('bot_id', 'text', (c) => c.notNull())
    // The handoff block that put the conversation here.
    .addColumn('block_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    // 'waiting', 'claimed', 'released' (back to the bot), 'closed', 'no_agent' (its port taken).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    // Where the bot goes on no_agent; null when the port is not wired (the conversation just waits).
    .addColumn('no_agent_target', 'text')
    // When an unclaimed hand-off takes no_agent (null: waits for ever).
    .addColumn('deadline_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('handoffs_status_deadline').on('handoffs').columns(['status', 'deadline_at']).execute();
  await db.schema.createIndex('handoffs_agent').on('handoffs').columns(['agent_id', 'status']).execute();

  await db.schema
    .createTable('inbox_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('account_id', 'text')
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inbox_notes_conversation').on('inbox_notes').columns(['conversation_id', 'created_at']).execute();

  await db.schema
    .createTable('event_webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    // Sealed by the secret box; never plain text.
    .addColumn('secret', 'text', (c) => c.notNull())
    // 'renkei' (signed JSON) or 'slack' (a Slack-compatible { text } message).
    .addColumn('format', 'text', (c) => c.notNull())
    // JSON array of event types.
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('event_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // 'webhook' (to webhook_id) or 'email' (to the team, over SMTP).
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('webhook_id', 'text', (c) => c.references('event_webhooks.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // The exact body sent (the signature covers it); for e-mail, the event as JSON.
    .addColumn('body', 'text', (c) => c.notNull())
    // 'pending', 'running', 'done', 'failed' (gave up).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_deliveries_due').on('event_deliveries').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('event_delivery_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('event_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    // The HTTP status, or null when no answer came.
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('event_delivery_attempts_delivery').on('event_delivery_attempts').columns(['delivery_id', 'attempt']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'event_delivery_attempts',
    'event_deliveries',
    'event_webhooks',
    'inbox_notes',
    'handoffs',
    'sign_in_failures',
    'account_invitations',
    'account_sessions',
    'accounts',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
