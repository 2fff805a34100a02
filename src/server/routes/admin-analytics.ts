import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BOT_ID } from '../../flow/bot-schema.ts';
import { botAnalytics } from '../../runtime/analytics.ts';
import type { Store } from '../../store/store.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';
import { botAnalytics as botAnalyticsSchema } from '../schemas/analytics.ts';

/** Per block and port, how many conversations took it (counted by the runtime, see runtime/analytics.ts). */
export const adminAnalyticsRoutes: FastifyPluginAsyncZod<{ readonly store: Store }> = async (app, { store }) => {
  app.get(
    '/bots/:id/analytics',
    {
      schema: {
        ...ADMIN,
        summary: 'How many conversations took each outcome port of each integration block',
        params: z.object({ id: z.string().regex(BOT_ID).max(100) }),
        response: { 200: botAnalyticsSchema, ...adminErrors },
      },
    },
    async (request) => {
      const stats = await botAnalytics(store, request.params.id);
      if (!stats) throw new ApiError(404, 'bot_not_found', `there is no bot "${request.params.id}"`);
      return stats;
    },
  );
};
