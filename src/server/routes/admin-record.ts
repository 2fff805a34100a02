import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TICKET_VALUES } from '../../connectors/builtin/values.ts';
import { listAgents } from '../../store/directory.ts';
import { StoreError } from '../../store/errors.ts';
import { recordOrigin } from '../../store/record-origin.ts';
import { dealRecord, personRecord, RECORD_KINDS, subscriberRecord, ticketRecord, type RecordKind } from '../../store/record-schemas.ts';
import { listRecords } from '../../store/records.ts';
import type { Store } from '../../store/store.ts';
import { changeTicket, TicketChangeRefused, ticketChanges } from '../../store/ticket-changes.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

const STATUSES = TICKET_VALUES.status.map((s) => s.value);

const origin = z
  .object({
    effectId: z.string().nullable().describe('The integration call that created the record; null when it was created otherwise.'),
    preview: z.boolean().describe("Created by the builder's preview (its conversations are not kept)."),
    conversation: z
      .object({ id: z.string(), botId: z.string(), botVersion: z.number().int(), startedAt: z.string() })
      .nullable()
      .describe('The conversation that created it; null for a preview, a `renkei chat` session, or a conversation deleted since.'),
  })
  .meta({ id: 'RecordOrigin' });

const change = z
  .object({
    field: z.enum(['status', 'assignee']),
    from: z.string().nullable(),
    to: z.string().nullable().describe("The new status, or the new assignee's email; null for none."),
    at: z.string(),
  })
  .meta({ id: 'TicketChange' });

const detail = z
  .object({
    kind: z.enum(RECORD_KINDS),
    record: z.union([personRecord, dealRecord, ticketRecord, subscriberRecord]),
    origin,
    changes: z.array(change).describe('Tickets: each change of status or assignee made here, oldest first; empty for other kinds.'),
  })
  .meta({ id: 'RecordDetail' });

const ticketChangeBody = z
  .object({
    status: z
      .enum(STATUSES)
      .optional()
      .describe(`One of the helpdesk's statuses: ${STATUSES.join(', ')}.`),
    assignee: z.string().trim().min(1).max(320).nullable().optional().describe("An active agent's email or id; null takes the assignee away."),
  })
  .strict()
  .refine((b) => b.status !== undefined || b.assignee !== undefined, { message: 'give status, assignee or both' });

const id = z.string().min(1).max(100);

const serviceValue = z.object({ value: z.string(), label: z.string() });
const ticketValues = z.object({ status: z.array(serviceValue), assignee: z.array(serviceValue) }).meta({ id: 'TicketValues' });

/** One record of the built-in store with where it came from; and a ticket's status and assignee changed. */
export const adminRecordRoutes: FastifyPluginAsyncZod<{ readonly store: Store }> = async (app, { store }) => {
  const { db } = store;

  async function detailOf(kind: RecordKind, recordId: string): Promise<z.infer<typeof detail>> {
    const [record] = await listRecords(db, kind, { id: recordId, limit: 1 });
    const from = record && (await recordOrigin(db, kind, recordId));
    if (!record || !from) throw new ApiError(404, 'record_not_found', `there is no record ${recordId} among the ${kind}`);
    return { kind, record, origin: from, changes: kind === 'tickets' ? await ticketChanges(db, recordId) : [] };
  }

  app.get(
    '/records/ticket-values',
    {
      schema: {
        ...ADMIN,
        summary: 'What a built-in ticket may be changed to: the statuses, and the active agents',
        response: { 200: ticketValues, ...adminErrors },
      },
    },
    async () => ({
      status: TICKET_VALUES.status,
      assignee: (await listAgents(db)).filter((a) => a.active).map((a) => ({ value: a.email, label: `${a.name} <${a.email}>` })),
    }),
  );

  app.get(
    '/records/:kind/:id',
    {
      schema: {
        ...ADMIN,
        summary: 'One record of the built-in store, with the conversation that created it',
        params: z.object({ kind: z.enum(RECORD_KINDS), id }),
        response: { 200: detail, ...adminErrors },
      },
    },
    async (request) => detailOf(request.params.kind, request.params.id),
  );

  app.patch(
    '/records/tickets/:id',
    {
      schema: {
        ...ADMIN,
        summary: "Change a built-in ticket's status or assignee",
        description: "Each change is kept in the ticket's history with its time. Setting what the ticket already has changes nothing.",
        params: z.object({ id }),
        body: ticketChangeBody,
        response: { 200: detail, ...adminErrors },
      },
    },
    async (request) => {
      const { status, assignee } = request.body;
      try {
        await changeTicket(db, request.params.id, { ...(status !== undefined ? { status } : {}), ...(assignee !== undefined ? { assignee } : {}) }, STATUSES);
      } catch (error) {
        if (error instanceof TicketChangeRefused) throw new ApiError(400, error.code, `body.${error.field}: ${error.message}`, error.field);
        if (error instanceof StoreError && error.kind === 'not_found') throw new ApiError(404, 'record_not_found', error.message);
        throw error;
      }
      return detailOf('tickets', request.params.id);
    },
  );
};
