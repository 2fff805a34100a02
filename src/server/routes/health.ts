import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { z } from 'zod';
import { MIGRATIONS } from '../../store/migrations/index.ts';
import { reasonOf } from '../../store/errors.ts';
import type { Store } from '../../store/store.ts';

export interface HealthRoutesOptions {
  readonly store: Store;
  readonly closing: AbortSignal;
}

const health = z.object({ status: z.enum(['ok', 'unavailable']), reason: z.string().optional() });

/** What is wrong with the database, or undefined when it answers and its schema is current. */
async function databaseProblem(store: Store): Promise<string | undefined> {
  try {
    await sql`select 1`.execute(store.db);
    const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
    const pending = (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
    return pending.length === 0 ? undefined : `migrations not applied: ${pending.join(', ')} (run renkei migrate)`;
  } catch (error) {
    return `database unreachable: ${reasonOf(error)}`;
  }
}

/** Liveness and readiness, for load balancers and orchestrators. */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { store, closing }) => {
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      schema: { tags: ['operations'], summary: 'The process is up', response: { 200: health } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        tags: ['operations'],
        summary: 'Ready for traffic: the database answers and its migrations are applied',
        response: { 200: health, 503: health },
      },
    },
    async (_request, reply) => {
      const reason = closing.aborted ? 'shutting down' : await databaseProblem(store);
      return reason === undefined ? { status: 'ok' as const } : reply.code(503).send({ status: 'unavailable', reason });
    },
  );
};
