/**
 * The tables as Kysely sees them. Portable column types only, so the same migrations run on
 * SQLite and PostgreSQL: booleans are integers 0/1, timestamps ISO-8601 text, JSON text, ids text.
 * `*_key` columns hold normalised values (see keys.ts) behind unique indexes.
 */

export interface IntegrationsTable {
  role: string;
  provider: string;
  enabled: number;
  status: string;
  status_message: string | null;
  /** JSON object of non-secret settings. */
  settings: string;
  /** Encrypted blob written by the secret box; never plain text. */
  secrets: string | null;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  updated_at: string;
}

/** Leads and contacts share one shape. */
export interface PersonTable {
  id: string;
  name: string | null;
  email: string | null;
  email_key: string | null;
  phone: string | null;
  company: string | null;
  source: string;
  bot_id: string | null;
  /** JSON object of the block's extra fields. */
  fields: string;
  /** The effect that created the record: a repeated call with the same effect creates nothing. */
  effect_id: string | null;
  created_at: string;
}

export interface DealsTable {
  id: string;
  name: string;
  stage: string | null;
  closing_date: string | null;
  amount: number | null;
  contact_id: string | null;
  bot_id: string | null;
  fields: string;
  effect_id: string | null;
  created_at: string;
}

export interface DepartmentsTable {
  id: string;
  name: string;
  name_key: string;
  enabled: number;
  created_at: string;
}

export interface AgentsTable {
  id: string;
  email: string;
  email_key: string;
  name: string;
  active: number;
  created_at: string;
}

export interface TicketsTable {
  id: string;
  number: number;
  subject: string;
  description: string | null;
  status: string;
  priority: string | null;
  classification: string | null;
  department_id: string;
  assignee_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  bot_id: string | null;
  effect_id: string | null;
  created_at: string;
}

