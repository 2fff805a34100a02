import { createHash } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { IntegrationCheck, IntegrationRecord } from '../../vocabulary/integration.ts';
import type { Outcome } from '../../vocabulary/outcome.ts';
import type { CrmConnector, HelpdeskConnector, MailingConnector, Role, RoleConnectors } from '../../vocabulary/roles.ts';
import type { FieldValues, IntegrationHooks, OfferedValues, Provider } from '../provider.ts';
import { memoryAccessTokenCache, type AccessTokenCache } from '../remote/access-token-cache.ts';
import type { RetryPolicy } from '../remote/backoff.ts';
import type { Clock } from '../remote/clock.ts';
import { IntegrationInvalidError, ServiceRefusedError, ServiceUnavailableError } from '../remote/errors.ts';
import { outcomeOf } from '../remote/outcome-of.ts';
import { refusingConnectors } from '../remote/refusing-connectors.ts';
import { createSalesforceCampaigns } from './campaigns.ts';
import { createSalesforceCases } from './cases.ts';
import { loginOrigin } from './connect.ts';
import { createSalesforceCrm, DEFAULT_COMPANY } from './crm.ts';
import { SalesforceDirectory, type DirectoryTiming } from './directory.ts';
import { SALESFORCE_SECRETS, SALESFORCE_SETTINGS } from './fields.ts';
import { DEFAULT_HTTP_OPTIONS, MissingApiScopeError, SalesforceApi, type HttpOptions } from './http.ts';
import { SalesforceOAuth, salesforceTokenKey } from './oauth.ts';
import { QueryRefusedError, soql, type SalesforceService } from './records.ts';

export const salesforceSettings = z.object({
  clientId: SALESFORCE_SETTINGS.clientId.schema,
  loginUrl: SALESFORCE_SETTINGS.loginUrl.schema,
  defaultCompany: SALESFORCE_SETTINGS.defaultCompany.schema,
  leadSource: SALESFORCE_SETTINGS.leadSource.schema,
});
export type SalesforceSettings = z.infer<typeof salesforceSettings>;

export const salesforceSecrets = z.object({
  clientSecret: SALESFORCE_SECRETS.clientSecret.schema,
  refreshToken: SALESFORCE_SECRETS.refreshToken.schema,
});
export type SalesforceSecrets = z.infer<typeof salesforceSecrets>;

export interface SalesforceProviderOptions {
  /** Per call (default 10 s), retry backoff (default 1 s … 30 s, full jitter). */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Per block (default 40 s, as for every provider). */
  readonly deadlineMs?: number;
  /** How long queues, users, campaigns and describes are cached (default 5 min). */
  readonly directoryTtlMs?: number;
  /** A name missing from those caches fetches them again, at most this often (default 10 s). */
  readonly directoryRefetchMs?: number;
  /** Connections to the org's instance (default 10: Salesforce allows 25 long-running requests per org). */
  readonly connectionsPerHost?: number;
  readonly dispatcher?: Dispatcher;
  readonly clock?: Clock;
  /** Where sessions are kept (default: this provider's own, in memory). */
  readonly tokens?: AccessTokenCache;
}

export interface SalesforceProvider extends Provider {
  checkIntegration(role: Role, integration: IntegrationRecord): Promise<IntegrationCheck>;
  listValues(role: Role, integration: IntegrationRecord, opts?: { readonly refresh?: boolean }): Promise<OfferedValues>;
}

const ROLES: readonly Role[] = ['crm', 'helpdesk', 'mailing'];
const DIRECTORY_BUDGET_MS = 8_000;

/**
 * What each role's blocks do, object by object, for the check: the objects it creates (describe
 * says `createable`) and those it reads (a SOQL query proves it). A missing one is named.
 */
const PERMISSIONS: Readonly<Record<Role, { readonly create: readonly string[]; readonly read: readonly string[] }>> = {
  crm: {
    create: ['Lead', 'Contact', 'Account', 'Opportunity', 'OpportunityContactRole'],
    read: ['Lead', 'Contact', 'Account', 'Opportunity', 'OpportunityContactRole'],
  },
  helpdesk: { create: ['Case'], read: ['Case', 'Contact', 'User', 'Group', 'QueueSobject'] },
  mailing: { create: ['CampaignMember', 'Lead'], read: ['Campaign', 'CampaignMember', 'Contact', 'Lead'] },
};

interface Session {
  readonly oauth: SalesforceOAuth;
  readonly service: SalesforceService;
  readonly directory: SalesforceDirectory;
}

type Parsed = { readonly settings: SalesforceSettings; readonly secrets: SalesforceSecrets; readonly login: string };

/**
 * The `salesforce` provider: Leads, Contacts, Accounts and Opportunities (crm), Cases (helpdesk)
 * and CampaignMembers (mailing) over the REST API, with the refresh token of a connected app.
 * `connect` runs for every call, so what is worth keeping (sessions, directories) lives in
 * per-credential sessions.
 */
