import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyHttpOptions,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { providersFor, type Providers } from '../connectors/registry.ts';
import { storedAccessTokenCache } from '../connectors/remote/stored-access-token-cache.ts';
import type { Clock } from '../connectors/remote/clock.ts';
import type { Runtime } from '../runtime/api.ts';
import type { RetentionWorker } from '../runtime/retention.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import { version } from './version.ts';
import { installAuditTrail } from './audit-trail.ts';
import { installCors } from './cors.ts';
import type { Mailer } from '../runtime/mailer.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { oauthCallbackRoutes } from './routes/admin-oauth.ts';
import { serverConfigFromEnv, type ServerConfig } from './config.ts';
import { installErrorHandlers } from './errors.ts';
import { createLogger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { retentionFromEnv } from './retention-config.ts';
import { healthRoutes } from './routes/health.ts';
import { imageRoutes } from './routes/images.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { visitorRoutes } from './routes/visitor.ts';
import { webRoutes } from './routes/web.ts';
import { DOCS_POLICY, installSecurityHeaders, policyText } from './security-headers.ts';
import { SERVER_TIMEOUTS, type ServerTimeouts } from './timeouts.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface BuildServerOptions {
  readonly store: Store;
  readonly runtime: Runtime;
  /** Where the configuration comes from (RENKEI_*); default process.env. */
  readonly env?: Env;
  /** sha-256 (hex) of the admin token (see resolveAdminToken). */
  readonly adminTokenHash: string;
  /** Default: a logger at RENKEI_LOG_LEVEL writing to stdout. */
  readonly logger?: Logger;
  /** Default: serverConfigFromEnv(env). */
  readonly config?: ServerConfig;
  /**
   * The box that seals integration secrets, made on first use; default: the store's box
   * (RENKEI_SECRET_KEY, else the key file beside the database). Share it with the connectors.
   */
  readonly secretBox?: () => SecretBox;
  /**
   * The providers the admin API checks integrations, lists their values and previews real calls
   * with. Pass the connectors' own, so every call of the installation shares one access token per
   * credential (`providersFor(store, { tokens: storedAccessTokenCache(…) })`). Default: providers
   * over the database's shared tokens, with the configured call timeouts.
   */
  readonly providers?: Providers;
  /**
   * Default: new series for this server. Pass the one whose `observeAttempt` is the runtime's
   * `onAttempt`, so integration calls are counted too.
   */
  readonly metrics?: Metrics;
  /** Comment lines on idle event streams this often (default 15 s). */
  readonly heartbeatMs?: number;
  /**
   * What the default providers measure deadlines and wait between retries by (default: the
   * system's clock). Tests pass one that moves only when waited on, so a service that cannot be
   * reached gives up at once instead of after its real backoff.
   */
  readonly clock?: Clock;
  /** Default SERVER_TIMEOUTS (tests shorten them). */
  readonly timeouts?: Partial<ServerTimeouts>;
  /** This process's retention worker, woken when the admin changes a period (none: the change waits for another process's run). */
  readonly retention?: RetentionWorker;
  /** SMTP (RENKEI_SMTP_URL): invitations are e-mailed; none: their links are shown to copy. */
  readonly mailer?: Mailer;
}

export const API_PREFIX = '/api/v1';
export const ADMIN_PREFIX = `${API_PREFIX}/admin`;
/** Largest request body outside the visitor API (bot uploads). */
export const BODY_LIMIT = 1024 * 1024;

/** One line per request when it completes, instead of Fastify's two (incoming, completed). */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // Below info (RENKEI_LOG_LEVEL=warn) a completed request writes nothing: build nothing either.
    if (!error && (reply.log as Partial<Pick<Logger, 'isLevelEnabled'>>).isLevelEnabled?.('info') === false) return;
    const line = { req: request, res: reply, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.error({ ...line, err: error }, 'request failed');
    else reply.log.info(line, 'request completed');
  }
}

