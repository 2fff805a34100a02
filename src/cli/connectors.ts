import { createConnectors, providersFor, type Providers } from '../connectors/registry.ts';
import { storedAccessTokenCache } from '../connectors/remote/stored-access-token-cache.ts';
import type { Clock } from '../connectors/remote/clock.ts';
import type { RoleConnectors } from '../vocabulary/roles.ts';
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

export const webhookFromEnv = (env: Env) => createWebhookConnector({ allowPrivate: env['RENKEI_WEBHOOK_ALLOW_PRIVATE'] === '1' });

/**
 * Connectors for `renkei chat`, opening the database only when the first effect runs: a bot
 * without integrations never creates a database file.
 */
export function openConnectors(target: string, env: Env): { get(): Promise<RoleConnectors>; close(): Promise<void> } {
  let store: Promise<Store> | undefined;
  let connectors: RoleConnectors | undefined;
  return {
    async get() {
      if (connectors) return connectors;
      store ??= openStore(target);
      const opened = await store;
      connectors = createConnectors(opened, {
        providers: sharedProviders(opened, target, env),
        decrypt: lazyDecrypt(target, env),
        webhook: webhookFromEnv(env),
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