export function createSalesforceProvider(options: SalesforceProviderOptions = {}): SalesforceProvider {
  const deadlineMs = options.deadlineMs ?? 40_000;
  const timing: DirectoryTiming = { ttlMs: options.directoryTtlMs ?? 5 * 60_000, minRefetchMs: options.directoryRefetchMs ?? 10_000 };
  let dispatcher = options.dispatcher;
  const http = (): HttpOptions => {
    dispatcher ??= new Agent({ connections: options.connectionsPerHost ?? 10, connect: { timeout: 5_000 } });
    return {
      timeoutMs: options.timeoutMs ?? DEFAULT_HTTP_OPTIONS.timeoutMs,
      retry: options.retry ?? DEFAULT_HTTP_OPTIONS.retry,
      dispatcher,
      ...(options.clock ? { clock: options.clock } : {}),
    };
  };
  const tokens = options.tokens ?? memoryAccessTokenCache();
  const sessions = new Map<string, Session>();

  function sessionFor(parsed: Parsed): Session {
    const { settings, secrets, login } = parsed;
    const key = createHash('sha256')
      .update(JSON.stringify([login, settings.clientId, secrets.clientSecret, secrets.refreshToken]))
      .digest('hex');
    let session = sessions.get(key);
    if (!session) {
      const httpOptions = http();
      const oauth = new SalesforceOAuth({
        tokens,
        loginOrigin: login,
        clientId: settings.clientId,
        clientSecret: secrets.clientSecret,
        refreshToken: secrets.refreshToken,
        ...(httpOptions.dispatcher ? { dispatcher: httpOptions.dispatcher } : {}),
        ...(options.clock ? { now: () => options.clock!.now() } : {}),
      });
      const service: SalesforceService = { api: new SalesforceApi(oauth, httpOptions), deadlineMs };
      session = { oauth, service, directory: new SalesforceDirectory(service, timing) };
      sessions.set(key, session);
    }
    return session;
  }

  return {
    name: 'salesforce',
    roles: ROLES,

    connect<R extends Role>(role: R, integration: IntegrationRecord, hooks: IntegrationHooks): RoleConnectors[R] {
      const parsed = parseIntegration(integration);
      if (typeof parsed === 'string') return refusingConnectors(role, parsed, hooks) as RoleConnectors[R];
      const { service, directory } = sessionFor(parsed);
      const guard =
        <A extends unknown[]>(fn: (...args: A) => Promise<Outcome>) =>
        (...args: A) =>
          outcomeOf(hooks, () => fn(...args));
      const people = { defaultCompany: parsed.settings.defaultCompany ?? DEFAULT_COMPANY, leadSource: parsed.settings.leadSource };
      switch (role) {
        case 'crm': {
          const crm = createSalesforceCrm(service, directory, people);
          const connector: CrmConnector = { createLead: guard(crm.createLead), createContact: guard(crm.createContact), createDeal: guard(crm.createDeal) };
          return connector as RoleConnectors[R];
        }
        case 'helpdesk': {
          const cases = createSalesforceCases(service, directory);
          const connector: HelpdeskConnector = { createTicket: guard(cases.createTicket) };
          return connector as RoleConnectors[R];
        }
        case 'mailing': {
          const campaigns = createSalesforceCampaigns(service, directory, people);
          const connector: MailingConnector = { subscribe: guard(campaigns.subscribe) };
          return connector as RoleConnectors[R];
        }
      }
      return refusingConnectors(role, `the salesforce provider has no ${role} connector`, hooks) as RoleConnectors[R];
    },

    /**
     * The org's own values: Opportunity stages and Lead sources, Case statuses, priorities and types
     * from the objects' describes (active picklist values), queues that take Cases, active standard
     * users (by email, which the connector resolves like an Id or username), active campaigns.
     */
    async listValues(role: Role, integration: IntegrationRecord, opts: { readonly refresh?: boolean } = {}): Promise<OfferedValues> {
      const parsed = parseIntegration(integration);
      if (typeof parsed === 'string') throw new ServiceRefusedError(parsed);
      const { service, directory } = sessionFor(parsed);
      if (opts.refresh) directory.forgetAll();
      const budget = { deadline: service.api.clock.now() + Math.min(deadlineMs, DIRECTORY_BUDGET_MS) };
      switch (role) {
        case 'crm': {
          const [stage, source] = await Promise.all([directory.picklist('Opportunity', 'StageName', budget), directory.picklist('Lead', 'LeadSource', budget)]);
          return { fields: { stage, source } };
        }
        case 'helpdesk': {
          const [queues, users, status, priority, classification] = await Promise.all([
            directory.queues.all(budget),
            directory.users.all(budget),
            directory.picklist('Case', 'Status', budget),
            directory.picklist('Case', 'Priority', budget),
            directory.picklist('Case', 'Type', budget),
          ]);
          const caseQueues = queues.filter((q) => q.objects.includes('Case'));
          const active = users.filter((u) => u.active);
          return {
            fields: {
              department: caseQueues.map((q) => ({ value: q.name, label: q.name })),
              assignee: active.map((u) => ({ value: u.email || u.username, label: u.name ? `${u.name} <${u.email}>` : u.email })),
              status,
              priority,
              classification,
            },
            // The connector resolves a queue by Id or DeveloperName, a user by Id or username, too.
            accepts: { department: caseQueues.flatMap((q) => [q.id, q.developerName]), assignee: active.flatMap((u) => [u.id, u.username]) },
          };
        }
        case 'mailing': {
          const campaigns = (await directory.campaigns.all(budget)).filter((c) => c.active);
          return { fields: { list: campaigns.map((c) => ({ value: c.name, label: c.name })) }, accepts: { list: campaigns.map((c) => c.id) } };
        }
      }
    },

    /** The createable fields of Lead, Contact and Opportunity, from their describes (cached with the picklists). */
    async crmFields(integration: IntegrationRecord, opts: { readonly refresh?: boolean } = {}) {
      const parsed = parseIntegration(integration);
      if (typeof parsed === 'string') throw new ServiceRefusedError(parsed);
      const { service, directory } = sessionFor(parsed);
      if (opts.refresh) directory.forgetAll();
      const budget = { deadline: service.api.clock.now() + Math.min(deadlineMs, DIRECTORY_BUDGET_MS) };
      const [lead, contact, deal] = await Promise.all([
        directory.objectFields('Lead', budget),
        directory.objectFields('Contact', budget),
        directory.objectFields('Opportunity', budget),
      ]);
      return { lead, contact, deal };
    },

    fixedValues: (): FieldValues => ({}),

    async checkIntegration(role: Role, integration: IntegrationRecord): Promise<IntegrationCheck> {
      const parsed = parseIntegration(integration);
      if (typeof parsed === 'string') return { ok: false, message: parsed, problem: { code: 'settings_invalid', params: { detail: parsed } } };
      const { oauth, service, directory } = sessionFor(parsed);
      oauth.forgetRefusal();
      directory.forgetAll();
      const budget = { deadline: service.api.clock.now() + deadlineMs };
      try {
        await oauth.session();
        const { create, read } = PERMISSIONS[role];
        for (const object of create) {
          const described = await directory.describe(object, budget).catch((err: unknown) => {
            if (err instanceof ServiceRefusedError) return undefined;
            throw err;
          });
          if (!described?.createable) return missing(`the Salesforce user cannot create ${object} records (object permission Create on ${object})`);
        }
        for (const object of read) {
          try {
            await soql(service, `SELECT Id FROM ${object} LIMIT 1`, budget);
          } catch (err) {
            if (err instanceof QueryRefusedError)
              return missing(`the Salesforce user cannot read ${object} records (object permission Read on ${object}): ${err.message}`);
            throw err;
          }
        }
        return { ok: true };
      } catch (err) {
        if (err instanceof MissingApiScopeError)
          return { ok: false, message: err.message, invalid: true, problem: { code: 'scope_missing', params: { scopes: 'api' } } };
        if (err instanceof IntegrationInvalidError) {
          return { ok: false, message: err.message, invalid: true, problem: { code: 'credentials_refused', params: { detail: err.message } } };
        }
        if (err instanceof ServiceUnavailableError)
          return { ok: false, message: err.message, problem: { code: 'unreachable', params: { detail: err.message } } };
        if (err instanceof ServiceRefusedError) return missing(err.message);
        throw err;
      }
    },
  };
}

const missing = (message: string): IntegrationCheck => ({ ok: false, message, problem: { code: 'service_refused', params: { detail: message } } });

/** The key an integration's sessions are kept under (none while its settings or secrets are incomplete). */
export function salesforceTokenKeys(integration: IntegrationRecord): string[] {
  const parsed = parseIntegration(integration);
  if (typeof parsed === 'string') return [];
  return [salesforceTokenKey({ loginOrigin: parsed.login, clientId: parsed.settings.clientId, ...parsed.secrets })];
}

function parseIntegration(integration: IntegrationRecord): Parsed | string {
  const settings = salesforceSettings.safeParse(integration.settings);
  if (!settings.success) return `the Salesforce integration's settings are incomplete: ${issues(settings.error)}`;
  const secrets = salesforceSecrets.safeParse(integration.secrets);
  if (!secrets.success) return `the Salesforce integration's credentials are incomplete: ${issues(secrets.error)}`;
  return { settings: settings.data, secrets: secrets.data, login: loginOrigin(settings.data) };
}

function issues(error: z.ZodError): string {
  // Paths only, for secrets' sake.
  return error.issues.map((i) => `${i.path.join('.') || 'value'} is missing or invalid`).join('; ');
}
