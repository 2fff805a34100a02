import type { Database } from '../schema.ts';
import { conversationsHolder, effectAttemptsHolder, effectsHolder, transcriptHolder } from './conversation-holders.ts';
import type { Holder } from './holder.ts';
import { handoffsHolder, inboxNotesHolder } from './inbox-holders.ts';
import { contactsHolder, dealsHolder, leadsHolder, subscribersHolder, ticketsHolder } from './record-holders.ts';

/**
 * Every table that holds what visitors typed or what was made of it, in the order they are
 * searched: a holder may read what those before it found (a deal follows its contact, a record
 * its effect). Erasure and retention delete in the reverse order, children before parents.
 */
export const HOLDERS: readonly Holder[] = [
  conversationsHolder,
  transcriptHolder,
  handoffsHolder,
  inboxNotesHolder,
  effectsHolder,
  effectAttemptsHolder,
  leadsHolder,
  contactsHolder,
  dealsHolder,
  ticketsHolder,
  subscribersHolder,
];

/**
 * The tables that hold nothing a visitor typed: configuration, the team, counters, and the audit
 * log (which records that personal data was exported or erased, never whose). A new table must
 * be in HOLDERS or here — test/personal-data.process.test.ts fails until it is.
 */
export const HOLDS_NO_VISITOR_DATA: readonly (keyof Database)[] = [
  'integrations',
  'departments',
  'agents',
  'counters',
  'lists',
  'bots',
  'bot_versions',
  'settings',
  'audit_log',
  // Pictures an admin uploads for the widget (a bot's avatar).
  'images',
  // A built-in ticket's status and assignee changes: helpdesk values and agents' emails. Rows go
  // with their ticket (ON DELETE CASCADE), so erasing or purging the ticket takes its history.
  'ticket_changes',
  // OAuth access tokens of the integrations (sealed): credentials, nothing about a visitor.
  'access_tokens',
  // OAuth consents under way (migration 008): hashes of their state, the admin's sealed client
  // secret and the integration's settings; nothing about a visitor.
  'oauth_states',
  // The team (issue 16): accounts, their sessions and invitations, and failed sign-ins, which key
  // an address or an account's email, never a visitor's.
  'accounts',
  'account_sessions',
  'account_invitations',
  'sign_in_failures',
  // Event webhooks and their deliveries: a delivery's body carries ids (conversation, record,
  // ticket number) and the bot's reason, never what a visitor typed (see runtime/team-events.ts).
  'event_webhooks',
  'event_deliveries',
  'event_delivery_attempts',
  // PostgreSQL's listening connections (migration 011): a channel name and a backend's pid.
  'notification_watchers',
];
