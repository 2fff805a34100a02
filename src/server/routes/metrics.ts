import type { FastifyPluginAsync } from 'fastify';
import { tokenOpens, hashToken } from '../../runtime/tokens.ts';
import { bearerToken, unauthorized } from '../auth.ts';
import type { Metrics } from '../metrics.ts';

export interface MetricsRoutesOptions {
  readonly metrics: Metrics;
  /** RENKEI_METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <it>`. */
  readonly token: string | null;
}

/** Prometheus' text exposition of the server's series. */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { metrics, token }) => {
  const hash = token === null ? null : hashToken(token);
  app.get(
    '/metrics',
    {
      logLevel: 'warn',
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        description: 'With RENKEI_METRICS_TOKEN set, only to `Authorization: Bearer <RENKEI_METRICS_TOKEN>`.',
      },
    },
    async (request, reply) => {
      if (hash !== null) {
        const given = bearerToken(request);
        if (given === undefined || !tokenOpens(hash, given)) {
          reply.header('www-authenticate', 'Bearer realm="renkei-metrics"');
          throw unauthorized(given === undefined ? 'the metrics need Authorization: Bearer <RENKEI_METRICS_TOKEN>' : 'wrong metrics token');
        }
      }
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    },
  );
};
