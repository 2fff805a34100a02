import { createSalesforceProvider } from '../../src/connectors/salesforce/provider.ts';
import type { FakeCredentials, ProviderFake, RecordKind, RunningProviderFake } from '../helpers/provider-fake.ts';
import type { Client } from './auth.ts';
import { startFakeSalesforce, type SfRecord } from './index.ts';

/** The objects each kind of record is created as, for `failNextCreate`. */
const CREATE_ROUTES: Record<RecordKind, string> = {
  lead: 'POST /sobjects/Lead',
  contact: 'POST /sobjects/Contact',
  deal: 'POST /sobjects/Opportunity',
  ticket: 'POST /sobjects/Case',
  subscriber: 'POST /sobjects/CampaignMember',
};

const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));

/** The fake Salesforce (login server and REST API) for the provider-neutral suites (../helpers/provider-fake.ts). */
export const providerFake: ProviderFake = {
  provider: 'salesforce',
  roles: ['crm', 'helpdesk', 'mailing'],
  benchProvider: () => createSalesforceProvider({ retry: { baseMs: 50, capMs: 2_000 }, connectionsPerHost: 50 }),

  async start(opts = {}): Promise<RunningProviderFake> {
    const fake = await startFakeSalesforce({ seed: opts.seed ?? 7 });
    const credentialsOf = (c: Client): FakeCredentials => ({
      settings: { clientId: c.clientId },
      secrets: { clientSecret: c.clientSecret, refreshToken: c.refreshToken },
    });
    const byId = (id: unknown): SfRecord | undefined => (typeof id === 'string' ? fake.org.byId(id)?.record : undefined);
    const person = (r: SfRecord) => ({
      id: r.Id,
      name: [text(r['FirstName']), text(r['LastName'])].filter(Boolean).join(' '),
      email: text(r['Email']),
      phone: text(r['Phone']),
      company: text(r['Company']) || text(byId(r['AccountId'])?.['Name']),
    });
    return {
      get url() {
        return fake.url;
      },
      integration(_role, credentials = credentialsOf(fake.client)) {
        return { settings: { ...credentials.settings, loginUrl: fake.url }, secrets: credentials.secrets };
      },
      addCredentials(name) {
        const client: Client = {
          clientId: `3MVG9${name.toUpperCase()}`,
          clientSecret: `${name.toUpperCase()}SECRET${name.length}42`,
          refreshToken: `5Aep861${name}.refresh.token`,
        };
        fake.addClient(client);
        return credentialsOf(client);
      },
      unknownCredentials: () => credentialsOf({ clientId: '3MVG9UNKNOWN', clientSecret: 'NOPESECRET456', refreshToken: '5Aep861nope.refresh' }),
      revoke: (credentials) => fake.revokeRefreshToken(credentials.secrets['refreshToken']!),
      expireAccessTokens: () => fake.expireSessions(),
      // Salesforce's rate limit is 403 REQUEST_LIMIT_EXCEEDED, which carries no Retry-After; SOQL
      // sees a record as soon as it is created, so there is no search lag to set.
      randomFaults: (f) =>
        fake.faults.set({
          rate5xx: f?.rate5xx ?? 0,
          rateLimit: f?.rate429 ?? 0,
          rateSlow: f?.rateSlow ?? 0,
          slowMs: f?.slowMs ?? 0,
          rateLostResponse: f?.rateLostResponse ?? 0,
        }),
      failNextCreate: (kind, status) => fake.faults.set({ failNext: { status, count: 1, route: CREATE_ROUTES[kind] } }),
      get tokenRefreshes() {
        return fake.stats.tokenRefreshes;
      },
      records: {
        leads: () => fake.records('Lead').map(person),
        contacts: () => fake.records('Contact').map(person),
        deals: () =>
          fake.records('Opportunity').map((o) => ({
            id: o.Id,
            name: text(o['Name']),
            stage: text(o['StageName']),
            amount: typeof o['Amount'] === 'number' ? o['Amount'] : undefined,
            closingDate: text(o['CloseDate']),
            contactId: text(fake.records('OpportunityContactRole').find((r) => r['OpportunityId'] === o.Id)?.['ContactId']),
          })),
        tickets: () =>
          fake.records('Case').map((c) => {
            const owner = byId(c['OwnerId']);
            const ownedByQueue = owner?.['Type'] === 'Queue';
            return {
              id: c.Id,
              number: text(c['CaseNumber']),
              subject: text(c['Subject']),
              description: text(c['Description']),
              status: text(c['Status']),
              priority: text(c['Priority']),
              classification: text(c['Type']),
              department: ownedByQueue ? text(owner['Name']) : '',
              assignee: !ownedByQueue && owner && owner.Id !== fake.org.integrationUserId ? text(owner['Email']) : '',
              contactEmail: text(c['SuppliedEmail']) || text(byId(c['ContactId'])?.['Email']),
            };
          }),
        subscribers: () =>
          fake.records('CampaignMember').map((m) => ({
            list: text(byId(m['CampaignId'])?.['Name']),
            email: text(byId(m['ContactId'] ?? m['LeadId'])?.['Email']),
          })),
      },
      addContact({ name, email }) {
        const [first, ...rest] = name.trim().split(/\s+/);
        return fake.org.insert('Contact', { ...(rest.length > 0 ? { FirstName: first, LastName: rest.join(' ') } : { LastName: first }), Email: email }).Id;
      },
      disableDepartment(name) {
        const queue = fake.records('Group').find((g) => g['Name'] === name);
        if (!queue) throw new Error(`the fake has no queue ${name}`);
        // The queue no longer takes Cases (Setup → Queues → Supported Objects).
        const takes = fake.records('QueueSobject');
        takes.splice(0, takes.length, ...takes.filter((t) => t['QueueId'] !== queue.Id));
      },
      assignees: { active: 'agent@example.com', inactive: 'gone@example.com', unknown: 'nobody@example.com' },
      reset: () => fake.reset(),
      close: () => fake.close(),
    };
  },
};
