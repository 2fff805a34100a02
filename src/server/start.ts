import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { createConnectors, providersFor } from '../connectors/registry.ts';
import { storedAccessTokenCache } from '../connectors/remote/stored-access-token-cache.ts';
import { createWebhookConnector } from '../connectors/webhook/webhook.ts';
import { mailerFromEnv } from '../runtime/mailer.ts';
import { createRuntime, type DurableRuntime } from '../runtime/index.ts';
import { RetentionWorker } from '../runtime/retention.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { listBots, publishFile, type BotSummary } from '../store/bots.ts';
import { policyOf, readRetention } from '../store/retention.ts';
import { openStore, type Store } from '../store/store.ts';
import { resolveAdminToken, type AdminToken } from './admin-token.ts';
import { buildServer } from './app.ts';
import { serverConfigFromEnv, type ServerConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { retentionFromEnv } from './retention-config.ts';
import { retentionMetrics } from './retention-metrics.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The example bots published into an empty database. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples', import.meta.url));

export interface StartOptions {
  /** SQLite file or postgres:// URL. */
  readonly target: string;
  readonly port: number;
  readonly host: string;
  readonly env: Env;
  /** Where log lines go (default: stdout). */
  readonly logDestination?: DestinationStream;
  /** Integration calls run at once by this process (default: the runtime's). */
  readonly workers?: number;
  /** Default EXAMPLES_DIR; null publishes nothing. */
  readonly examplesDir?: string | null;
}

export interface RunningServer {
  /** `http://host:port`, the port as bound (a requested 0 becomes a real one). */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly runtime: DurableRuntime;
  readonly config: ServerConfig;
  readonly adminToken: AdminToken;
  /** Example bots this start published (an empty database only). */
  readonly publishedExamples: readonly string[];
  /** Every bot with a published version. */
  readonly bots: readonly BotSummary[];
  /**
   * Graceful stop: new turns get 503, event streams end, the runtime finishes or releases its
   * claimed calls, then the store closes.
   */
  stop(): Promise<void>;
}

async function publishExamples(store: Store, dir: string): Promise<string[]> {
  if ((await listBots(store.db)).length > 0) return [];
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const published: string[] = [];
  for (const file of files) published.push((await publishFile(store.db, join(dir, file))).botId);
  return published;
}

function urlOf(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * Everything `renkei serve` runs: the store (migrated), the example bots on first start, the
 * admin token, the durable runtime with its workers, and the HTTP server listening.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { env, target } = options;
  const config = serverConfigFromEnv(env);
  const fixedRetention = retentionFromEnv(env);
  const store = await openStore(target, { poolSize: config.dbPoolSize, checkpointInBackground: true });
  let runtime: DurableRuntime | undefined;
  let retention: RetentionWorker | undefined;
  let app: FastifyInstance | undefined;
  try {
    const examples = options.examplesDir === undefined ? EXAMPLES_DIR : options.examplesDir;
    const publishedExamples = examples === null ? [] : await publishExamples(store, examples);
    const adminToken = await resolveAdminToken(store.db, env);
    const logger = createLogger({
      level: config.logLevel,
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });
    const metrics = createMetrics(store.db);
    // One box for sealing (admin API) and opening (connectors), made when first needed.
    let box: SecretBox | undefined;
    const secretBox = (): SecretBox => (box ??= SecretBox.forDatabase(target, env));
    // Every process of the installation shares its OAuth access tokens through the database.
    // The admin API's checks and previews use the same providers: no refresh of their own.
    const providers = providersFor(store, { tokens: storedAccessTokenCache(store, secretBox), callTimeoutsMs: config.callTimeoutsMs });
    const connectors = createConnectors(store, {
      providers,
      decrypt: (blob) => secretBox().open(blob),
      webhook: createWebhookConnector({ allowPrivate: config.webhookAllowPrivate }),
    });
    const mailer = mailerFromEnv(env);
    const publicUrl = config.publicUrl ?? undefined;
    runtime = createRuntime({
      store,
      connectors,
      turnWaitMs: config.turnWaitMs,
      log: logger,
      onAttempt: metrics.observeAttempt,
      notifications: { secretBox, mailer, publicUrl },
    });
    runtime.startWorkers(options.workers);
    const retentionSeries = retentionMetrics(metrics.registry);
    retention = new RetentionWorker({
      store,
      policy: async () => policyOf(await readRetention(store.db, fixedRetention)),
      log: logger,
      onPurged: retentionSeries.purged,
      onClosed: retentionSeries.closed,
    });
    retention.start();
    app = buildServer({
      store,
      runtime,
      env,
      adminTokenHash: adminToken.hash,
      logger,
      config,
      metrics,
      secretBox,
      providers,
      retention,
      ...(mailer ? { mailer } : {}),
    });
    await app.listen({ port: options.port, host: options.host });
    const url = urlOf(app);
    logger.info({ url, workerId: runtime.workerId }, 'renkei is listening');
    const bots = (await listBots(store.db)).filter((b) => b.publishedVersion !== null);

    const running = { app, runtime, retention };
    let stopping: Promise<void> | undefined;
    return {
      url,
      app,
      store,
      runtime,
      config,
      adminToken,
      publishedExamples,
      bots,
      stop: () =>
        (stopping ??= (async () => {
          const closed = running.app.close();
          await running.retention.stop();
          await running.runtime.stop();
          await closed;
          await store.close();
          logger.info('renkei stopped');
          logger.flush();
        })()),
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await retention?.stop().catch(() => undefined);
    await runtime?.stop({ graceMs: 0 }).catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}
