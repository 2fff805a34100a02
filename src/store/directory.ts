import type { Kysely } from 'kysely';
import { StoreError } from './errors.ts';
import { emailKey, newId, normalKey, nowIso } from './keys.ts';
import type { Agent, Department, MailingList } from './record-schemas.ts';
import type { AgentsTable, Database, DepartmentsTable, ListsTable } from './schema.ts';

/*
 * The built-in helpdesk's departments and agents, and the built-in mailing lists. Names (and
 * agent emails) are unique case-insensitively, so a block naming `support` finds `Support`.
 */

const toDepartment = (r: DepartmentsTable): Department => ({
  id: r.id,
  name: r.name,
  enabled: r.enabled === 1,
  createdAt: r.created_at,
});
const toAgent = (r: AgentsTable): Agent => ({
  id: r.id,
  email: r.email,
  name: r.name,
  active: r.active === 1,
  createdAt: r.created_at,
});
const toList = (r: ListsTable): MailingList => ({ id: r.id, name: r.name, createdAt: r.created_at });

function required(value: string, what: string): string {
  const trimmed = value.normalize('NFKC').trim();
  if (trimmed === '') throw new StoreError('invalid', `the ${what} is empty`);
  return trimmed;
}

/** A department by id, or by name whatever its case. */
export function findDepartment(db: Kysely<Database>, idOrName: string): Promise<DepartmentsTable | undefined> {
  return db
    .selectFrom('departments')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrName.trim()), eb('name_key', '=', normalKey(idOrName))]))
    .executeTakeFirst();
}

export async function addDepartment(db: Kysely<Database>, input: { readonly name: string; readonly enabled?: boolean }): Promise<Department> {
  const name = required(input.name, 'department name');
  const row: DepartmentsTable = {
    id: newId(),
    name,
    name_key: normalKey(name),
    enabled: input.enabled === false ? 0 : 1,
    created_at: nowIso(),
  };
  const inserted = await db
    .insertInto('departments')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw new StoreError('duplicate', `a department named "${name}" already exists`);
  return toDepartment(row);
}

/** Oldest first: the first enabled one is where a ticket without a department goes. */
export async function listDepartments(db: Kysely<Database>): Promise<Department[]> {
  const rows = await db.selectFrom('departments').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toDepartment);
}

export async function setDepartmentEnabled(db: Kysely<Database>, idOrName: string, enabled: boolean): Promise<Department> {
  const found = await findDepartment(db, idOrName);
  if (!found) throw new StoreError('not_found', `no department is named "${idOrName}" or has that id`);
  await db
    .updateTable('departments')
    .set({ enabled: enabled ? 1 : 0 })
    .where('id', '=', found.id)
    .execute();
  return toDepartment({ ...found, enabled: enabled ? 1 : 0 });
}

/** An agent by id, or by email whatever its case. */
export function findAgent(db: Kysely<Database>, idOrEmail: string): Promise<AgentsTable | undefined> {
  return db
    .selectFrom('agents')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrEmail.trim()), eb('email_key', '=', normalKey(idOrEmail))]))
    .executeTakeFirst();
}

export async function addAgent(db: Kysely<Database>, input: { readonly email: string; readonly name: string; readonly active?: boolean }): Promise<Agent> {
  const email = required(input.email, 'agent email');
  const key = emailKey(email);
  if (key === null || !/^[^@\s]+@[^@\s]+$/.test(key)) {
    throw new StoreError('invalid', `"${input.email}" is not an email address`);
  }
  const row: AgentsTable = {
    id: newId(),
    email,
    email_key: key,
    name: required(input.name, 'agent name'),
    active: input.active === false ? 0 : 1,
    created_at: nowIso(),
  };
  const inserted = await db
    .insertInto('agents')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw new StoreError('duplicate', `an agent with the email ${email} already exists`);
  return toAgent(row);
}

export async function listAgents(db: Kysely<Database>): Promise<Agent[]> {
  const rows = await db.selectFrom('agents').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toAgent);
}

export async function setAgentActive(db: Kysely<Database>, idOrEmail: string, active: boolean): Promise<Agent> {
  const found = await findAgent(db, idOrEmail);
  if (!found) throw new StoreError('not_found', `no agent has the email or id "${idOrEmail}"`);
  await db
    .updateTable('agents')
    .set({ active: active ? 1 : 0 })
    .where('id', '=', found.id)
    .execute();
  return toAgent({ ...found, active: active ? 1 : 0 });
}

/** A mailing list by id, or by name whatever its case. */
export function findList(db: Kysely<Database>, idOrName: string): Promise<ListsTable | undefined> {
  return db
    .selectFrom('lists')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrName.trim()), eb('name_key', '=', normalKey(idOrName))]))
    .executeTakeFirst();
}

export async function addList(db: Kysely<Database>, input: { readonly name: string }): Promise<MailingList> {
  const name = required(input.name, 'list name');
  const row: ListsTable = { id: newId(), name, name_key: normalKey(name), created_at: nowIso() };
  const inserted = await db
    .insertInto('lists')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw new StoreError('duplicate', `a mailing list named "${name}" already exists`);
  return toList(row);
}

export async function listLists(db: Kysely<Database>): Promise<MailingList[]> {
  const rows = await db.selectFrom('lists').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toList);
}
