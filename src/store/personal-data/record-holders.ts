import type { Transaction } from 'kysely';
import { dealOf, personOf, subscriberOf, ticketOf } from '../records.ts';
import type { Database } from '../schema.ts';
import { keysOf, type Found, type Holder, type Section } from './holder.ts';
import { affected, parsedJson, scanPages, sumChunks } from './scan.ts';
import { mentionsIn } from './subject.ts';

/*
 * The built-in store's records. A record is the person's when one of its texts mentions the
 * subject (a lead's email or phone, a ticket's contact or description) or when one of the
 * person's conversations created it (its effect). An erased record is deleted: the built-in store
 * keeps no aggregate of its own, and a ticket's number is never handed out again (the counter stays).
 */

type RecordTable = 'leads' | 'contacts' | 'deals' | 'tickets' | 'subscribers';

/** Scans a table a page at a time and keeps the rows `isTheirs` picks. */
async function scanRecords<R extends { id: string }>(
  page: (after: string | undefined, limit: number) => Promise<readonly R[]>,
  isTheirs: (row: R) => boolean,
  show: (row: R) => Record<string, unknown>,
): Promise<Section> {
  const rows: Record<string, unknown>[] = [];
  const keys: string[] = [];
  await scanPages(
    page,
    (row) => row.id,
    (row) => {
      if (!isTheirs(row)) return;
      keys.push(row.id);
      rows.push(show(row));
    },
  );
  return { rows, keys };
}

/** Whether a record came from one of the person's integration calls (its effect). */
function madeByTheirs(found: Found): (effectId: string | null) => boolean {
  const effects = new Set(keysOf(found, 'effects'));
  return (effectId) => effectId !== null && effects.has(effectId);
}

/**
 * Deletes the rows found, and any a running call of the person's created since they were looked
 * for (by its effect): both inside the erasure's transaction.
 */
function deleteByIds(table: RecordTable) {
  return async (trx: Transaction<Database>, section: Section, found: Found): Promise<number> => {
    const listed = await sumChunks(section.keys, async (chunk) => affected(await trx.deleteFrom(table).where('id', 'in', chunk).executeTakeFirst()));
    const late = await sumChunks(keysOf(found, 'effects'), async (chunk) =>
      affected(await trx.deleteFrom(table).where('effect_id', 'in', chunk).executeTakeFirst()),
    );
    return listed + late;
  };
}

/** Retention: the oldest `limit` records created before `cutoff`. */
function expireBefore(table: RecordTable, keepIfDealsPointHere = false) {
  return async (trx: Transaction<Database>, cutoff: string, limit: number): Promise<number> => {
    let oldest = trx.selectFrom(table).select('id').where('created_at', '<', cutoff).orderBy('created_at').limit(limit);
    // A contact that a deal still points at stays until the deal expires (deals are created after their contact).
    if (keepIfDealsPointHere)
      oldest = oldest.where((eb) => eb.not(eb.exists(eb.selectFrom('deals').select('deals.id').whereRef('deals.contact_id', '=', `${table}.id`))));
    return affected(await trx.deleteFrom(table).where('id', 'in', oldest).executeTakeFirst());
  };
}

function personHolder(table: 'leads' | 'contacts'): Holder {
  return {
    table,
    section: table,
    collect(db, found) {
      const theirs = madeByTheirs(found);
      return scanRecords(
        (after, limit) => {
          let query = db.selectFrom(table).selectAll().orderBy('id').limit(limit);
          if (after !== undefined) query = query.where('id', '>', after);
          return query.execute();
        },
        (r) => theirs(r.effect_id) || mentionsIn(found.subject, [r.email, r.phone, r.name, r.company, parsedJson(r.fields)]),
        personOf,
      );
    },
    erase: deleteByIds(table),
    expireRecords: expireBefore(table, table === 'contacts'),
  };
}

export const leadsHolder = personHolder('leads');
export const contactsHolder = personHolder('contacts');

/** Deals have no email or phone: they are the person's through their contact, their conversation, or a mention. */
export const dealsHolder: Holder = {
  table: 'deals',
  section: 'deals',
  collect(db, found) {
    const contacts = new Set(keysOf(found, 'contacts'));
    const theirs = madeByTheirs(found);
    return scanRecords(
      (after, limit) => {
        let query = db.selectFrom('deals').selectAll().orderBy('id').limit(limit);
        if (after !== undefined) query = query.where('id', '>', after);
        return query.execute();
      },
      (r) => (r.contact_id !== null && contacts.has(r.contact_id)) || theirs(r.effect_id) || mentionsIn(found.subject, [r.name, parsedJson(r.fields)]),
      dealOf,
    );
  },
  erase: deleteByIds('deals'),
  expireRecords: expireBefore('deals'),
};

export const ticketsHolder: Holder = {
  table: 'tickets',
  section: 'tickets',
  collect(db, found) {
    const theirs = madeByTheirs(found);
    return scanRecords(
      (after, limit) => {
        let query = db
          .selectFrom('tickets')
          .innerJoin('departments', 'departments.id', 'tickets.department_id')
          .leftJoin('agents', 'agents.id', 'tickets.assignee_id')
          .selectAll('tickets')
          .select(['departments.name as department_name', 'agents.email as assignee_email'])
          .orderBy('tickets.id')
          .limit(limit);
        if (after !== undefined) query = query.where('tickets.id', '>', after);
        return query.execute();
      },
      (r) => theirs(r.effect_id) || mentionsIn(found.subject, [r.contact_email, r.contact_phone, r.contact_name, r.subject, r.description]),
      ticketOf,
    );
  },
  erase: deleteByIds('tickets'),
  expireRecords: expireBefore('tickets'),
};

export const subscribersHolder: Holder = {
  table: 'subscribers',
  section: 'subscribers',
  collect(db, found) {
    const theirs = madeByTheirs(found);
    return scanRecords(
      (after, limit) => {
        let query = db
          .selectFrom('subscribers')
          .innerJoin('lists', 'lists.id', 'subscribers.list_id')
          .selectAll('subscribers')
          .select('lists.name as list_name')
          .orderBy('subscribers.id')
          .limit(limit);
        if (after !== undefined) query = query.where('subscribers.id', '>', after);
        return query.execute();
      },
      (r) => theirs(r.effect_id) || mentionsIn(found.subject, [r.email, r.phone, r.name]),
      subscriberOf,
    );
  },
  erase: deleteByIds('subscribers'),
  expireRecords: expireBefore('subscribers'),
};
