import { campaignsService } from './campaigns.ts';
import { handleControl } from './control.ts';
import { crmService } from './crm.ts';
import { deskService } from './desk.ts';
import { FaultInjector } from './faults.ts';
import type { Faults } from './faults.ts';
import { TokenStore, type Consent } from './oauth.ts';
import type { ClientCredentials } from './oauth.ts';
import { listen } from './server.ts';
import type { RequestStats } from './server.ts';
import { DESK_ORG_ID, FakeData } from './state.ts';
import type {
  CampaignList,
  CampaignSubscriber,
  CrmModule,
  CrmRecord,
  DeskAgent,
  DeskContact,
  DeskDepartment,
  DeskOrganization,
  DeskPicklists,
  DeskTicket,
} from './state.ts';

export type { Faults } from './faults.ts';
export type { CampaignList, CampaignSubscriber, CrmModule, CrmRecord, DeskAgent, DeskContact, DeskDepartment, DeskTicket } from './state.ts';

export interface FakeZohoOptions {
  /** 0 or absent: any free port. */
  port?: number;
  seed?: number;
  /** Enforce Zoho's token limits: 10 refreshes per 10 min per refresh token, at most 10 live access tokens each. */
  tokenRateLimit?: boolean;
}

export interface FakeZohoStats {
  tokenRefreshes: number;
  requests: number;
  byRoute: Record<string, number>;
}

export interface FakeZoho {
  /** 'http://127.0.0.1:PORT': both the accounts and the API origin. */
  readonly url: string;
  /** A ready client. */
  readonly client: ClientCredentials;
  /** The Desk org id (header `orgId` on Desk calls). */
  readonly orgId: string;
  addClient(c: ClientCredentials & { scopes?: string[] }): void;
  /** What the consent page (`/oauth/v2/auth`) answers: approve (default) or deny, and which accounts-server it names. */
  setConsent(consent: Consent): void;
  /** Refresh → HTTP 200 `{"error":"invalid_code"}`, and its access tokens stop working. */
  revokeRefreshToken(refreshToken: string): void;
  /** Every access token issued so far answers 401 (CRM INVALID_TOKEN, Desk INVALID_OAUTH, Campaigns 1007). */
  expireAccessTokens(): void;
  readonly faults: {
    /** Merge; throws on an invalid value. */
    set(f: Partial<Faults>): void;
    reset(): void;
    readonly current: Faults;
  };
  readonly crm: { leads: CrmRecord[]; contacts: CrmRecord[]; deals: CrmRecord[]; accounts: CrmRecord[] };
  readonly desk: { tickets: DeskTicket[]; contacts: DeskContact[]; departments: DeskDepartment[]; agents: DeskAgent[]; otherOrganizations: DeskOrganization[] };
  /** The portal's ticket picklists (status, priority, classification): edit them in place. */
  readonly deskPicklists: DeskPicklists;
  readonly campaigns: { lists: CampaignList[]; subscribers: CampaignSubscriber[] };
  addDepartment(d: { name: string; isEnabled?: boolean }): DeskDepartment;
  /** Without departmentIds the agent belongs to every enabled department. */
  addAgent(a: { email: string; name: string; status?: 'ACTIVE' | 'DISABLED'; departmentIds?: string[] }): DeskAgent;
  addList(name: string, opts?: { doubleOptIn?: boolean }): CampaignList;
  /** Seeds a CRM record as if inserted (id, Created_Time, Owner filled in), bypassing validation. */
  addCrmRecord(module: CrmModule, fields: Record<string, unknown>): CrmRecord;
  /** Org setting (default ON): inserting a Lead/Contact whose Email is already in that module → DUPLICATE_DATA. */
  setLeadEmailUnique(on: boolean): void;
  readonly leadEmailUnique: boolean;
  /** The Deals layout's pipelines and their stages (none by default), edited in place by tests. */
  readonly dealPipelines: { name: string; stages: string[] }[];
  readonly stats: FakeZohoStats;
  /**
   * Data, faults, stats and token-rate windows back to the seeded state. Clients and tokens survive (a
   * connector's cached token keeps working) unless `auth: true`, which also drops every access token,
   * client and revocation and re-registers `client`.
   */
  reset(opts?: { auth?: boolean }): void;
  close(): Promise<void>;
}

export async function startFakeZoho(opts: FakeZohoOptions = {}): Promise<FakeZoho> {
  const seed = opts.seed ?? 42;
  const data = new FakeData(seed);
  const faults = new FaultInjector(seed);
  let authGeneration = 0;
  let tokens = new TokenStore(seed, opts.tokenRateLimit ?? false, authGeneration);
  let client = tokens.newClient();
  const stats: RequestStats = { requests: 0, byRoute: {} };
  let url = '';
  const crm = { leads: data.crm.Leads, contacts: data.crm.Contacts, deals: data.crm.Deals, accounts: data.crm.Accounts };

  const fake: FakeZoho = {
    get url() {
      return url;
    },
    get client() {
      return { ...client };
    },
    orgId: DESK_ORG_ID,
    addClient: (c) => tokens.addClient(c),
    setConsent: (c) => {
      tokens.consent = c;
    },
    revokeRefreshToken: (t) => tokens.revoke(t),
    expireAccessTokens: () => tokens.expireAll(),
    faults: {
      set: (f) => faults.set(f),
      reset: () => faults.reset(),
      get current() {
        return faults.current;
      },
    },
    crm,
    desk: data.desk,
    deskPicklists: data.deskPicklists,
    dealPipelines: data.dealPipelines,
    campaigns: data.campaigns,
    addDepartment: (d) => data.addDepartment(d),
    addAgent: (a) => data.addAgent(a),
    addList: (name, opts) => data.addList(name, opts),
    addCrmRecord: (module, fields) => data.addCrmRecord(module, fields),
    setLeadEmailUnique: (on) => {
      data.leadEmailUnique = on;
    },
    get leadEmailUnique() {
      return data.leadEmailUnique;
    },
    get stats() {
      return { tokenRefreshes: tokens.refreshes, requests: stats.requests, byRoute: { ...stats.byRoute } };
    },
    reset: (o) => {
      data.reset();
      faults.reset();
      stats.requests = 0;
      stats.byRoute = {};
      if (o?.auth) {
        tokens = new TokenStore(seed, opts.tokenRateLimit ?? false, ++authGeneration);
        client = tokens.newClient();
      } else {
        tokens.refreshes = 0;
        tokens.resetWindows();
      }
      tokens.consent = { answer: 'approve' };
    },
    close: () => running.close(),
  };

  const services = [crmService(data, faults), campaignsService(data), deskService(data, DESK_ORG_ID, () => url)];
  const running = await listen(
    {
      services,
      get tokens() {
        return tokens;
      },
      faults,
      stats,
      url: () => url,
      control: (req) => handleControl(fake, req),
    },
    opts.port ?? 0,
  );
  url = `http://127.0.0.1:${running.port}`;
  return fake;
}
