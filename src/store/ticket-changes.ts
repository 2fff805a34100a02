import type { Kysely } from 'kysely';
import { findAgent } from './directory.ts';
import { StoreError } from './errors.ts';
import { newId, nowIso } from './keys.ts';
import type { Database, TicketChangesTable } from './schema.ts';

/** What an admin may change on a built-in ticket; a key left out stays as it is. */
export interface TicketChange {
  readonly status?: string;
  /** An agent's email or id; null takes the assignee away. */
  readonly assignee?: string | null;
}

/** One change in a ticket's history, as the admin API shows it. */
export interface TicketChangeView {
  readonly field: TicketChangesTable['field'];
  /** The status, or the assignee's email; null for none. */
  readonly from: string | null;
  readonly to: string | null;
  readonly at: string;
}

/** A change the helpdesk refuses: which field, and why, for a 400 that names it. */
export class TicketChangeRefused extends StoreError {
  readonly code: 'status_invalid' | 'assignee_invalid';
  readonly field: 'status' | 'assignee';

  constructor(field: 'status' | 'assignee', message: string) {
    super('invalid', message);
    this.name = 'TicketChangeRefused';
    this.field = field;
    this.code = field === 'status' ? 'status_invalid' : 'assignee_invalid';
  }
}

/**
 * Changes a built-in ticket's status or assignee and records each change with its time, all in
 * one transaction. `statuses` are the helpdesk's values; the assignee must be an active agent.
 * Setting what is already there records nothing. Answers the changes made.
 */
export async function changeTicket(db: Kysely<Database>, ticketId: string, change: TicketChange, statuses: readonly string[]): Promise<TicketChangeView[]> {
  if (change.status !== undefined && !statuses.includes(change.status)) {
    throw new TicketChangeRefused('status', `"${change.status}" is not a status of the helpdesk (${statuses.join(', ')})`);
  }
  return db.transaction().execute(async (trx) => {
    // A write first, so that a concurrent change waits here (PostgreSQL: the row lock; SQLite:
    // the write lock) and the values read next are the ones this change replaces.
    const touched = await trx
      .updateTable('tickets')
      .set((eb) => ({ status: eb.ref('status') }))
      .where('id', '=', ticketId)
      .executeTakeFirst();
    if (touched.numUpdatedRows === 0n) throw new StoreError('not_found', `there is no ticket ${ticketId}`);
    const current = await trx
      .selectFrom('tickets')
      .leftJoin('agents', 'agents.id', 'tickets.assignee_id')
      .select(['tickets.status', 'tickets.assignee_id', 'agents.email as assignee_email'])
      .where('tickets.id', '=', ticketId)
      .executeTakeFirstOrThrow();

    const at = nowIso();
    const made: TicketChangeView[] = [];
    if (change.status !== undefined && change.status !== current.status) {
      await trx.updateTable('tickets').set({ status: change.status }).where('id', '=', ticketId).execute();
      made.push({ field: 'status', from: current.status, to: change.status, at });
    }
    if (change.assignee !== undefined) {
      const agent = change.assignee === null ? null : await findAgent(trx, change.assignee);
      if (change.assignee !== null && !agent) throw new TicketChangeRefused('assignee', `no agent has the email or id "${change.assignee}"`);
      if (agent && agent.active !== 1) throw new TicketChangeRefused('assignee', `the agent ${agent.email} is inactive`);
      const to = agent?.id ?? null;
      if (to !== current.assignee_id) {
        await trx.updateTable('tickets').set({ assignee_id: to }).where('id', '=', ticketId).execute();
        made.push({ field: 'assignee', from: current.assignee_email, to: agent?.email ?? null, at });
      }
    }
    if (made.length > 0) {
      await trx
        .insertInto('ticket_changes')
        .values(made.map((m) => ({ id: newId(), ticket_id: ticketId, field: m.field, from_value: m.from, to_value: m.to, changed_at: m.at })))
        .execute();
    }
    return made;
  });
}

/** A ticket's changes, oldest first. */
export async function ticketChanges(db: Kysely<Database>, ticketId: string): Promise<TicketChangeView[]> {
  const rows = await db.selectFrom('ticket_changes').selectAll().where('ticket_id', '=', ticketId).orderBy('changed_at').orderBy('id').execute();
  return rows.map((r) => ({ field: r.field, from: r.from_value, to: r.to_value, at: r.changed_at }));
}
