import { createZohoProvider } from '../../src/connectors/zoho/provider.ts';
import type { FakeCredentials, ProviderFake, RecordKind, RunningProviderFake } from '../helpers/provider-fake.ts';
import { startFakeZoho, type CrmRecord } from './index.ts';

/** The routes that create each kind of record, for `failNextCreate`. */
const CREATE_ROUTES: Record<RecordKind, string> = {
  lead: 'POST /crm/v8/Leads',
  contact: 'POST /crm/v8/Contacts',
  deal: 'POST /crm/v8/Deals',
  ticket: 'POST /api/v1/tickets',
  subscriber: 'POST /api/v1.1/json/listsubscribe',
};

const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));
const lookupId = (value: unknown): string => (value && typeof value === 'object' && 'id' in value ? text((value as { id: unknown }).id) : '');

/** The fake Zoho (CRM v8, Desk v1, Campaigns v1.1) for the provider-neutral suites (../helpers/provider-fake.ts). */
export const providerFake: ProviderFake = {
  provider: 'zoho',
  roles: ['crm', 'helpdesk', 'mailing'],
  benchProvider: () => createZohoProvider({ retry: { baseMs: 50, capMs: 2_000 }, connectionsPerHost: 50 }),

  async start(opts = {}): Promise<RunningProviderFake> {
    const fake = await startFakeZoho({ seed: opts.seed ?? 7 });
    const credentialsOf = (client: { clientId: string; clientSecret: string; refreshToken: string }): FakeCredentials => ({
      settings: { clientId: client.clientId },
      secrets: { clientSecret: client.clientSecret, refreshToken: client.refreshToken },
    });
    const person = (r: CrmRecord) => ({
      id: r.id,
      name: [text(r['First_Name']), text(r['Last_Name'])].filter(Boolean).join(' '),
      email: text(r['Email']),
      phone: text(r['Phone']),
      company: text(r['Company']) || text((r['Account_Name'] as { name?: unknown } | undefined)?.name),
    });
    return {
      get url() {
        return fake.url;
      },
      integration(role, credentials = credentialsOf(fake.client)) {
        return {
          settings: {
            dc: 'com',
            ...credentials.settings,
            ...(role === 'helpdesk' ? { orgId: fake.orgId } : {}),
            accountsUrl: fake.url,
            apiUrl: fake.url,
          },
          secrets: credentials.secrets,
        };
      },
      addCredentials(name) {
        const client = { clientId: `1000.${name.toUpperCase()}`, clientSecret: `${name}-secret-${name.length}42`, refreshToken: `1000.${name}.refresh.token` };
        fake.addClient(client);
        return credentialsOf(client);
      },
      unknownCredentials: () => credentialsOf({ clientId: '1000.UNKNOWN', clientSecret: 'nope-secret-456', refreshToken: '1000.nope.refresh' }),
      revoke: (credentials) => fake.revokeRefreshToken(credentials.secrets['refreshToken']!),
      expireAccessTokens: () => fake.expireAccessTokens(),
      randomFaults: (f) =>
        fake.faults.set({
          rate5xx: f?.rate5xx ?? 0,
          rate429: f?.rate429 ?? 0,
          retryAfterSeconds: f?.retryAfterSeconds ?? 1,
          rateSlow: f?.rateSlow ?? 0,
          slowMs: f?.slowMs ?? 0,
          rateLostResponse: f?.rateLostResponse ?? 0,
          searchLagMs: f?.searchLagMs ?? 0,
        }),
      failNextCreate: (kind, status) => fake.faults.set({ failNext: { status, count: 1, route: CREATE_ROUTES[kind] } }),
      get tokenRefreshes() {
        return fake.stats.tokenRefreshes;
      },
      records: {
        leads: () => fake.crm.leads.map(person),
        contacts: () => fake.crm.contacts.map(person),
        deals: () =>
          fake.crm.deals.map((d) => ({
            id: d.id,
            name: text(d['Deal_Name']),
            stage: text(d['Stage']),
            amount: typeof d['Amount'] === 'number' ? d['Amount'] : undefined,
            closingDate: text(d['Closing_Date']),
            contactId: lookupId(d['Contact_Name']),
          })),
        tickets: () =>
          fake.desk.tickets.map((t) => ({
            id: t.id,
            number: t.ticketNumber,
            subject: t.subject,
            description: text(t.description),
            status: t.status,
            priority: text(t.priority),
            classification: text(t.classification),
            department: fake.desk.departments.find((d) => d.id === t.departmentId)?.name ?? '',
            assignee: fake.desk.agents.find((a) => a.id === t.assigneeId)?.emailId ?? '',
            contactEmail: text(fake.desk.contacts.find((c) => c.id === t.contactId)?.email),
          })),
        subscribers: () =>
          fake.campaigns.subscribers.map((s) => ({ list: fake.campaigns.lists.find((l) => l.listkey === s.listkey)?.listname ?? '', email: s.email })),
      },
      addContact({ name, email }) {
        const [first, ...rest] = name.trim().split(/\s+/);
        return fake.addCrmRecord('Contacts', { ...(rest.length > 0 ? { First_Name: first, Last_Name: rest.join(' ') } : { Last_Name: first }), Email: email })
          .id;
      },
      disableDepartment(name) {
        const department = fake.desk.departments.find((d) => d.name === name);
        if (!department) throw new Error(`the fake has no department ${name}`);
        department.isEnabled = false;
      },
      assignees: { active: 'agent@example.com', inactive: 'gone@example.com', unknown: 'nobody@example.com' },
      reset: () => fake.reset(),
      close: () => fake.close(),
    };
  },
};
