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
        description: 'Newest first (tickets: highest number first). `search` matches names, emails, companies, subjects.',
        params: z.object({ kind: z.enum(RECORD_KINDS) }),
        querystring: pageQuery,
        response: { 200: page(anyRecord), ...adminErrors },
      },
    },
    async (request) => {
      const { kind } = request.params;
      const { limit, offset, search } = request.query;
      const [items, total] = await Promise.all([
        listRecords(db, kind, { limit, offset, ...(search ? { search } : {}) }),
        countRecords(db, kind, search ? { search } : {}),
      ]);
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
