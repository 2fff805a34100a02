import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../metrics.ts';

/** Prometheus' text exposition of the server's series. */
export const metricsRoutes: FastifyPluginAsync<{ readonly metrics: Metrics }> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    { logLevel: 'warn', schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' } },
    async (_request, reply) => {
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    },
  );
};