/** RENKEI_TRUST_PROXY as Fastify takes it (a hop count as a function: its types have no number). */
function trustProxyOption(trust: ServerConfig['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return typeof trust === 'boolean' ? trust : [...trust];
}

/** The visitor API's paths: the only ones a page on another origin may call. */
function isVisitorPath(url: string): boolean {
  return url.startsWith(`${API_PREFIX}/bots/`) || url.startsWith(`${API_PREFIX}/conversations/`);
}

/**
 * The HTTP server, ready to `listen` (or `inject` in tests): the visitor API, the admin API,
 * OpenAPI and its docs page, health and metrics. It owns no resources: closing it leaves the
 * store and the runtime to their owner.
 */
export function buildServer(options: BuildServerOptions): FastifyInstance {
  const env = options.env ?? process.env;
  const config = options.config ?? serverConfigFromEnv(env);
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const { store, runtime } = options;
  const retentionFromEnvironment = retentionFromEnv(env);
  // RENKEI_PUBLIC_URL, an origin checked by the config; unset: the request's own.
  const publicUrl = config.publicUrl ?? undefined;
  const timeouts = { ...SERVER_TIMEOUTS, ...options.timeouts };

  const serverOptions: FastifyHttpOptions<Server> = {
    // pino's Logger is a FastifyBaseLogger; saying so keeps the instance's type the default one.
    loggerInstance: logger as FastifyBaseLogger,
    logController: new RequestLog(),
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    trustProxy: trustProxyOption(config.trustProxy),
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkEveryMs },
  };
  const base = Fastify(serverOptions);
  installErrorHandlers(base);
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // A callback hook, not an async one: this runs on every request, and a promise per request shows in profiles.
  app.addHook('onRequest', (request, reply, done) => {
    reply.raw.setHeader('x-request-id', request.id);
    done();
  });

  installSecurityHeaders(app);
  installAuditTrail(app, store);

  // Closing ends the open event streams, which would otherwise hold the server open.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());

  let box: SecretBox | undefined;
  const secretBox = options.secretBox ?? ((): SecretBox => (box ??= SecretBox.forDatabase(store.path, env)));
  const metrics = options.metrics ?? createMetrics(store.db);
  const providers =
    options.providers ??
    providersFor(store, {
      tokens: storedAccessTokenCache(store, secretBox),
      callTimeoutsMs: config.callTimeoutsMs,
      ...(options.clock ? { clock: options.clock } : {}),
    });

  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Renkei',
        version,
        description: 'The visitor API (what the chat widget calls) and the admin API (bots, integrations, built-in records, conversations).',
      },
      tags: [
        { name: 'visitor', description: 'Conversations with published bots; a conversation token opens one conversation.' },
        { name: 'admin', description: 'Same-origin only; Authorization: Bearer <admin token>, or a signed-in admin (writes carry Origin).' },
        { name: 'auth', description: 'Team accounts: sign in and out with a session cookie (HttpOnly, SameSite=Lax).' },
        { name: 'inbox', description: 'Conversations handed to a person; a signed-in account; writes carry Origin (CSRF).' },
        { name: 'operations', description: 'Health, readiness and metrics.' },
      ],
      components: {
        securitySchemes: {
          conversationToken: { type: 'http', scheme: 'bearer', description: 'The token returned when the conversation started.' },
          adminToken: { type: 'http', scheme: 'bearer', description: 'RENKEI_ADMIN_TOKEN, or the token printed on first start.' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  app.register(swaggerUi, { routePrefix: '/docs', staticCSP: policyText(DOCS_POLICY), uiConfig: { validatorUrl: null } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  installCors(app, { allowedOrigins: config.allowedOrigins, isCrossOriginPath: isVisitorPath });

  app.register(visitorRoutes, {
    prefix: API_PREFIX,
    runtime,
    metrics,
    rateLimitPerMinute: config.rateLimitPerMinute,
    streamLimits: config.streams,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    closing: closing.signal,
  });
  app.register(imageRoutes, { prefix: API_PREFIX, store });
  app.register(adminRoutes, {
    prefix: ADMIN_PREFIX,
    store,
    adminTokenHash: options.adminTokenHash,
    secretBox,
    providers,
    customServiceUrls: config.customServiceUrls,
    webhookAllowPrivate: config.webhookAllowPrivate,
    publicUrl: config.publicUrl,
    retention: { fromEnvironment: retentionFromEnvironment, ...(options.retention ? { worker: options.retention } : {}) },
    mailer: options.mailer,
  });
  app.register(authRoutes, { prefix: `${API_PREFIX}/auth`, store, publicUrl });
  app.register(inboxRoutes, { prefix: `${API_PREFIX}/inbox`, store, runtime, publicUrl, heartbeatMs: options.heartbeatMs ?? 15_000, closing: closing.signal });
  // Outside the admin token: the service sends the admin's browser here, with the state as proof.
  app.register(oauthCallbackRoutes, {
    prefix: ADMIN_PREFIX,
    store,
    secretBox,
    customServiceUrls: config.customServiceUrls,
    publicUrl: config.publicUrl,
  });
  app.register(healthRoutes, { store, closing: closing.signal });
  app.register(metricsRoutes, { metrics, token: config.metricsToken });
  app.register(webRoutes, { store, allowedOrigins: config.allowedOrigins });
  return base;
}
