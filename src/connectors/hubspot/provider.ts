import { createHash } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { IntegrationCheck, IntegrationRecord } from '../../vocabulary/integration.ts';
import type { Outcome } from '../../vocabulary/outcome.ts';
import type { Role, RoleConnectors } from '../../vocabulary/roles.ts';
import type { FieldValues, IntegrationHooks, OfferedValues, Provider } from '../provider.ts';
import { memoryAccessTokenCache, type AccessTokenCache } from '../remote/access-token-cache.ts';
import type { RetryPolicy } from '../remote/backoff.ts';
import type { Clock } from '../remote/clock.ts';
import { IntegrationInvalidError, ServiceRefusedError, ServiceUnavailableError } from '../remote/errors.ts';
import { outcomeOf } from '../remote/outcome-of.ts';
import { refusingConnectors } from '../remote/refusing-connectors.ts';
import { AccountDirectory, type Timing } from './account.ts';
import { createHubSpotCrm } from './crm.ts';
import { HUBSPOT_API_ORIGIN, HUBSPOT_SECRETS, HUBSPOT_SETTINGS } from './fields.ts';
import { DEFAULT_HTTP_OPTIONS, HubSpotApi, MissingScopesError, said } from './http.ts';
import { createHubSpotLists } from './lists.ts';
import { HubSpotOAuth, hubspotTokenKey } from './oauth.ts';
import { propertyFields } from './properties.ts';
import { HUBSPOT_SCOPES } from './scopes.ts';
import type { HubSpotService } from './service.ts';
import { createHubSpotTickets } from './tickets.ts';

const settingsSchema = z.object({ clientId: HUBSPOT_SETTINGS.clientId.schema, apiUrl: HUBSPOT_SETTINGS.apiUrl.schema });
const secretsSchema = z.object({ clientSecret: HUBSPOT_SECRETS.clientSecret.schema, refreshToken: HUBSPOT_SECRETS.refreshToken.schema });
type Parsed = { readonly clientId: string; readonly origin: string; readonly clientSecret: string; readonly refreshToken: string };

export interface HubSpotProviderOptions {
  /** Per call (default 10 s); retry backoff (default 1 s … 30 s, full jitter). */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Per block (default 40 s, as for every provider). */
  readonly deadlineMs?: number;
  /** How long pipelines, owners, options and lists are cached (default 5 min). */
  readonly directoryTtlMs?: number;
  /** A name missing from those caches fetches them again, at most this often (default 10 s). */
  readonly directoryRefetchMs?: number;
  /** Connections to HubSpot (default 10: HubSpot's limit is per account, 100–190 calls per 10 s). */
  readonly connectionsPerHost?: number;
  readonly dispatcher?: Dispatcher;
  readonly clock?: Clock;
  readonly tokens?: AccessTokenCache;
}

interface Session extends HubSpotService {
  readonly oauth: HubSpotOAuth;
}

const ROLES: readonly Role[] = ['crm', 'helpdesk', 'mailing'];
const DIRECTORY_BUDGET_MS = 8_000;

/**
 * The `hubspot` provider. `connect` runs for every call, so what is worth keeping (the token's
 * client, the directory caches) lives in a session per credential; the access tokens themselves
 * live in the AccessTokenCache it is given, shared by every process of an installation.
 */
