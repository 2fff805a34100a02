import { createConnectors, providersFor, type Providers } from '../connectors/registry.ts';
import { storedAccessTokenCache } from '../connectors/remote/stored-access-token-cache.ts';
import type { Clock } from '../connectors/remote/clock.ts';
import type { RoleConnectors, WebhookConnector } from '../vocabulary/roles.ts';
import { ConfigError, envSwitch } from '../server/config.ts';
import { CliError } from './errors.ts';
import { createWebhookConnector } from '../connectors/webhook/webhook.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { openStore, type Store } from '../store/store.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The secret box of a database, opened only when a secret is actually read. */
export const lazyDecrypt = (target: string, env: Env) => {
  let box: SecretBox | undefined;
  return (blob: string): Record<string, string> => (box ??= SecretBox.forDatabase(target, env)).open(blob);
};

/**
 * The providers a command calls services with: over the access tokens the server's processes
 * keep in the database, so a chat or a check does not spend a refresh of its own.
 */
export function sharedProviders(store: Store, target: string, env: Env, clock?: Clock): Providers {
  let box: SecretBox | undefined;
  return providersFor(store, { tokens: storedAccessTokenCache(store, () => (box ??= SecretBox.forDatabase(target, env))), ...(clock ? { clock } : {}) });
}

/**
 * The webhook connector, with RENKEI_WEBHOOK_ALLOW_PRIVATE read as the server reads it
 * (envSwitch); a value it does not know stops the command before it starts, naming the variable.
 */
export function webhookFromEnv(env: Env): WebhookConnector {
  try {
    return createWebhookConnector({ allowPrivate: envSwitch(env, 'RENKEI_WEBHOOK_ALLOW_PRIVATE') });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, 2);
    throw error;
  }
}

/**
 * Connectors for `renkei chat`, opening the database only when the first effect runs: a bot
 * without integrations never creates a database file.
 */
export function openConnectors(target: string, env: Env): { get(): Promise<RoleConnectors>; close(): Promise<void> } {
  let store: Promise<Store> | undefined;
  let connectors: RoleConnectors | undefined;
  // Read now: a bad value is said when the command starts, not at the first effect.
  const webhook = webhookFromEnv(env);
  return {
    async get() {
      if (connectors) return connectors;
      store ??= openStore(target);
      const opened = await store;
      connectors = createConnectors(opened, {
        providers: sharedProviders(opened, target, env),
        decrypt: lazyDecrypt(target, env),
        webhook,
      });
      return connectors;
    },
    async close() {
      if (store) await (await store).close();
    },
  };
}

/** Opens the store for one command and closes it afterwards, whatever happens. */
export async function withStore<T>(target: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(target);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
