import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Providers } from '../../connectors/registry.ts';
import type { RetentionWorker } from '../../runtime/retention.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { RetentionPolicy } from '../../store/retention.ts';
import type { Store } from '../../store/store.ts';
import { adminAccess } from '../admin-access.ts';
import { ADMIN_AUTH_FAILURES, AuthFailures } from '../auth-failures.ts';
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
import { adminTeamRoutes } from './admin-team.ts';
import { adminUsersRoutes } from './admin-users.ts';
import type { Mailer } from '../../runtime/mailer.ts';

export interface AdminRoutesOptions {
  readonly store: Store;
  readonly adminTokenHash: string;
  /** The secret box that seals integration credentials (made on first use). */
  readonly secretBox: () => SecretBox;
  /** The providers the checks, the builder's values and the preview's real calls use: the connectors' own (their tokens, their timeouts). */
  readonly providers: Providers;
  /** RENKEI_CUSTOM_SERVICE_URLS: integrations may point at any host, not only the service's own. */
  readonly customServiceUrls: boolean;
  /** RENKEI_WEBHOOK_ALLOW_PRIVATE: the preview's real webhook blocks may call private addresses. */
  readonly webhookAllowPrivate: boolean;
  /** RENKEI_PUBLIC_URL: OAuth redirect URIs, invitation links, and the origin cookie-authenticated writes must come from (null: the request's own). */
  readonly publicUrl: string | null;
  /** The retention periods the environment fixes, and this process's retention worker (if it runs one). */
  readonly retention: { readonly fromEnvironment: Partial<RetentionPolicy>; readonly worker?: RetentionWorker };
  /** Tells the invited by e-mail when SMTP is configured. */
  readonly mailer: Mailer | undefined;
}

/**
 * The admin API: every route behind `Authorization: Bearer <admin token>` or a signed-in admin's session. It is same-origin
 * only — the CORS plugin adds no header to these paths, so no other site's page can read them.
 */
export const adminRoutes: FastifyPluginAsyncZod<AdminRoutesOptions> = async (app, opts) => {
  app.addHook('onRequest', adminAccess(opts.store.db, opts.adminTokenHash, opts.publicUrl ?? undefined, new AuthFailures(ADMIN_AUTH_FAILURES)));
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
  await app.register(adminPreviewRoutes, {
    store: opts.store,
    secretBox: opts.secretBox,
    providers: opts.providers,
    webhookAllowPrivate: opts.webhookAllowPrivate,
  });
  await app.register(adminProvidersRoutes);
  await app.register(adminOptionsRoutes, { store: opts.store, secretBox: opts.secretBox, providers: opts.providers });
  await app.register(adminAnalyticsRoutes, { store: opts.store });
  await app.register(adminImagesRoutes, { store: opts.store });
  await app.register(adminPersonalDataRoutes, { store: opts.store });
  await app.register(adminAuditRoutes, { store: opts.store });
  await app.register(adminRetentionRoutes, { store: opts.store, ...opts.retention });
  await app.register(adminUsersRoutes, { store: opts.store, publicUrl: opts.publicUrl ?? undefined, mailer: opts.mailer });
  await app.register(adminTeamRoutes, { store: opts.store, secretBox: opts.secretBox });
};
