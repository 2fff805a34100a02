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

export interface Database {
  integrations: IntegrationsTable;
  leads: PersonTable;
  contacts: PersonTable;
  deals: DealsTable;
  departments: DepartmentsTable;
  agents: AgentsTable;
  tickets: TicketsTable;
  counters: CountersTable;
  lists: ListsTable;
  subscribers: SubscribersTable;
}

/** The counter row that numbers tickets. */
export const TICKET_COUNTER = 'ticket_number';