/** A change of a built-in ticket's status or assignee, made from the admin. */
export interface TicketChangesTable {
  id: string;
  ticket_id: string;
  field: 'status' | 'assignee';
  /** The status, or the assignee's email; null for "none". */
  from_value: string | null;
  to_value: string | null;
  changed_at: string;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface ListsTable {
  id: string;
  name: string;
  name_key: string;
  created_at: string;
}

export interface SubscribersTable {
  id: string;
  list_id: string;
  name: string | null;
  email: string;
  email_key: string;
  phone: string | null;
  bot_id: string | null;
  effect_id: string | null;
  created_at: string;
}

export interface BotsTable {
  id: string;
  name: string;
  published_version: number | null;
  /** The highest version number handed out; the next upload gets this + 1. */
  latest_version: number;
  created_at: string;
  updated_at: string;
}

export interface BotVersionsTable {
  bot_id: string;
  version: number;
  /** The file exactly as uploaded. */
  source: string;
  format: 'yaml' | 'json';
  /** The validated Bot (defaults applied) as JSON. */
  definition: string;
  created_at: string;
  published_at: string | null;
}

export interface ConversationsTable {
  id: string;
  bot_id: string;
  bot_version: number;
  /** SHA-256 (hex) of the visitor's bearer token; the token itself is never stored. */
  token_hash: string;
  /** JSON of the engine's ConversationState. */
  state: string;
  status: 'waiting_input' | 'working' | 'ended' | 'handoff';
  /** Optimistic concurrency: every write is `where row_version = <the version read>`. */
  row_version: number;
  /** The seq of the newest event. */
  last_seq: number;
  locale: string;
  created_at: string;
  updated_at: string;
}

export interface ConversationEventsTable {
  conversation_id: string;
  seq: number;
  type: 'visitor' | 'message' | 'input' | 'status' | 'record' | 'agent';
  /** JSON of the event without seq, at and type. */
  payload: string;
  created_at: string;
}

/** The outbox: one row per integration call the engine asked for. */
export interface EffectsTable {
  /** The engine's effect id, `${conversationId}:${n}`: the connectors' idempotency key. */
  id: string;
  conversation_id: string;
  bot_id: string;
  /** The conversation's bot version (it never changes), so the worker needs no extra read. */
  bot_version: number;
  block_id: string;
  action: string;
  locale: string;
  /** JSON of the rendered request. */
  request: string;
  status: 'pending' | 'running' | 'done';
  attempts: number;
  lease_owner: string | null;
  lease_until: string | null;
  next_attempt_at: string;
  /** When retrying stops and the last failure stands (created + the block's deadline). */
  deadline_at: string;
  /** JSON of the final Outcome once done. */
  outcome: string | null;
  created_at: string;
  updated_at: string;
}

/** The execution log: one row per connector call. */
export interface EffectAttemptsTable {
  id: string;
  effect_id: string;
  conversation_id: string;
  bot_id: string;
  block_id: string;
  action: string;
  provider: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  /** The outcome name (`success`, `failure` …). */
  outcome: string;
  /** The service's error message, when there was one. */
  message: string | null;
}

/** Images uploaded for the widget (avatars), addressed by their content. */
export interface ImagesTable {
  /** First 32 hex digits of the SHA-256 of the bytes. */
  id: string;
  /** Decided from the bytes themselves, never from the upload's name or header. */
  content_type: string;
  size: number;
  /** The bytes, base64. */
  data: string;
  created_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** Who did what, when and from where: append-only (triggers refuse UPDATE and DELETE). */
export interface AuditLogTable {
  id: string;
  at: string;
  actor_kind: 'token' | 'account' | 'cli' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  address: string | null;
  action: string;
  target: string | null;
  /** JSON object; never a secret, never the personal data the action was about. */
  details: string;
}

/** A person of the team: an admin (everything) or an agent (the inbox and the records). */
export interface AccountsTable {
  id: string;
  email: string;
  email_key: string;
  name: string;
  role: 'admin' | 'agent';
  /** `scrypt$N$r$p$salt$hash`; null until an invited person chooses a password. */
  password_hash: string | null;
  disabled: number;
  presence: 'online' | 'away';
  /** The last sign of life of an open inbox; online counts only while this is recent. */
  presence_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AccountSessionsTable {
  /** SHA-256 (hex) of the session cookie's value. */
  id: string;
  account_id: string;
  created_at: string;
  expires_at: string;
}

export interface AccountInvitationsTable {
  /** SHA-256 (hex) of the link's token. */
  id: string;
  account_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SignInFailuresTable {
  key: string;
  failures: number;
  window_start: string;
}

export type HandoffStatus = 'waiting' | 'claimed' | 'released' | 'closed' | 'no_agent';

/** A conversation handed to a person: waiting for a claim, then held by one agent. */
export interface HandoffsTable {
  conversation_id: string;
  bot_id: string;
  block_id: string;
  reason: string | null;
  status: HandoffStatus;
  agent_id: string | null;
  no_agent_target: string | null;
  deadline_at: string | null;
  created_at: string;
  claimed_at: string | null;
  updated_at: string;
}

/** An agent's note on a conversation; the visitor never sees it. */
export interface InboxNotesTable {
  id: string;
  conversation_id: string;
  account_id: string | null;
  author: string;
  text: string;
  created_at: string;
}

export interface EventWebhooksTable {
  id: string;
  url: string;
  /** Sealed by the secret box. */
  secret: string;
  format: 'renkei' | 'slack';
  /** JSON array of event types. */
  events: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

/** The outbox of team notifications: one row per event per webhook, and one per e-mailed event. */
export interface EventDeliveriesTable {
  id: string;
  channel: 'webhook' | 'email';
  webhook_id: string | null;
  event_id: string;
  type: string;
  body: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: number;
  lease_owner: string | null;
  lease_until: string | null;
  next_attempt_at: string;
  created_at: string;
  updated_at: string;
}

export interface EventDeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

export interface Database {
  integrations: IntegrationsTable;
  leads: PersonTable;
  contacts: PersonTable;
  deals: DealsTable;
  departments: DepartmentsTable;
  agents: AgentsTable;
  tickets: TicketsTable;
  ticket_changes: TicketChangesTable;
  counters: CountersTable;
  lists: ListsTable;
  subscribers: SubscribersTable;
  bots: BotsTable;
  bot_versions: BotVersionsTable;
  conversations: ConversationsTable;
  conversation_events: ConversationEventsTable;
  effects: EffectsTable;
  effect_attempts: EffectAttemptsTable;
  settings: SettingsTable;
  images: ImagesTable;
  audit_log: AuditLogTable;
  accounts: AccountsTable;
  account_sessions: AccountSessionsTable;
  account_invitations: AccountInvitationsTable;
  sign_in_failures: SignInFailuresTable;
  handoffs: HandoffsTable;
  inbox_notes: InboxNotesTable;
  event_webhooks: EventWebhooksTable;
  event_deliveries: EventDeliveriesTable;
  event_delivery_attempts: EventDeliveryAttemptsTable;
}

/** The counter row that numbers tickets. */
export const TICKET_COUNTER = 'ticket_number';
