import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addAgent, addDepartment, addList, listAgents, listDepartments, listLists } from '../../store/directory.ts';
import { normalKey } from '../../store/keys.ts';
import {
  agentEntry,
  dealRecord,
  departmentEntry,
  mailingListEntry,
  personRecord,
  RECORD_KINDS,
  subscriberRecord,
  ticketRecord,
} from '../../store/record-schemas.ts';
import { countRecords, listRecords } from '../../store/records.ts';
import type { Store } from '../../store/store.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, adminErrors, page, pageQuery } from '../schemas/admin.ts';

const anyRecord = z.union([
  personRecord.meta({ id: 'PersonRecord' }),
  dealRecord.meta({ id: 'DealRecord' }),
  ticketRecord.meta({ id: 'TicketRecord' }),
  subscriberRecord.meta({ id: 'SubscriberRecord' }),
]);

const department = departmentEntry.meta({ id: 'Department' });
const agent = agentEntry.meta({ id: 'Agent' });
const mailingList = mailingListEntry.meta({ id: 'MailingList' });

const name = z.string().trim().min(1).max(200);

/**
 * A moment: an ISO 8601 date and time with its offset (`2026-12-06T15:00:00Z`,
 * `2026-12-07T00:00:00+09:00`), or a date alone, read in UTC.
 */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

const recordsQuery = pageQuery.extend({
  status: z.string().trim().min(1).max(100).optional().describe('Tickets only: those with this status (`Open` …).'),
  from: instant.optional().describe('Created at or after this moment; a date alone means its start (UTC).'),
  to: instant.optional().describe('Created before this moment; a date alone includes that whole day (UTC).'),
});

/** A query's `to`: a date alone is the day after it begins, so the day itself is included. */
const endOf = (to: string): string => (z.iso.date().safeParse(to).success ? new Date(Date.parse(to) + 86_400_000).toISOString() : to);

/**
 * The directory (departments, agents, lists) is small: it is read whole and paged here, with
 * the same `{items, total}` answer as the records.
 */
function pageOf<T>(rows: readonly T[], query: z.infer<typeof pageQuery>, text: (row: T) => string[]): { items: T[]; total: number } {
  const term = query.search === undefined ? '' : normalKey(query.search);
  const matching = term === '' ? rows : rows.filter((row) => text(row).some((t) => normalKey(t).includes(term)));
  return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length };
}

/** The built-in store's records, newest first, with paging and search; and its directory. */
export const adminRecordsRoutes: FastifyPluginAsyncZod<{ readonly store: Store }> = async (app, { store }) => {
  const { db } = store;

  app.get(
    '/records/:kind',
    {
      schema: {
        ...ADMIN,
        summary: 'Records of the built-in CRM, helpdesk and mailing lists',
        description:
          'Newest first (tickets: highest number first). `search` matches names, emails, companies, subjects; ' +
          '`status` (tickets), `from` and `to` narrow the list further; `total` counts every record that matches.',
        params: z.object({ kind: z.enum(RECORD_KINDS) }),
        querystring: recordsQuery,
        response: { 200: page(anyRecord), ...adminErrors },
      },
    },
    async (request) => {
      const { kind } = request.params;
      const { limit, offset, search, status, from, to } = request.query;
      if (status !== undefined && kind !== 'tickets')
        throw new ApiError(400, 'invalid_request', `querystring.status: only tickets have a status, not ${kind}`, 'status');
      const createdTo = to === undefined ? undefined : endOf(to);
      if (from !== undefined && createdTo !== undefined && Date.parse(from) >= Date.parse(createdTo)) {
        throw new ApiError(400, 'invalid_request', `querystring.to: ${to} is not after from (${from})`, 'to');
      }
      const filter = {
        ...(search ? { search } : {}),
        ...(status ? { status } : {}),
        ...(from ? { createdFrom: from } : {}),
        ...(createdTo ? { createdTo } : {}),
      };
      const [items, total] = await Promise.all([listRecords(db, kind, { limit, offset, ...filter }), countRecords(db, kind, filter)]);
      return { items, total };
    },
  );

  app.get(
    '/records/departments',
    { schema: { ...ADMIN, summary: 'Helpdesk departments', querystring: pageQuery, response: { 200: page(department), ...adminErrors } } },
    async (request) => pageOf(await listDepartments(db), request.query, (d) => [d.name]),
  );
  app.post(
    '/records/departments',
    {
      schema: {
        ...ADMIN,
        summary: 'Add a helpdesk department',
        body: z.object({ name, enabled: z.boolean().default(true) }).strict(),
        response: { 201: department, ...adminErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await addDepartment(db, request.body)),
  );

  app.get(
    '/records/agents',
    { schema: { ...ADMIN, summary: 'Helpdesk agents', querystring: pageQuery, response: { 200: page(agent), ...adminErrors } } },
    async (request) => pageOf(await listAgents(db), request.query, (a) => [a.name, a.email]),
  );
  app.post(
    '/records/agents',
    {
      schema: {
        ...ADMIN,
        summary: 'Add a helpdesk agent',
        body: z.object({ email: z.email().max(320), name, active: z.boolean().default(true) }).strict(),
        response: { 201: agent, ...adminErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await addAgent(db, request.body)),
  );

  app.get(
    '/records/lists',
    { schema: { ...ADMIN, summary: 'Mailing lists', querystring: pageQuery, response: { 200: page(mailingList), ...adminErrors } } },
    async (request) => pageOf(await listLists(db), request.query, (l) => [l.name]),
  );
  app.post(
    '/records/lists',
    {
      schema: {
        ...ADMIN,
        summary: 'Add a mailing list',
        body: z.object({ name }).strict(),
        response: { 201: mailingList, ...adminErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await addList(db, request.body)),
  );
};
