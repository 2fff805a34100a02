import type { Insertable, Kysely } from 'kysely';
import { alreadyExists, failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { ContactRequest, DealRequest, LeadRequest } from '../../vocabulary/requests.ts';
import type { CallContext, CrmConnector } from '../../vocabulary/roles.ts';
import { emailKey, newId, nowIso, optional } from '../../store/keys.ts';
import type { Database } from '../../store/schema.ts';
import { effectKey } from './effect-key.ts';

const DEFAULT_SOURCE = 'Chat';

/** `fields.Lead_Source`, else `fields.source`, else "Chat"; an empty value counts as not given. */
function sourceOf(fields: Readonly<Record<string, string>>): string {
  return optional(fields.Lead_Source ?? '') ?? optional(fields.source ?? '') ?? DEFAULT_SOURCE;
}

type CrmTable = 'leads' | 'contacts' | 'deals';

/**
 * Inserts the record unless it conflicts with one already there (same effect, or for people the
 * same email). Returns its id, or on a conflict the id of the record this effect made before — a
 * retry after a lost answer —, or undefined when the conflict was with another effect's record.
 */
async function insertOnce<T extends CrmTable>(
  db: Kysely<Database>,
  table: T,
  row: Insertable<Database[T]> & { readonly effect_id: string | null },
): Promise<string | undefined> {
  const inserted = await db
    .insertInto(table)
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  if (row.effect_id === null) return undefined;
  const mine = await db
    .selectFrom(table as CrmTable)
    .select('id')
    .where('effect_id', '=', row.effect_id)
    .executeTakeFirst();
  return mine?.id;
}

/**
 * Leads and contacts. "No second record for the same email" is the unique index on `email_key`:
 * the insert does nothing on a conflict, and the record that won is then looked up, so two
 * concurrent creations (in one process or several, SQLite or PostgreSQL) still make one record.
 */
async function createPerson(db: Kysely<Database>, table: 'leads' | 'contacts', req: LeadRequest | ContactRequest, ctx: CallContext): Promise<Outcome> {
  const noun = table === 'leads' ? 'lead' : 'contact';
  const name = optional(req.name);
  const email = optional(req.email);
  if (name === null && email === null) {
    return failure(`a ${noun} needs a name or an email, and both are empty`);
  }
  const key = email === null ? null : emailKey(email);
  const id = await insertOnce(db, table, {
    id: newId(),
    name,
    email,
    email_key: key,
    phone: optional(req.phone),
    company: optional(req.company),
    source: sourceOf(req.fields),
    bot_id: optional(ctx.botId),
    fields: JSON.stringify(req.fields),
    effect_id: effectKey(ctx),
    created_at: nowIso(),
  });
  if (id !== undefined) return success({ id });
  if (key !== null) {
    const existing = await db.selectFrom(table).select('id').where('email_key', '=', key).executeTakeFirst();
    if (existing) return alreadyExists(existing.id, `a ${noun} with the email ${email} already exists`);
  }
  return failure(`the ${noun} was refused by a concurrent change; try again`, true);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in YYYY-MM-DD (2026-02-30 is not one). */
function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A number as people write it: full-width digits and thousands separators allowed (`１２,０００`). */
function parseAmount(value: string): number | undefined {
  const plain = value.normalize('NFKC').replace(/(\d),(?=\d{3}\b)/g, '$1');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(plain)) return undefined;
  return Number(plain);
}

async function createDeal(db: Kysely<Database>, req: DealRequest, ctx: CallContext): Promise<Outcome> {
  const name = optional(req.name);
  if (name === null) return failure('the deal name is empty');
  const closingDate = optional(req.closingDate);
  if (closingDate !== null && !isDate(closingDate)) {
    return failure(`the closing date "${closingDate}" is not a date in the form YYYY-MM-DD`);
  }
  const amountText = optional(req.amount);
  const amount = amountText === null ? null : parseAmount(amountText);
  if (amount === undefined) return failure(`the amount "${amountText}" is not a number`);
  const contactId = optional(req.contactId);
  if (contactId !== null) {
    const contact = await db.selectFrom('contacts').select('id').where('id', '=', contactId).executeTakeFirst();
    if (!contact) return failure(`no contact has the id "${contactId}"`);
  }

  // Only the effect id can conflict: this effect already created its deal.
  const id = await insertOnce(db, 'deals', {
    id: newId(),
    name,
    stage: optional(req.stage),
    closing_date: closingDate,
    amount,
    contact_id: contactId,
    bot_id: optional(ctx.botId),
    fields: JSON.stringify(req.fields),
    effect_id: effectKey(ctx),
    created_at: nowIso(),
  });
  return id !== undefined ? success({ id }) : failure('the deal was refused by a concurrent change; try again', true);
}

export function builtinCrm(db: Kysely<Database>): CrmConnector {
  return {
    createLead: (req, ctx) => createPerson(db, 'leads', req, ctx),
    createContact: (req, ctx) => createPerson(db, 'contacts', req, ctx),
    createDeal: (req, ctx) => createDeal(db, req, ctx),
  };
}
