import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACTOR_KINDS, allAudit, AUDIT_ACTIONS, listAudit, recordAudit, type AuditFilter, type AuditRecord } from '../../store/audit.ts';
import type { Store } from '../../store/store.ts';
import { auditContext } from '../audit-trail.ts';
import { ADMIN, adminErrors, MAX_PAGE } from '../schemas/admin.ts';

/** A time bound: an ISO-8601 date (midnight UTC) or date and time. */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v).toISOString());

const filterQuery = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  actorKind: z.enum(ACTOR_KINDS).optional().describe('`token` (the admin token), `account`, `cli` or `system`.'),
  actor: z.string().trim().max(200).optional().describe("Text found in the actor's name or id, case-insensitively."),
  since: instant.optional().describe('Entries at or after this time (ISO-8601 date or date-time).'),
  until: instant.optional().describe('Entries before this time.'),
});

const auditEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ kind: z.enum(ACTOR_KINDS), id: z.string().nullable(), name: z.string().nullable() }),
    address: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' }) satisfies z.ZodType<AuditRecord>;

const CSV_COLUMNS = ['at', 'action', 'actor_kind', 'actor_id', 'actor_name', 'address', 'target', 'details'] as const;

/** Full-width forms a spreadsheet reads as the formula characters too; csv-stringify's escape_formulas knows only the ASCII ones. */
const FULL_WIDTH_FORMULA = /^[＝＋－＠]/u;

function csvRow(entry: AuditRecord): string[] {
  const cells = [
    entry.at,
    entry.action,
    entry.actor.kind,
    entry.actor.id ?? '',
    entry.actor.name ?? '',
    entry.address ?? '',
    entry.target ?? '',
    JSON.stringify(entry.details),
  ];
  return cells.map((cell) => (FULL_WIDTH_FORMULA.test(cell) ? `'${cell}` : cell));
}

/** The audit log: read, filter, export as CSV. It has no route that changes or deletes an entry. */
export const adminAuditRoutes: FastifyPluginAsyncZod<{ readonly store: Store }> = async (app, { store }) => {
  app.get(
    '/audit',
    {
      schema: {
        ...ADMIN,
        summary: 'The audit log, newest first',
        description:
          'Publish and rollback, integration changes, personal-data exports and erasures, retention changes, sign-ins: who (the admin ' +
          'token, an account, the CLI), when, what, from which address. `format=csv` answers every matching entry as CSV (cells that a ' +
          "spreadsheet would run as a formula start with `'`); the export itself is recorded.",
        querystring: filterQuery.extend({
          limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
          offset: z.coerce.number().int().min(0).default(0),
          format: z.enum(['json', 'csv']).default('json'),
        }),
        response: {
          200: {
            description: 'The entries (JSON), or all of them as CSV (`format=csv`)',
            content: {
              'application/json': { schema: z.object({ items: z.array(auditEntry), total: z.number().int() }) },
              'text/csv': { schema: z.string() },
            },
          },
          ...adminErrors,
        },
      },
    },
    async (request, reply) => {
      const { limit, offset, format, ...rest } = request.query;
      const filter: AuditFilter = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      if (format === 'json') return listAudit(store.db, { ...filter, limit, offset });

      await recordAudit(store.db, { ...auditContext(request), action: 'audit.export', target: 'audit', details: { filter } });
      const rows: string[][] = [];
      for await (const entry of allAudit(store.db, filter)) rows.push(csvRow(entry));
      const csv = stringify(rows, { header: true, columns: [...CSV_COLUMNS], escape_formulas: true });
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="renkei-audit-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );
};