export function createHubSpotProvider(options: HubSpotProviderOptions = {}): Provider & {
  checkIntegration(role: Role, integration: IntegrationRecord): Promise<IntegrationCheck>;
  listValues(role: Role, integration: IntegrationRecord, opts?: { readonly refresh?: boolean }): Promise<OfferedValues>;
} {
  const deadlineMs = options.deadlineMs ?? 40_000;
  const timing: Timing = { ttlMs: options.directoryTtlMs ?? 5 * 60_000, minRefetchMs: options.directoryRefetchMs ?? 10_000 };
  const tokens = options.tokens ?? memoryAccessTokenCache();
  let dispatcher = options.dispatcher;
  const sessions = new Map<string, Session>();

  function sessionFor(parsed: Parsed): Session {
    const key = createHash('sha256')
      .update(JSON.stringify([parsed.origin, parsed.clientId, parsed.clientSecret, parsed.refreshToken]))
      .digest('hex');
    let session = sessions.get(key);
    if (!session) {
      dispatcher ??= new Agent({ connections: options.connectionsPerHost ?? 10, connect: { timeout: 5_000 } });
      const oauth = new HubSpotOAuth({
        tokens,
        apiOrigin: parsed.origin,
        clientId: parsed.clientId,
        clientSecret: parsed.clientSecret,
        refreshToken: parsed.refreshToken,
        dispatcher,
        ...(options.clock ? { now: () => options.clock!.now() } : {}),
      });
      const api = new HubSpotApi(oauth, parsed.origin, {
        timeoutMs: options.timeoutMs ?? DEFAULT_HTTP_OPTIONS.timeoutMs,
        retry: options.retry ?? DEFAULT_HTTP_OPTIONS.retry,
        dispatcher,
        ...(options.clock ? { clock: options.clock } : {}),
      });
      session = { oauth, api, directory: new AccountDirectory(api, timing), deadlineMs };
      sessions.set(key, session);
    }
    return session;
  }

  return {
    name: 'hubspot',
    roles: ROLES,

    connect<R extends Role>(role: R, integration: IntegrationRecord, hooks: IntegrationHooks): RoleConnectors[R] {
      const parsed = parseIntegration(integration);
      if (typeof parsed === 'string') return refusingConnectors(role, parsed, hooks) as RoleConnectors[R];
      const session = sessionFor(parsed);
      const guard =
        <A extends unknown[]>(fn: (...args: A) => Promise<Outcome>) =>
        (...args: A) =>
          outcomeOf(hooks, () => fn(...args));
      // A generic R cannot be narrowed by the switch, hence the casts to RoleConnectors[R].
      switch (role) {
        case 'crm': {
          const crm = createHubSpotCrm(session);
          return { createLead: guard(crm.createLead), createContact: guard(crm.createContact), createDeal: guard(crm.createDeal) } as RoleConnectors[R];
        }
        case 'helpdesk': {
          const tickets = createHubSpotTickets(session);
          return { createTicket: guard(tickets.createTicket) } as RoleConnectors[R];
        }
        case 'mailing': {
          const lists = createHubSpotLists(session);
          return { subscribe: guard(lists.subscribe) } as RoleConnectors[R];
        }
      }
      return refusingConnectors(role, `the hubspot provider has no ${role} connector`, hooks) as RoleConnectors[R];
    },

    /**
     * What the connectors send of `fields:` (./person.ts): the contact and deal properties the
     * account has, its custom ones included (`GET /crm/v3/properties/{objectType}`, cached with the
     * pipelines); read-only and calculated ones are named as such.
     */
    async crmFields(integration: IntegrationRecord, opts: { readonly refresh?: boolean } = {}) {
      const parsed = parseIntegration(integration);
      if (typeof parsed === 'string') throw new ServiceRefusedError(parsed);
      const { directory, api } = sessionFor(parsed);
      if (opts.refresh) for (const list of Object.values(directory.properties)) list.forget();
      const budget = { deadline: api.clock.now() + Math.min(deadlineMs, DIRECTORY_BUDGET_MS) };
      const [contact, deal] = await Promise.all([directory.properties.contacts.all(budget), directory.properties.deals.all(budget)]);
      const contactFields = propertyFields('contacts', contact);
      return { lead: contactFields, contact: contactFields, deal: propertyFields('deals', deal) };
    },

    /**
     * The account's own values, as labels (which the connectors resolve, like the ids offered as
     * `accepts`): deal stages of every deal pipeline; ticket pipelines (departments), the stages of
     * them all (statuses), priorities and categories; active owners by email; contact lists.
     */
    async listValues(role: Role, integration: IntegrationRecord, opts: { readonly refresh?: boolean } = {}): Promise<OfferedValues> {
      const parsed = parseIntegration(integration);
      if (typeof parsed === 'string') throw new ServiceRefusedError(parsed);
      const { directory, api } = sessionFor(parsed);
      if (opts.refresh) for (const list of directory.all()) list.forget();
      const budget = { deadline: api.clock.now() + Math.min(deadlineMs, DIRECTORY_BUDGET_MS) };
      switch (role) {
        case 'crm': {
          const pipelines = await directory.dealPipelines.all(budget);
          const many = pipelines.length > 1;
          const stages = pipelines.flatMap((p) => p.stages.map((s) => ({ value: s.label, label: many ? `${s.label} (${p.label})` : s.label })));
          return { fields: { stage: unique(stages) }, accepts: { stage: pipelines.flatMap((p) => p.stages.map((s) => s.id)) } };
        }
        case 'helpdesk': {
          const [pipelines, owners, priorities, categories] = await Promise.all([
            directory.ticketPipelines.all(budget),
            directory.owners.all(budget),
            directory.priorities.all(budget),
            directory.categories.all(budget),
          ]);
          return {
            fields: {
              department: pipelines.map((p) => ({ value: p.label, label: p.label })),
              status: unique(pipelines.flatMap((p) => p.stages.map((s) => ({ value: s.label, label: s.label })))),
              priority: priorities.map((o) => ({ value: o.label, label: o.label })),
              classification: categories.map((o) => ({ value: o.label, label: o.label })),
              assignee: owners.filter((o) => o.email !== '').map((o) => ({ value: o.email, label: o.name ? `${o.name} <${o.email}>` : o.email })),
            },
            accepts: {
              department: pipelines.map((p) => p.id),
              status: pipelines.flatMap((p) => p.stages.map((s) => s.id)),
              priority: priorities.map((o) => o.value),
              classification: categories.map((o) => o.value),
              assignee: owners.map((o) => o.id),
            },
          };
        }
        case 'mailing': {
          const lists = (await directory.lists.all(budget)).filter((l) => l.processingType !== 'DYNAMIC');
          return { fields: { list: lists.map((l) => ({ value: l.name, label: l.name })) }, accepts: { list: lists.map((l) => l.listId) } };
        }
      }
    },

    // Every value lives in the account (pipelines and options are the admin's own): nothing is known without asking.
    fixedValues: (): FieldValues => ({}),

    /**
     * Refreshes the token, reads the scopes HubSpot granted it (`GET /oauth/v1/access-tokens/{token}`)
     * and names any the role needs that are missing, then makes each read the role's blocks make,
     * so a permission HubSpot withholds shows here rather than in a chat.
     */
    async checkIntegration(role: Role, integration: IntegrationRecord): Promise<IntegrationCheck> {
      const parsed = parseIntegration(integration);
      if (typeof parsed === 'string') return { ok: false, message: parsed, problem: { code: 'settings_invalid', params: { detail: parsed } } };
      const session = sessionFor(parsed);
      session.oauth.forgetRefusal();
      for (const list of session.directory.all()) list.forget();
      const budget = { deadline: session.api.clock.now() + deadlineMs };
      try {
        const token = await session.oauth.token();
        const info = await session.api.send({ method: 'GET', path: `/oauth/v1/access-tokens/${encodeURIComponent(token)}` }, budget);
        const granted = (info.body as { scopes?: unknown } | null)?.scopes;
        if (info.status < 300 && Array.isArray(granted)) {
          const missing = HUBSPOT_SCOPES[role].filter((s) => !granted.includes(s));
          if (missing.length > 0) {
            const message = `the HubSpot app was not granted ${missing.join(', ')}, which the ${role} blocks need; add the scopes to the app and connect again`;
            return { ok: false, message, invalid: true, problem: { code: 'scope_missing', params: { scopes: missing.join(', ') } } };
          }
        }
        const { directory, api } = session;
        switch (role) {
          case 'crm':
            await directory.dealPipelines.all(budget);
            await Promise.all([directory.properties.contacts.all(budget), directory.properties.deals.all(budget)]);
            for (const type of ['contacts', 'companies', 'deals'] as const) await probeSearch(api, type, budget);
            break;
          case 'helpdesk':
            await Promise.all([
              directory.ticketPipelines.all(budget),
              directory.owners.all(budget),
              directory.priorities.all(budget),
              directory.categories.all(budget),
            ]);
            await probeSearch(api, 'contacts', budget);
            await probeSearch(api, 'tickets', budget);
            break;
          case 'mailing':
            await directory.lists.all(budget);
            await probeSearch(api, 'contacts', budget);
            break;
        }
        return { ok: true };
      } catch (err) {
        if (err instanceof MissingScopesError)
          return { ok: false, message: err.message, invalid: true, problem: { code: 'scope_missing', params: { scopes: err.scopes.join(', ') || 'unknown' } } };
        if (err instanceof IntegrationInvalidError)
          return { ok: false, message: err.message, invalid: true, problem: { code: 'credentials_refused', params: { detail: err.message } } };
        if (err instanceof ServiceUnavailableError)
          return { ok: false, message: err.message, problem: { code: 'unreachable', params: { detail: err.message } } };
        if (err instanceof ServiceRefusedError)
          return { ok: false, message: err.message, problem: { code: 'service_refused', params: { detail: err.message } } };
        throw err;
      }
    },
  };
}

