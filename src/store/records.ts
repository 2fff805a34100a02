import { sql, type Kysely, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import { StoreError } from './errors.ts';
import { normalKey } from './keys.ts';
import { pageOf, type Page } from './paging.ts';
import type { DealRecord, PersonRecord, RecordKind, RecordOf, SubscriberRecord, TicketRecord } from './record-schemas.ts';
import { storedFields } from './record-schemas.ts';
import type { Database, DealsTable, PersonTable, SubscribersTable, TicketsTable } from './schema.ts';

/** `limit` defaults to 100. */
export interface ListOptions extends Page, RecordFilter {}

/** Which records: every condition given must hold. */
export interface RecordFilter {
  /** Matches name, email (and a ticket's subject and contact) case-insensitively, anywhere in the text. */
  readonly search?: string;
  /** Tickets only: this status exactly. */
  readonly status?: string;
  /** Created at or after this instant (ISO 8601). */
  readonly createdFrom?: string;
  /** Created before this instant (ISO 8601). */
  readonly createdTo?: string;
  /** The one record with this id. */
  readonly id?: string;
}

const DEFAULT_LIMIT = 100;

/** Columns `search` looks in, qualified (lists and departments have a `name` too); each kind's own table, so counting needs no join. */
const SEARCHED: Record<RecordKind, readonly string[]> = {
  leads: ['leads.name', 'leads.email', 'leads.company'],
  contacts: ['contacts.name', 'contacts.email', 'contacts.company'],
  deals: ['deals.name'],
  tickets: ['tickets.subject', 'tickets.contact_name', 'tickets.contact_email'],
  subscribers: ['subscribers.name', 'subscribers.email'],
};

/**
 * `lower(col) like '%term%'` over the columns: portable (PostgreSQL's LIKE is case-sensitive,
 * SQLite's is not, lower() on both sides makes them agree), with the user's `%` and `_` escaped.
 */
function matching(kind: RecordKind, search: string | undefined): RawBuilder<SqlBool> | undefined {
  const term = search === undefined ? '' : normalKey(search);
  if (term === '') return undefined;
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const tests = SEARCHED[kind].map((column) => sql`lower(${sql.ref(column)}) like ${pattern} escape '\\'`);
  return sql<SqlBool>`(${sql.join(tests, sql` or `)})`;
}

/** An instant as stored (`toISOString()`), so that text order is time order on both databases. */
function storedInstant(value: string, what: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new StoreError('invalid', `${what} "${value}" is not a date and time`);
  return new Date(time).toISOString();
}

/** The filter as one condition on the kind's own table, or undefined when it has none. */
function filtering(kind: RecordKind, filter: RecordFilter): RawBuilder<SqlBool> | undefined {
  const column = (name: string) => sql.ref(`${kind}.${name}`);
  const tests: RawBuilder<SqlBool>[] = [];
  const search = matching(kind, filter.search);
  if (search) tests.push(search);
  if (filter.status !== undefined) {
    if (kind !== 'tickets') throw new StoreError('invalid', `only tickets have a status, not ${kind}`);
    tests.push(sql<SqlBool>`${column('status')} = ${filter.status}`);
  }
  if (filter.createdFrom !== undefined) tests.push(sql<SqlBool>`${column('created_at')} >= ${storedInstant(filter.createdFrom, 'from')}`);
  if (filter.createdTo !== undefined) tests.push(sql<SqlBool>`${column('created_at')} < ${storedInstant(filter.createdTo, 'to')}`);
  if (filter.id !== undefined) tests.push(sql<SqlBool>`${column('id')} = ${filter.id}`);
  return tests.length === 0 ? undefined : sql<SqlBool>`(${sql.join(tests, sql` and `)})`;
}

function parseFields(json: string): Record<string, string> {
  return storedFields.parse(JSON.parse(json));
}

async function listPeople(db: Kysely<Database>, kind: 'leads' | 'contacts', options: ListOptions): Promise<PersonRecord[]> {
  const { limit, offset } = pageOf(options, DEFAULT_LIMIT);
  const filter = filtering(kind, options);
  let query = db.selectFrom(kind).selectAll();
  if (filter) query = query.where(filter);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
  return rows.map(personOf);
}

/** A lead or contact row as its record. */
export function personOf(r: Selectable<PersonTable>): PersonRecord {
  return {
    id: r.id,
    createdAt: r.created_at,
    botId: r.bot_id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    company: r.company,
    source: r.source,
    fields: parseFields(r.fields),
  };
}

async function listDeals(db: Kysely<Database>, options: ListOptions): Promise<DealRecord[]> {
  const { limit, offset } = pageOf(options, DEFAULT_LIMIT);
  const filter = filtering('deals', options);
  let query = db.selectFrom('deals').selectAll();
  if (filter) query = query.where(filter);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
  return rows.map(dealOf);
}

export function dealOf(r: Selectable<DealsTable>): DealRecord {
  return {
    id: r.id,
    createdAt: r.created_at,
    botId: r.bot_id,
    name: r.name,
    stage: r.stage,
    closingDate: r.closing_date,
    amount: r.amount === null ? null : Number(r.amount),
    contactId: r.contact_id,
    fields: parseFields(r.fields),
  };
}

async function listTickets(db: Kysely<Database>, options: ListOptions): Promise<TicketRecord[]> {
  const { limit, offset } = pageOf(options, DEFAULT_LIMIT);
  const filter = filtering('tickets', options);
  let query = db
    .selectFrom('tickets')
    .innerJoin('departments', 'departments.id', 'tickets.department_id')
    .leftJoin('agents', 'agents.id', 'tickets.assignee_id')
    .selectAll('tickets')
    .select(['departments.name as department_name', 'agents.email as assignee_email']);
  if (filter) query = query.where(filter);
  const rows = await query.orderBy('tickets.number', 'desc').limit(limit).offset(offset).execute();
  return rows.map(ticketOf);
}

/** A ticket row, joined with its department's name and its assignee's email, as its record. */
export function ticketOf(r: Selectable<TicketsTable> & { department_name: string; assignee_email: string | null }): TicketRecord {
  return {
    id: r.id,
    createdAt: r.created_at,
    botId: r.bot_id,
    number: Number(r.number),
    subject: r.subject,
    description: r.description,
    status: r.status,
    priority: r.priority,
    classification: r.classification,
    department: r.department_name,
    assignee: r.assignee_email,
    contact: { name: r.contact_name, email: r.contact_email, phone: r.contact_phone },
  };
}

async function listSubscribers(db: Kysely<Database>, options: ListOptions): Promise<SubscriberRecord[]> {
  const { limit, offset } = pageOf(options, DEFAULT_LIMIT);
  const filter = filtering('subscribers', options);
  let query = db.selectFrom('subscribers').innerJoin('lists', 'lists.id', 'subscribers.list_id').selectAll('subscribers').select('lists.name as list_name');
  if (filter) query = query.where(filter);
  const rows = await query.orderBy('subscribers.created_at', 'desc').orderBy('subscribers.id', 'desc').limit(limit).offset(offset).execute();
  return rows.map(subscriberOf);
}

/** A subscriber row, joined with its list's name, as its record. */
export function subscriberOf(r: Selectable<SubscribersTable> & { list_name: string }): SubscriberRecord {
  return {
    id: r.id,
    createdAt: r.created_at,
    botId: r.bot_id,
    list: r.list_name,
    name: r.name,
    email: r.email,
    phone: r.phone,
  };
}

const LISTERS: { [K in RecordKind]: (db: Kysely<Database>, options: ListOptions) => Promise<RecordOf<K>[]> } = {
  leads: (db, options) => listPeople(db, 'leads', options),
  contacts: (db, options) => listPeople(db, 'contacts', options),
  deals: listDeals,
  tickets: listTickets,
  subscribers: listSubscribers,
};

/** Records of one kind as JSON-ready objects, newest first (tickets: highest number first). */
export function listRecords<K extends RecordKind>(db: Kysely<Database>, kind: K, options: ListOptions = {}): Promise<RecordOf<K>[]> {
  const lister: (db: Kysely<Database>, options: ListOptions) => Promise<RecordOf<K>[]> = LISTERS[kind];
  return lister(db, options);
}

/** How many records of one kind match the filter (all of them without one): for paging. */
export async function countRecords(db: Kysely<Database>, kind: RecordKind, options: RecordFilter = {}): Promise<number> {
  const filter = filtering(kind, options);
  let query = db.selectFrom(kind).select((eb) => eb.fn.countAll().as('n'));
  if (filter) query = query.where(filter);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}
