import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Providers } from '../../connectors/registry.ts';
import type { RetentionWorker } from '../../runtime/retention.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { RetentionPolicy } from '../../store/retention.ts';
import type { Store } from '../../store/store.ts';
import { tokenOpens } from '../../runtime/tokens.ts';
import { ADMIN_AUTH_FAILURES, AuthFailures } from '../auth-failures.ts';
import { bearerToken, unauthorized } from '../auth.ts';
import { adminAnalyticsRoutes } from './admin-analytics.ts';
import { adminAuditRoutes } from './admin-audit.ts';
import { adminBotsRoutes } from './admin-bots.ts';
import { adminConversationsRoutes } from './admin-conversations.ts';
import { adminImagesRoutes } from './admin-images.ts';
import { adminIntegrationsRoutes } from './admin-integrations.ts';
import { adminOAuthRoutes } from './admin-oauth.ts';
import { adminOptionsRoutes } from './admin-options.ts';
import { adminPersonalDataRoutes } from './admin-personal-data.ts';
import { adminPreviewRoutes } from './admin-preview.ts';
import { adminProvidersRoutes } from './admin-providers.ts';
import { adminRecordRoutes } from './admin-record.ts';
import { adminRecordsRoutes } from './admin-records.ts';
import { adminRetentionRoutes } from './admin-retention.ts';

export interface AdminRoutesOptions {
  readonly store: Store;
  readonly adminTokenHash: string;
  /** The secret box that seals integration credentials (made on first use). */
  readonly secretBox: () => SecretBox;
  /** The providers the checks, the builder's values and the preview's real calls use: the connectors' own (their tokens, their timeouts). */
  readonly providers: Providers;
  /** RENKEI_CUSTOM_SERVICE_URLS: integrations may point at any host, not only the service's own. */
  readonly customServiceUrls: boolean;
  /** RENKEI_PUBLIC_URL, for OAuth redirect URIs. */
  readonly publicUrl: string | null;
  /** The retention periods the environment fixes, and this process's retention worker (if it runs one). */
  readonly retention: { readonly fromEnvironment: Partial<RetentionPolicy>; readonly worker?: RetentionWorker };
}

/**
 * The admin API: every route behind `Authorization: Bearer <admin token>`. It is same-origin
 * only — the CORS plugin adds no header to these paths, so no other site's page can read them.
 */
export const adminRoutes: FastifyPluginAsyncZod<AdminRoutesOptions> = async (app, opts) => {
  const failures = new AuthFailures(ADMIN_AUTH_FAILURES);
  app.addHook('onRequest', async (request, reply) => {
    const token = bearerToken(request);
    if (token === undefined) {
      reply.header('www-authenticate', 'Bearer realm="renkei-admin"');
      throw unauthorized('the admin API needs Authorization: Bearer <admin token>');
    }
    const wait = failures.refusedFor(request.ip);
    if (wait !== null) {
      reply.header('retry-after', String(wait));
      throw failures.refusal(wait);
    }
    if (!tokenOpens(opts.adminTokenHash, token)) {
      failures.failed(request.ip);
      reply.header('www-authenticate', 'Bearer realm="renkei-admin"');
      throw unauthorized('wrong admin token');
    }
    failures.succeeded(request.ip);
  });
  await app.register(adminBotsRoutes, { store: opts.store, secretBox: opts.secretBox, providers: opts.providers });
  await app.register(adminIntegrationsRoutes, {
    store: opts.store,
    secretBox: opts.secretBox,
    providers: opts.providers,
    customServiceUrls: opts.customServiceUrls,
  });
  await app.register(adminOAuthRoutes, { store: opts.store, secretBox: opts.secretBox, customServiceUrls: opts.customServiceUrls, publicUrl: opts.publicUrl });
  await app.register(adminRecordsRoutes, { store: opts.store });
  await app.register(adminRecordRoutes, { store: opts.store });
  await app.register(adminConversationsRoutes, { store: opts.store });
  await app.register(adminPreviewRoutes, { store: opts.store, secretBox: opts.secretBox, providers: opts.providers });
  await app.register(adminProvidersRoutes);
  await app.register(adminOptionsRoutes, { store: opts.store, secretBox: opts.secretBox, providers: opts.providers });
  await app.register(adminAnalyticsRoutes, { store: opts.store });
  await app.register(adminImagesRoutes, { store: opts.store });
  await app.register(adminPersonalDataRoutes, { store: opts.store });
  await app.register(adminAuditRoutes, { store: opts.store });
  await app.register(adminRetentionRoutes, { store: opts.store, ...opts.retention });
};
