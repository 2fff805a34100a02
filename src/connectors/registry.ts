import { StoreError, reasonOf } from '../store/errors.ts';
import {
  getIntegration,
  markIntegrationInvalid,
  recordIntegrationResult,
  type DecryptSecrets,
  type StoredIntegration,
} from '../store/integrations.ts';
import type { Store } from '../store/store.ts';
import { createBuiltinProvider } from './builtin/index.ts';
import { zohoProvider } from './zoho/provider.ts';
import { failure, integrationInvalid, type Outcome } from '../vocabulary/outcome.ts';
import type { Provider } from './provider.ts';
import type { AccessTokenCache } from './remote/access-token-cache.ts';
import type { ProviderName } from '../vocabulary/integration.ts';
import type { Role, RoleConnectors, WebhookConnector } from '../vocabulary/roles.ts';

export type Providers = Readonly<Record<ProviderName, Provider | undefined>>;

/** What the providers of an installation share. */
export interface ProviderOptions {
  /**
   * Where OAuth providers keep their access tokens: a server passes the cache kept in the
   * database (storedAccessTokenCache), so all its processes share one token and one refresh.
   */
  readonly tokens?: AccessTokenCache;
}

/** How each provider is made for a store; a provider missing here cannot run (`integration_invalid`). */
export const PROVIDERS: Readonly<Record<ProviderName, ((store: Store, options: ProviderOptions) => Provider) | undefined>> = {
  builtin: (store) => createBuiltinProvider(store.db),
  zoho: () => zohoProvider,
};

/** Every provider of PROVIDERS, made for this store. */
export function providersFor(store: Store, options: ProviderOptions = {}): Providers {
  return {
    builtin: PROVIDERS.builtin?.(store, options),
    zoho: PROVIDERS.zoho?.(store, options),
  };
}

export interface ConnectorOptions {
  /** Default: `providersFor(store)`. */
  readonly providers?: Providers;
  /** Opens the integrations' encrypted secrets (the secret box). */
  readonly decrypt?: DecryptSecrets;
  readonly webhook: WebhookConnector;
}

class SecretsUnreadable extends Error {}

/**
 * The connectors an effect runs against. Each call reads its role's integration at that moment
 * (so `integrations disable crm` takes effect on the next block, without a restart), hands the
 * call to the integration's provider, and records on the integration when it last succeeded or
 * failed. A provider that throws ends in a retryable `failure` carrying the error's message.
 * `Provider.connect` runs on every call: a provider keeps its caches (tokens) in itself.
 */
export function createConnectors(store: Store, options: ConnectorOptions): RoleConnectors {
  const providers = options.providers ?? providersFor(store);
  const { decrypt } = options;
  const readSecrets: DecryptSecrets | undefined =
    decrypt &&
    ((blob) => {
      try {
        return decrypt(blob);
      } catch (error) {
        throw new SecretsUnreadable(reasonOf(error), { cause: error });
      }
    });

  async function load(role: Role): Promise<StoredIntegration | Outcome> {
    try {
      const integration = await getIntegration(store.db, role, readSecrets);
      if (!integration) return integrationInvalid(`no ${role} integration is configured`);
      if (!integration.enabled) return integrationInvalid(`the ${role} integration is disabled`);
      if (integration.status === 'invalid') {
        return integrationInvalid(`the ${role} integration is invalid: ${integration.statusMessage ?? 'credentials refused'}`);
      }
      if (integration.hasSecrets && !readSecrets) {
        return integrationInvalid(`the ${role} integration's credentials cannot be read: no secret key is configured`);
      }
      return integration;
    } catch (error) {
      if (error instanceof SecretsUnreadable) {
        return integrationInvalid(`the ${role} integration's credentials cannot be decrypted: ${error.message}`);
      }
      if (error instanceof StoreError) return integrationInvalid(error.message);
      return failure(`the ${role} integration could not be read: ${reasonOf(error)}`, true);
    }
  }

  /** Bookkeeping only: the call's outcome stands even when it cannot be written down. */
  async function note(role: Role, outcome: Outcome): Promise<void> {
    const ok = outcome.outcome !== 'failure' && outcome.outcome !== 'integration_invalid';
    try {
      await recordIntegrationResult(store.db, role, ok, 'message' in outcome ? outcome.message : undefined);
    } catch {
      // The record was created (or refused) already; failing the block over a timestamp would
      // make a retry do the work again.
    }
  }

  async function run<R extends Role>(role: R, call: (connector: RoleConnectors[R]) => Promise<Outcome>): Promise<Outcome> {
    const integration = await load(role);
    if ('outcome' in integration) return integration;
    const provider = providers[integration.provider];
    if (!provider || !provider.roles.includes(role)) {
      return integrationInvalid(`the ${integration.provider} provider cannot serve the ${role} integration in this installation`);
    }
    const hooks = { markInvalid: (message: string) => markIntegrationInvalid(store.db, role, message) };
    let outcome: Outcome;
    try {
      outcome = await call(provider.connect(role, integration, hooks));
    } catch (error) {
      outcome = failure(reasonOf(error), true);
    }
    await note(role, outcome);
    return outcome;
  }

  return {
    crm: {
      createLead: (req, ctx) => run('crm', (c) => c.createLead(req, ctx)),
      createContact: (req, ctx) => run('crm', (c) => c.createContact(req, ctx)),
      createDeal: (req, ctx) => run('crm', (c) => c.createDeal(req, ctx)),
    },
    helpdesk: {
      createTicket: (req, ctx) => run('helpdesk', (c) => c.createTicket(req, ctx)),
    },
    mailing: {
      subscribe: (req, ctx) => run('mailing', (c) => c.subscribe(req, ctx)),
    },
    webhook: options.webhook,
  };
}
