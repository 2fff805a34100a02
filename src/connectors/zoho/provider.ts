import { createHash } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import type { Clock } from '../remote/clock.ts';
import { z } from 'zod';
import type { Outcome } from '../../vocabulary/outcome.ts';
import type { CrmRecord, FieldValues, IntegrationHooks, ObjectFields, OfferedValues, Provider } from '../provider.ts';
import { TICKET_VALUES } from '../builtin/values.ts';
import type { IntegrationCheck, IntegrationRecord } from '../../vocabulary/integration.ts';
import type { CrmConnector, HelpdeskConnector, MailingConnector, Role, RoleConnectors } from '../../vocabulary/roles.ts';
import type { CachedList } from '../remote/cached-list.ts';
import { campaignsLists, campaignsStatus, createZohoCampaigns, type MailingList } from './campaigns.ts';
import { createZohoCrm, DEFAULT_COMPANY } from './crm.ts';
import { CAMPAIGNS_DATA_CENTRES, zohoOrigins, type ZohoOrigins } from './data-centres.ts';
import { ZOHO_SECRETS, ZOHO_SETTINGS } from './fields.ts';
import { DeskDirectory, type DirectoryTiming } from './desk-directory.ts';
import { createZohoDesk } from './desk.ts';
import { IntegrationInvalidError, ServiceRefusedError, ServiceUnavailableError } from '../remote/errors.ts';
import { DEFAULT_HTTP_OPTIONS, errorInfo, ScopeMismatchError, ZohoApi, type HttpOptions, type RetryPolicy } from './http.ts';
import { ZohoOAuth, zohoTokenKey } from './oauth.ts';
import { memoryAccessTokenCache, type AccessTokenCache } from '../remote/access-token-cache.ts';
import { outcomeOf } from '../remote/outcome-of.ts';
import { refusingConnectors } from '../remote/refusing-connectors.ts';
import { apiUrl, type ZohoService } from './service.ts';
import { crmDealStages, crmFieldNames, crmPicklist, deskPicklists, type DeskPicklistField, type DeskPicklistValue } from './picklists.ts';
import type { ServiceValue } from '../../vocabulary/service-fields.ts';

/** Non-secret settings of a `zoho` integration, as declared in ./fields.ts. */
export const zohoSettings = z.object({
  dc: ZOHO_SETTINGS.dc.schema,
  clientId: ZOHO_SETTINGS.clientId.schema,
  orgId: ZOHO_SETTINGS.orgId.schema,
  accountsUrl: ZOHO_SETTINGS.accountsUrl.schema,
  apiUrl: ZOHO_SETTINGS.apiUrl.schema,
  defaultCompany: ZOHO_SETTINGS.defaultCompany.schema,
});
export type ZohoSettings = z.infer<typeof zohoSettings>;

export const zohoSecrets = z.object({
  clientSecret: ZOHO_SECRETS.clientSecret.schema,
  refreshToken: ZOHO_SECRETS.refreshToken.schema,
});
export type ZohoSecrets = z.infer<typeof zohoSecrets>;