async function probeSearch(api: HubSpotApi, type: 'contacts' | 'companies' | 'deals' | 'tickets', budget: { deadline: number }): Promise<void> {
  const res = await api.send(
    { method: 'POST', path: `/crm/v3/objects/${type}/search`, json: { filterGroups: [], properties: ['hs_object_id'], limit: 1 } },
    budget,
  );
  if (res.status >= 300) throw new ServiceRefusedError(`HubSpot refused a search of ${type}: ${said(res.status, res.body)}`);
}

function unique(values: readonly { value: string; label: string }[]): { value: string; label: string }[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v.value.toLowerCase()) ? false : (seen.add(v.value.toLowerCase()), true)));
}

/** The key the integration's access tokens are kept under (none while its settings or secrets are incomplete). */
export function hubspotTokenKeys(integration: IntegrationRecord): string[] {
  const parsed = parseIntegration(integration);
  if (typeof parsed === 'string') return [];
  return [hubspotTokenKey({ apiOrigin: parsed.origin, clientId: parsed.clientId, clientSecret: parsed.clientSecret, refreshToken: parsed.refreshToken })];
}

function parseIntegration(integration: IntegrationRecord): Parsed | string {
  const settings = settingsSchema.safeParse(integration.settings);
  if (!settings.success)
    return `the HubSpot integration's settings are incomplete: ${settings.error.issues.map((i) => i.path.join('.')).join(', ')} missing or wrong`;
  const secrets = secretsSchema.safeParse(integration.secrets);
  // Paths only: a zod message never quotes the value, but secrets are kept out of messages anyway.
  if (!secrets.success) return `the HubSpot integration's credentials are incomplete: ${secrets.error.issues.map((i) => i.path.join('.')).join(', ')} missing`;
  return { clientId: settings.data.clientId, origin: settings.data.apiUrl ?? HUBSPOT_API_ORIGIN, ...secrets.data };
}
