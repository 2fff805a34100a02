import { z } from 'zod';

/**
 * Records of the built-in store as JSON (CLI `records --json`, the admin API): camelCase, every
 * record with `id` and `createdAt`; a value that was not given is null.
 */
const text = z.string().nullable();
const extraFields = z.record(z.string(), z.string());
const base = { id: z.string(), createdAt: z.string(), botId: text };

export const personRecord = z.object({
  ...base,
  name: text,
  email: text,
  phone: text,
  company: text,
  source: z.string(),
  fields: extraFields,
});
export type PersonRecord = z.infer<typeof personRecord>;

export const dealRecord = z.object({
  ...base,
  name: z.string(),
  stage: text,
  closingDate: text,
  amount: z.number().nullable(),
  contactId: text,
  fields: extraFields,
});
export type DealRecord = z.infer<typeof dealRecord>;

export const ticketRecord = z.object({
  ...base,
  number: z.number().int(),
  subject: z.string(),
  description: text,
  status: z.string(),
  priority: text,
  classification: text,
  /** The department's name. */
  department: z.string(),
  /** The assigned agent's email. */
  assignee: text,
  contact: z.object({ name: text, email: text, phone: text }),
});
export type TicketRecord = z.infer<typeof ticketRecord>;

export const subscriberRecord = z.object({
  ...base,
  /** The list's name. */
  list: z.string(),
  name: text,
  email: z.string(),
  phone: text,
});
export type SubscriberRecord = z.infer<typeof subscriberRecord>;

export const RECORD_SCHEMAS = {
  leads: personRecord,
  contacts: personRecord,
  deals: dealRecord,
  tickets: ticketRecord,
  subscribers: subscriberRecord,
} as const;

export const RECORD_KINDS = ['leads', 'contacts', 'deals', 'tickets', 'subscribers'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export type RecordOf<K extends RecordKind> = z.infer<(typeof RECORD_SCHEMAS)[K]>;

/**
 * The columns a list of records shows — the admin's Records page and its CSV export, and
 * `renkei records` — in the order the records API documents them. Each shows its `id` besides.
 */
export const RECORD_COLUMNS = {
  leads: ['name', 'email', 'phone', 'company', 'source', 'createdAt'],
  contacts: ['name', 'email', 'phone', 'company', 'source', 'createdAt'],
  deals: ['name', 'stage', 'closingDate', 'amount', 'contactId', 'createdAt'],
  tickets: ['number', 'subject', 'status', 'priority', 'classification', 'department', 'assignee', 'contact', 'createdAt'],
  subscribers: ['list', 'name', 'email', 'phone', 'createdAt'],
} as const satisfies { readonly [K in RecordKind]: readonly (keyof RecordOf<K> & string)[] };

/** The `fields` column: a JSON object of strings, written only by the store itself. */
export const storedFields = extraFields;

/** The helpdesk's departments and agents and the mailing lists, as the builder and the CLI show them. */
export const departmentEntry = z.object({ id: z.string(), name: z.string(), enabled: z.boolean(), createdAt: z.string() });
export type Department = z.infer<typeof departmentEntry>;

export const agentEntry = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
});
export type Agent = z.infer<typeof agentEntry>;

export const mailingListEntry = z.object({ id: z.string(), name: z.string(), createdAt: z.string() });
export type MailingList = z.infer<typeof mailingListEntry>;
