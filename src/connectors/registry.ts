import { StoreError, reasonOf } from '../store/errors.ts';
import { ROLES } from '../vocabulary/roles.ts';
import { getIntegration, markIntegrationInvalid, recordIntegrationResult, type DecryptSecrets, type StoredIntegration } from '../store/integrations.ts';
import type { Store } from '../store/store.ts';
import { builtin } from './builtin/declaration.ts';
import type { ProviderDeclaration } from './declaration.ts';
import { memoryAccessTokenCache, type AccessTokenCache } from './remote/access-token-cache.ts';
import { dropAccessTokensExcept } from './remote/stored-access-token-cache.ts';
import type { Clock } from './remote/clock.ts';
import { salesforce } from './salesforce/declaration.ts';
import { zoho } from './zoho/declaration.ts';
import { hubspot } from './hubspot/declaration.ts';
import { failure, integrationInvalid, type Outcome } from '../vocabulary/outcome.ts';
import type { Provider } from './provider.ts';
import type { Role, RoleConnectors, WebhookConnector } from '../vocabulary/roles.ts';

/**
 * Every provider Renkei has, each declared in its own folder (./declaration.ts says what a
 * declaration holds). Adding a provider is one line here; the CLI, the admin API and pages and
 * the docs read the rest from its declaration.
 */
export const PROVIDERS: readonly ProviderDeclaration[] = [builtin, zoho, hubspot, salesforce];

/** The names an integration's `provider` may have. */
export const PROVIDER_NAMES = PROVIDERS.map((p) => p.name) as [string, ...string[]];

/** The declaration of the provider named `name`, if Renkei has one. */
export function declarationOf(name: string): ProviderDeclaration | undefined {
  return PROVIDERS.find((p) => p.name === name);
}

/** The providers made for a store, by name; a name missing here cannot run (`integration_invalid`). */
export type Providers = Readonly<Record<string, Provider | undefined>>;

export interface ProvidersOptions {
  /** Where OAuth providers keep access tokens (default: one cache in this process's memory). */
  readonly tokens?: AccessTokenCache;
  /** Per provider name: one call's time limit in ms (the provider's `callTimeout` variable). */
  readonly callTimeoutsMs?: Readonly<Record<string, number>>;
  /** What deadlines and tokens' expiry are measured by (default: the system's; a bench or test moves its own). */
  readonly clock?: Clock;
}

const processTokens = memoryAccessTokenCache();
/** Providers keep their caches (tokens, directories) in themselves: each is made once per store and token cache. */
const made = new WeakMap<Store, WeakMap<AccessTokenCache, Map<string, Provider>>>();
/** The token caches this process's providers use for a store, so dropUnusedTokens reaches their memory too. */
const tokenCaches = new WeakMap<Store, Set<AccessTokenCache>>();
/** Numbers the clocks providers were made with, so a provider is reused only with its own clock. */
const clocks = new WeakMap<Clock, number>();
let clocksMade = 0;

/** Every provider of PROVIDERS, made for this store. */
export function providersFor(store: Store, options: ProvidersOptions = {}): Providers {
  const tokens = options.tokens ?? processTokens;
  let byTokens = made.get(store);
  if (!byTokens) made.set(store, (byTokens = new WeakMap()));
  let providers = byTokens.get(tokens);
  if (!providers) byTokens.set(tokens, (providers = new Map()));
  let caches = tokenCaches.get(store);
  if (!caches) tokenCaches.set(store, (caches = new Set()));
  caches.add(tokens);
  const result: Record<string, Provider> = {};
  for (const declaration of PROVIDERS) {
    const timeoutMs = options.callTimeoutsMs?.[declaration.name];
    const { clock } = options;
    if (clock && !clocks.has(clock)) clocks.set(clock, ++clocksMade);
    const key = `${declaration.name}:${timeoutMs ?? ''}:${clock ? clocks.get(clock) : ''}`;
    let provider = providers.get(key);
    if (!provider) {
      provider = declaration.create({ store, tokens, ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(clock ? { clock } : {}) });
      providers.set(key, provider);
    }
    result[declaration.name] = provider;
  }
  return result;
}

/**
 * Drops the stored access tokens of credentials no integration holds any more (set again with
 * another client or refresh token, or with another provider, or disconnected): a token of
 * credentials the admin took away does not stay at rest, even sealed, nor wait out its hour; the
 * memory of this process's token caches for the store forgets them too. When some integration's
 * secrets cannot be opened, nothing is dropped: its tokens cannot be told apart. Returns how many
 * rows went. A process in the middle of a refresh for the old credentials may store one more,
 * which the next change drops. Other processes keep theirs in memory until they expire; no call
 * uses them: a token's key is a fingerprint of its credentials (oauthTokenKey), and every call
 * reads its integration afresh, so a disconnected role calls no service and other credentials
 * have another key.
 */
export async function dropUnusedTokens(store: Store, decrypt: DecryptSecrets): Promise<number> {
  const keys: string[] = [];
  for (const role of ROLES) {
    let integration: StoredIntegration | undefined;
    try {
      integration = await getIntegration(store.db, role, decrypt);
    } catch {
      return 0;
    }
    if (integration) keys.push(...(declarationOf(integration.provider)?.tokenKeys?.(integration) ?? []));
  }
  for (const cache of tokenCaches.get(store) ?? []) cache.keepOnly(keys);
  return dropAccessTokensExcept(store, keys);
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
