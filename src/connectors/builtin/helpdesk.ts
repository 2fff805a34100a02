import type { Kysely } from 'kysely';
import { assigneeInvalid, departmentInvalid, failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { TicketRequest } from '../../vocabulary/requests.ts';
import type { CallContext, HelpdeskConnector } from '../../vocabulary/roles.ts';
import { findAgent, findDepartment } from '../../store/directory.ts';
import { newId, nowIso, optional } from '../../store/keys.ts';
import { TICKET_COUNTER, type Database, type DepartmentsTable } from '../../store/schema.ts';
import { effectKey } from './effect-key.ts';

/** A helpdesk's usual status for a new ticket when the block names none. */
const DEFAULT_STATUS = 'Open';

/** Thrown inside the ticket transaction to roll back the number it took. */
class EffectAlreadyDone extends Error {}

type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: Outcome };

/** The named department (name or id), or without a name the oldest enabled one. */
async function resolveDepartment(db: Kysely<Database>, wanted: string | null): Promise<Resolved<DepartmentsTable>> {
  if (wanted === null) {
    const first = await db.selectFrom('departments').selectAll().where('enabled', '=', 1).orderBy('created_at').orderBy('id').executeTakeFirst();
    return first ? { ok: true, value: first } : { ok: false, outcome: departmentInvalid('no department is given and none is enabled') };
  }
  const found = await findDepartment(db, wanted);
  if (!found) return { ok: false, outcome: departmentInvalid(`the department "${wanted}" does not exist`) };
  if (found.enabled !== 1) return { ok: false, outcome: departmentInvalid(`the department "${found.name}" is disabled`) };
  return { ok: true, value: found };
}

/** The named agent (id or email), or null when the block names none. */
async function resolveAssignee(db: Kysely<Database>, wanted: string | null): Promise<Resolved<string | null>> {
  if (wanted === null) return { ok: true, value: null };
  const agent = await findAgent(db, wanted);
  if (!agent) return { ok: false, outcome: assigneeInvalid(`no agent has the id or email "${wanted}"`) };
  if (agent.active !== 1) return { ok: false, outcome: assigneeInvalid(`the agent ${agent.email} is inactive`) };
  return { ok: true, value: agent.id };
}

async function ticketOfEffect(db: Kysely<Database>, effect: string): Promise<Outcome | undefined> {
  const row = await db.selectFrom('tickets').select(['id', 'number']).where('effect_id', '=', effect).executeTakeFirst();
  return row ? success({ id: row.id, number: String(row.number) }) : undefined;
}

async function createTicket(db: Kysely<Database>, req: TicketRequest, ctx: CallContext): Promise<Outcome> {
  const subject = optional(req.subject);
  if (subject === null) return failure('the ticket subject is empty');
  const effect = effectKey(ctx);
  if (effect !== null) {
    const done = await ticketOfEffect(db, effect);
    if (done) return done;
  }
  const department = await resolveDepartment(db, optional(req.department));
  if (!department.ok) return department.outcome;
  const assignee = await resolveAssignee(db, optional(req.assignee));
  if (!assignee.ok) return assignee.outcome;

  try {
    // The number is taken in the same transaction as the insert: concurrent tickets queue on the
    // counter row, and a failed insert rolls the number back, so numbers have no gap or repeat.
    const created = await db.transaction().execute(async (trx) => {
      const counter = await trx
        .updateTable('counters')
        .set((eb) => ({ value: eb('value', '+', 1) }))
        .where('name', '=', TICKET_COUNTER)
        .returning('value')
        .executeTakeFirst();
      if (!counter) throw new Error('the ticket number counter is missing from the database');
      const id = newId();
      const inserted = await trx
        .insertInto('tickets')
        .values({
          id,
          number: counter.value,
          subject,
          description: optional(req.description),
          status: optional(req.status) ?? DEFAULT_STATUS,
          priority: optional(req.priority),
          classification: optional(req.classification),
          department_id: department.value.id,
          assignee_id: assignee.value,
          contact_name: optional(req.contact.name),
          contact_email: optional(req.contact.email),
          contact_phone: optional(req.contact.phone),
          bot_id: optional(ctx.botId),
          effect_id: effect,
          created_at: nowIso(),
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) throw new EffectAlreadyDone();
      return { id, number: counter.value };
    });
    return success({ id: created.id, number: String(created.number) });
  } catch (error) {
    if (!(error instanceof EffectAlreadyDone) || effect === null) throw error;
    // A concurrent call of the same effect won the race: its ticket is this call's result.
    return (await ticketOfEffect(db, effect)) ?? failure('the ticket was refused by a concurrent change; try again', true);
  }
}

export function builtinHelpdesk(db: Kysely<Database>): HelpdeskConnector {
  return { createTicket: (req, ctx) => createTicket(db, req, ctx) };
}