export interface ZohoProviderOptions {
  /** Per call (default 10 s), retry backoff (default 1 s … 30 s, full jitter). */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Per block (default 40 s, the reference product's limit). */
  readonly deadlineMs?: number;
  /** How long departments, agents and mailing lists are cached (default 5 min). */
  readonly directoryTtlMs?: number;
  /** A name missing from those caches fetches them again, at most this often (default 10 s). */
  readonly directoryRefetchMs?: number;
  /** Connections per Zoho host, below the editions' concurrency limits (default 10). */
  readonly connectionsPerHost?: number;
  readonly dispatcher?: Dispatcher;
  /** What deadlines and access tokens' expiry are measured by (tests: a clock that moves only when waited on). */
  readonly clock?: Clock;
  /** Where access tokens are kept (default: this provider's own, in memory). */
  readonly tokens?: AccessTokenCache;
}

export interface ZohoProvider extends Provider {
  checkIntegration(role: Role, integration: IntegrationRecord): Promise<IntegrationCheck>;
  listValues(role: Role, integration: IntegrationRecord, opts?: { readonly refresh?: boolean }): Promise<OfferedValues>;
  crmFields(integration: IntegrationRecord, opts?: { readonly refresh?: boolean }): Promise<Readonly<Record<CrmRecord, ObjectFields>>>;
  fixedValues(role: Role): FieldValues;
}

const ROLES: readonly Role[] = ['crm', 'helpdesk', 'mailing'];
const DIRECTORY_BUDGET_MS = 8_000;

/** What is shared by every call to one integration: token, directory caches. */
interface Session {
  readonly oauth: ZohoOAuth;
  readonly origins: ZohoOrigins;
  readonly api: ZohoApi;
  readonly desk: DeskDirectory;
  /** Where Campaigns is (a mailing session always has it: parseIntegration refuses one without). */
  readonly campaigns: string;
  readonly lists: CachedList<MailingList>;
  /** What the builder offers: the CRM's deal stages and lead sources, the portal's ticket picklists. */
  readonly stages: CachedList<ServiceValue>;
  /** The Stage picklist, which `stages` falls back to where the CRM has no pipelines. */
  readonly stagePicklist: CachedList<ServiceValue>;
  readonly sources: CachedList<ServiceValue>;
  /** The API names of the fields of Leads, Contacts and Deals, for checking `fields:` at publish. */
  readonly fieldNames: Readonly<Record<CrmRecord, CachedList<string>>>;
  readonly ticketPicklists: CachedList<DeskPicklistValue>;
}

type Parsed = { readonly settings: ZohoSettings; readonly secrets: ZohoSecrets; readonly origins: ZohoOrigins };

/**
 * The `zoho` provider: Zoho CRM (crm), Zoho Desk (helpdesk) and Zoho Campaigns (mailing) over
 * their REST APIs, with OAuth refresh tokens per data centre. `connect` runs for every call, so
 * everything worth keeping (tokens, department and list caches) lives in per-credential sessions.
 */
export function createZohoProvider(options: ZohoProviderOptions = {}): ZohoProvider {
  const deadlineMs = options.deadlineMs ?? 40_000;
  const timing: DirectoryTiming = {
    ttlMs: options.directoryTtlMs ?? 5 * 60_000,
    minRefetchMs: options.directoryRefetchMs ?? 10_000,
  };
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
  const sessions = new Map<string, Session>();
  const tokens = options.tokens ?? memoryAccessTokenCache();

  function sessionFor(role: Role, parsed: Parsed): Session {
    const { settings, secrets, origins } = parsed;
    const key = createHash('sha256')
      .update(JSON.stringify([role, origins, settings.clientId, settings.orgId ?? '', secrets.clientSecret, secrets.refreshToken]))
      .digest('hex');
    let session = sessions.get(key);
    if (!session) {
      const httpOptions = http();
      const oauth = new ZohoOAuth({
        tokens,
        accountsOrigin: origins.accounts,
        clientId: settings.clientId,
        clientSecret: secrets.clientSecret,
        refreshToken: secrets.refreshToken,
        ...(httpOptions.dispatcher ? { dispatcher: httpOptions.dispatcher } : {}),
        ...(options.clock ? { now: () => options.clock!.now() } : {}),
      });
      const api = new ZohoApi(oauth, httpOptions);
      const crm = { api, origin: origins.crm, deadlineMs };
      const desk = new DeskDirectory({ api, origin: origins.desk, deadlineMs }, settings.orgId, timing);
      const stagePicklist = crmPicklist(crm, 'Deals', 'Stage', timing);
      session = {
        oauth,
        origins,
        api,
        desk,
        stages: crmDealStages(crm, stagePicklist, timing),
        stagePicklist,
        sources: crmPicklist(crm, 'Leads', 'Lead_Source', timing),
        fieldNames: {
          lead: crmFieldNames(crm, 'Leads', timing),
          contact: crmFieldNames(crm, 'Contacts', timing),
          deal: crmFieldNames(crm, 'Deals', timing),
        },
        ticketPicklists: deskPicklists({ api, origin: origins.desk, deadlineMs }, (budget) => desk.orgId(budget), timing),
        campaigns: origins.campaigns ?? origins.crm,
        lists: campaignsLists({ api, origin: origins.campaigns ?? origins.crm, deadlineMs }, timing),
      };
      sessions.set(key, session);
    }
    return session;
  }

  function service(session: Session, origin: string): ZohoService {
    return { api: session.api, origin, deadlineMs };
  }

  return {
    name: 'zoho',
    roles: ROLES,

    connect<R extends Role>(role: R, integration: IntegrationRecord, hooks: IntegrationHooks): RoleConnectors[R] {
      const parsed = parseIntegration(role, integration);
      // A generic R cannot be narrowed by the switch, hence the casts to RoleConnectors[R].
      if (typeof parsed === 'string') return refusingConnectors(role, parsed, hooks) as RoleConnectors[R];
      const session = sessionFor(role, parsed);
      const guard =
        <A extends unknown[]>(fn: (...args: A) => Promise<Outcome>) =>
        (...args: A) =>
          outcomeOf(hooks, () => fn(...args));
      switch (role) {
        case 'crm': {
          const crm = createZohoCrm(service(session, session.origins.crm), {
            defaultCompany: parsed.settings.defaultCompany ?? DEFAULT_COMPANY,
          });
          const connector: CrmConnector = {
            createLead: guard(crm.createLead),
            createContact: guard(crm.createContact),
            createDeal: guard(crm.createDeal),
          };
          return connector as RoleConnectors[R];
        }
        case 'helpdesk': {
          const desk = createZohoDesk(service(session, session.origins.desk), session.desk);
          const connector: HelpdeskConnector = { createTicket: guard(desk.createTicket) };
          return connector as RoleConnectors[R];
        }
        case 'mailing': {
          const campaigns = createZohoCampaigns(service(session, session.campaigns), session.lists);
          const connector: MailingConnector = { subscribe: guard(campaigns.subscribe) };
          return connector as RoleConnectors[R];
        }
      }
      return refusingConnectors(role, `the zoho provider has no ${role} connector`, hooks) as RoleConnectors[R];
    },

    /**
     * The account's own values: departments, agents and lists from the same caches the connectors
     * resolve names with (as names, which the connectors resolve like ids); deal stages and lead
     * sources from the CRM's field metadata; statuses, priorities and classifications from the
     * portal's ticket fields. `refresh` drops the cached copies first (the builder's refresh).
     */
    /** The API names of the Leads, Contacts and Deals fields (cached like the picklists); the connector sends `fields:` as given. */
    async crmFields(integration: IntegrationRecord, opts: { readonly refresh?: boolean } = {}): Promise<Readonly<Record<CrmRecord, ObjectFields>>> {
      const parsed = parseIntegration('crm', integration);
      if (typeof parsed === 'string') throw new ServiceRefusedError(parsed);
      const session = sessionFor('crm', parsed);
      if (opts.refresh) for (const list of Object.values(session.fieldNames)) list.forget();
      const budget = { deadline: session.api.clock.now() + Math.min(deadlineMs, DIRECTORY_BUDGET_MS) };
      const of = async (record: CrmRecord, object: string): Promise<ObjectFields> => {
        const names = await session.fieldNames[record].all(budget);
        // Zoho takes a field by its exact API name.
        return { object, names, resolve: (name) => (names.includes(name) ? name : undefined) };
      };
      const [lead, contact, deal] = await Promise.all([of('lead', 'Leads'), of('contact', 'Contacts'), of('deal', 'Deals')]);
      return { lead, contact, deal };
    },

    async listValues(role: Role, integration: IntegrationRecord, opts: { readonly refresh?: boolean } = {}): Promise<OfferedValues> {
      const parsed = parseIntegration(role, integration);
      if (typeof parsed === 'string') throw new ServiceRefusedError(parsed);
      const session = sessionFor(role, parsed);
      if (opts.refresh) {
        for (const list of [
          session.desk.departments,
          session.desk.activeAgents,
          session.lists,
          session.stages,
          session.stagePicklist,
          session.sources,
          ...Object.values(session.fieldNames),
          session.ticketPicklists,
        ]) {
          list.forget();
        }
      }
      // Someone is waiting in the builder: a few seconds, not a block's whole deadline.
      const budget = { deadline: session.api.clock.now() + Math.min(deadlineMs, DIRECTORY_BUDGET_MS) };
      switch (role) {
        case 'helpdesk': {
          const [departments, agents] = await Promise.all([session.desk.departments.all(budget), session.desk.activeAgents.all(budget)]);
          const directory = {
            department: departments.filter((d) => d.isEnabled).map((d) => ({ value: d.name, label: d.name })),
            assignee: agents.map((a) => ({ value: a.emailId || a.id, label: a.name ? `${a.name} <${a.emailId}>` : a.emailId })),
          };
          // The connectors resolve a department or an agent by id as well as by name.
          const accepts = { department: departments.filter((d) => d.isEnabled).map((d) => d.id), assignee: agents.map((a) => a.id) };
          try {
            const picklists = await session.ticketPicklists.all(budget);
            const of = (field: DeskPicklistField) => picklists.filter((p) => p.field === field).map((p) => ({ value: p.value, label: p.value }));
            return { fields: { ...directory, status: of('status'), priority: of('priority'), classification: of('classification') }, accepts };
          } catch (err) {
            if (!(err instanceof ServiceRefusedError || err instanceof ServiceUnavailableError || err instanceof IntegrationInvalidError)) throw err;
            // Departments and agents are there; only the portal's picklists are not (a grant
            // without Desk.settings.READ): offer Desk's defaults and say why.
            return {
              fields: { ...directory, ...TICKET_VALUES },
              guessed: ['status', 'priority', 'classification'],
              accepts,
              note: `the portal's ticket statuses, priorities and classifications could not be read (${err.message}); Zoho Desk's defaults are offered`,
            };
          }
        }
        case 'mailing': {
          const lists = await session.lists.all(budget);
          // A block may name a list by its key, which the connector resolves too.
          return { fields: { list: lists.map((l) => ({ value: l.listname, label: l.listname })) }, accepts: { list: lists.map((l) => l.listkey) } };
        }
        case 'crm': {
          const [stages, sources] = await Promise.all([session.stages.all(budget), session.sources.all(budget)]);
          return { fields: { stage: [...stages], source: [...sources] } };
        }
      }
    },

    /** Desk's default ticket values, offered even when Zoho cannot be asked. */
    fixedValues: (role: Role): FieldValues => (role === 'helpdesk' ? TICKET_VALUES : {}),

    /** The Desk organisations the helpdesk credentials can see, for the admin to pick one; no other role picks one. */
    async organizations(role: Role, integration: IntegrationRecord) {
      if (role !== 'helpdesk') return undefined;
      const parsed = parseIntegration(role, integration);
      if (typeof parsed === 'string') throw new ServiceRefusedError(parsed);
      const session = sessionFor(role, parsed);
      return session.desk.organizations({ deadline: session.api.clock.now() + deadlineMs });
    },

    async checkIntegration(role: Role, integration: IntegrationRecord): Promise<IntegrationCheck> {
      const parsed = parseIntegration(role, integration);
      if (typeof parsed === 'string') return { ok: false, message: parsed, problem: { code: 'settings_invalid', params: { detail: parsed } } };
      const session = sessionFor(role, parsed);
      session.oauth.forgetRefusal();
      const budget = { deadline: session.api.clock.now() + deadlineMs };
      try {
        await session.oauth.token();
        switch (role) {
          case 'crm': {
            const res = await session.api.send({ method: 'GET', url: apiUrl(session.origins.crm, '/crm/v8/org') }, budget).catch(needing(['ZohoCRM.org.READ']));
            if (res.status >= 300) return refused(`Zoho CRM refused to read the org: ${said(res.status, res.body)}`);
            // Every look-up the blocks make is a COQL query, which needs a scope beyond the
            // module's own: a query here proves the grant has them all before a chat needs them.
            const query = await session.api
              .send({ method: 'POST', url: apiUrl(session.origins.crm, '/crm/v8/coql'), json: { select_query: 'select id from Leads limit 1' } }, budget)
              .catch(needing(['ZohoCRM.coql.READ', 'ZohoCRM.settings.fields.READ', 'ZohoCRM.modules.leads.READ'], 'COQL look-ups need the scopes'));
            return query.status < 300 ? { ok: true } : refused(`Zoho CRM refused a COQL look-up: ${said(query.status, query.body)}`);
          }
          case 'helpdesk': {
            const orgId = await session.desk.orgId(budget);
            const url = apiUrl(session.origins.desk, '/api/v1/departments', { limit: '1' });
            const res = await session.api.send({ method: 'GET', url, headers: { orgId } }, budget).catch(needing(['Desk.basic.READ']));
            if (res.status >= 300) return refused(`Zoho Desk refused to list departments of org ${orgId}: ${said(res.status, res.body)}`);
            // The reads a ticket block makes besides the create (the visitor's contact, a ticket
            // after a lost answer), as plain list calls: a missing scope shows here, not on a chat.
            for (const [path, scopes] of [
              ['/api/v1/contacts', 'Desk.contacts.READ'],
              ['/api/v1/tickets', 'Desk.tickets.READ'],
            ] as const) {
              const read = await session.api
                .send({ method: 'GET', url: apiUrl(session.origins.desk, path, { limit: '1' }), headers: { orgId } }, budget)
                .catch(needing([scopes], 'it needs'));
              if (read.status >= 300) return refused(`Zoho Desk refused a read of ${path}: ${said(read.status, read.body)}`);
            }
            return { ok: true };
          }
          case 'mailing': {
            const url = apiUrl(session.campaigns, '/api/v1.1/getmailinglists', { resfmt: 'JSON' });
            const res = await session.api.send({ method: 'GET', url }, budget);
            const status = campaignsStatus(res.body);
            return res.status < 300 && (status.ok || status.code === '2401')
              ? { ok: true }
              : refused(`Zoho Campaigns refused to list mailing lists: ${status.message || 'unreadable answer'} (${status.code || `HTTP ${res.status}`})`);
          }
        }
      } catch (err) {
        if (err instanceof MissingScopes)
          return { ok: false, message: err.message, invalid: true, problem: { code: 'scope_missing', params: { scopes: err.scopes.join(', ') } } };
        if (err instanceof IntegrationInvalidError)
          return { ok: false, message: err.message, invalid: true, problem: { code: 'credentials_refused', params: { detail: err.message } } };
        if (err instanceof ServiceUnavailableError)
          return { ok: false, message: err.message, problem: { code: 'unreachable', params: { detail: err.message } } };
        if (err instanceof ServiceRefusedError) return refused(err.message);
        throw err;
      }
      return { ok: false, message: `the zoho provider has no ${role} connector` };
    },
  };
}

/** A scope refusal during the check, with the scopes the refused call needs. */
class MissingScopes extends IntegrationInvalidError {
  readonly scopes: readonly string[];
  constructor(message: string, scopes: readonly string[]) {
    super(message);
    this.scopes = scopes;
  }
}

/** Turns Zoho's scope refusal of a check's call into one naming the scopes that call needs. */
const needing =
  (scopes: readonly string[], saying = 'it needs the scope') =>
  (err: unknown): never => {
    if (err instanceof ScopeMismatchError) throw new MissingScopes(`${err.message}; ${saying} ${scopes.join(', ')}`, scopes);
    throw err;
  };

const refused = (message: string): IntegrationCheck => ({ ok: false, message, problem: { code: 'service_refused', params: { detail: message } } });

/** The provider the registry uses: production timings. */
export const zohoProvider: ZohoProvider = createZohoProvider();

/** The key the integration's access tokens are kept under (none while its settings or secrets are incomplete). */
export function zohoTokenKeys(integration: IntegrationRecord): string[] {
  // A token belongs to the credential, whatever the role (crm: no role-specific refusal applies).
  const parsed = parseIntegration('crm', integration);
  if (typeof parsed === 'string') return [];
  const { settings, secrets, origins } = parsed;
  return [zohoTokenKey({ accountsOrigin: origins.accounts, clientId: settings.clientId, ...secrets })];
}

function parseIntegration(role: Role, integration: IntegrationRecord): Parsed | string {
  const settings = zohoSettings.safeParse(integration.settings);
  if (!settings.success) return `the Zoho integration's settings are incomplete: ${issues(settings.error)}`;
  const secrets = zohoSecrets.safeParse(integration.secrets);
  if (!secrets.success) return `the Zoho integration's credentials are incomplete: ${issues(secrets.error)}`;
  try {
    const origins = zohoOrigins(settings.data.dc, settings.data);
    if (role === 'mailing' && origins.campaigns === undefined) return campaignsNotServed(settings.data.dc);
    return { settings: settings.data, secrets: secrets.data, origins };
  } catch (err) {
    return `the Zoho integration's settings are wrong: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Why a mailing integration cannot be set up in a data centre without Campaigns. */
export function campaignsNotServed(dc: string): string {
  return `Zoho Campaigns is not offered in the ${dc} data centre (Zoho lists it in ${CAMPAIGNS_DATA_CENTRES.join(', ')}); connect the mailing role to another provider or data centre`;
}

function issues(error: z.ZodError): string {
  // Paths only for secrets' sake: a zod message never quotes the value, but keep it that way.
  return error.issues
    .map((i) => `${i.path.join('.') || 'value'} ${i.code === 'invalid_value' ? 'is not one of the accepted values' : 'is missing or empty'}`)
    .join('; ');
}

function said(status: number, body: unknown): string {
  const { code, message } = errorInfo(body);
  return `${code ?? `HTTP ${status}`}${message ? `: ${message}` : ''}`;
}
