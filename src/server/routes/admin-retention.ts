import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RetentionWorker } from '../../runtime/retention.ts';
import { recordAudit } from '../../store/audit.ts';
import {
  MAX_DAYS,
  readRetention,
  RETENTION_KINDS,
  RETENTION_SOURCES,
  saveRetention,
  type RetentionKind,
  type RetentionPolicy,
  type RetentionSettings,
} from '../../store/retention.ts';
import type { Store } from '../../store/store.ts';
import { auditContext } from '../audit-trail.ts';
import { ApiError } from '../errors.ts';
import { RETENTION_ENV } from '../retention-config.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

export interface AdminRetentionOptions {
  readonly store: Store;
  /** The periods the environment fixes (see retention-config.ts): shown, never changed here. */
  readonly fromEnvironment: Partial<RetentionPolicy>;
  /** This process's worker, woken when a period changes; none in a server without workers. */
  readonly worker?: RetentionWorker;
}

const days = z
  .union([z.number().int().min(1).max(MAX_DAYS), z.literal('keep')])
  .describe(`Whole days from 1 to ${MAX_DAYS}, or "keep" (never delete, never close).`);

const setting = z.object({
  days: z.number().int().nullable().describe('null: kept for ever.'),
  source: z.enum(RETENTION_SOURCES).describe('`environment`: fixed by its variable, which the admin cannot change.'),
  variable: z.string().describe('The environment variable that would fix it.'),
});

const retentionView = z
  .object({
    conversations: setting.describe('Finished conversations with their transcripts, integration calls and attempt logs: days after their last activity.'),
    records: setting.describe("The built-in store's leads, contacts, deals, tickets and subscribers: days after they were created."),
    idle: setting.describe('A conversation waiting this many days for its visitor is closed (then `conversations` applies to it).'),
    lastRun: z
      .object({
        startedAt: z.string(),
        finishedAt: z.string(),
        closed: z.number().int(),
        purged: z.record(z.string(), z.number().int()),
        error: z.string().nullable(),
      })
      .nullable()
      .describe("This process's last retention run, if it ran since it started."),
  })
  .meta({ id: 'Retention' });

const changes = z
  .object({ conversations: days.optional(), records: days.optional(), idle: days.optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of conversations, records, idle');

/** Retention: how long conversations and built-in records are kept, read and changed by the admin. */
export const adminRetentionRoutes: FastifyPluginAsyncZod<AdminRetentionOptions> = async (app, { store, fromEnvironment, worker }) => {
  const view = (settings: RetentionSettings) => {
    const run = worker?.lastRun;
    return {
      ...(Object.fromEntries(RETENTION_KINDS.map((k) => [k, { ...settings[k], variable: RETENTION_ENV[k] }])) as Record<
        RetentionKind,
        z.infer<typeof setting>
      >),
      lastRun: run ? { startedAt: run.startedAt, finishedAt: run.finishedAt, closed: run.closed, purged: { ...run.purged }, error: run.error } : null,
    };
  };

  app.get(
    '/retention',
    { schema: { ...ADMIN, summary: 'How long conversations and built-in records are kept', response: { 200: retentionView, ...adminErrors } } },
    async () => view(await readRetention(store.db, fromEnvironment)),
  );

  app.put(
    '/retention',
    {
      schema: {
        ...ADMIN,
        summary: 'Change how long conversations and built-in records are kept',
        description:
          'Only the periods given change. A period fixed by its environment variable is refused (409). The worker applies a shorter ' +
          'period at once, in small batches. Recorded in the audit log.',
        body: changes,
        response: { 200: retentionView, ...adminErrors },
      },
    },
    async (request) => {
      const wanted: Partial<Record<RetentionKind, number | null>> = {};
      for (const kind of RETENTION_KINDS) {
        const value = request.body[kind];
        if (value === undefined) continue;
        if (fromEnvironment[kind] !== undefined) {
          throw new ApiError(409, 'set_by_environment', `the ${kind} period is fixed by ${RETENTION_ENV[kind]}; change it there`, kind);
        }
        wanted[kind] = value === 'keep' ? null : value;
      }
      const before = await readRetention(store.db, fromEnvironment);
      const changed = RETENTION_KINDS.filter((k) => wanted[k] !== undefined && wanted[k] !== before[k].days);
      if (changed.length > 0) {
        await store.transact(async (trx) => {
          await saveRetention(trx, wanted);
          await recordAudit(trx, {
            ...auditContext(request),
            action: 'retention.change',
            target: 'retention',
            details: Object.fromEntries(changed.map((k) => [k, { from: before[k].days, to: wanted[k] }])),
          });
        });
        worker?.wake();
      }
      return view(await readRetention(store.db, fromEnvironment));
    },
  );
};
