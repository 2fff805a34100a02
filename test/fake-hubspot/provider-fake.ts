import { createHubSpotProvider } from '../../src/connectors/hubspot/provider.ts';
import type { FakeCredentials, ProviderFake, RecordKind, RunningProviderFake } from '../helpers/provider-fake.ts';
import { startFakeHubSpot, type AppCredentials, type CrmObject } from './index.ts';

const CREATE_ROUTES: Record<RecordKind, string> = {
  lead: 'POST /crm/v3/objects/contacts',
  contact: 'POST /crm/v3/objects/contacts',
  deal: 'POST /crm/v3/objects/deals',
  ticket: 'POST /crm/v3/objects/tickets',
  subscriber: 'PUT /crm/v3/lists/*',
};

/** The fake HubSpot for the provider-neutral suites (../helpers/provider-fake.ts). */
export const providerFake: ProviderFake = {
  provider: 'hubspot',
  roles: ['crm', 'helpdesk', 'mailing'],
  benchProvider: () => createHubSpotProvider({ retry: { baseMs: 50, capMs: 2_000 }, connectionsPerHost: 50 }),

  async start(opts = {}): Promise<RunningProviderFake> {
    const fake = await startFakeHubSpot({ seed: opts.seed ?? 7 });
    const credentialsOf = (app: AppCredentials): FakeCredentials => ({
      settings: { clientId: app.clientId },
      secrets: { clientSecret: app.clientSecret, refreshToken: app.refreshToken },
    });
    const p = (o: CrmObject, name: string) => o.properties[name] ?? '';
    const associated = (o: CrmObject, type: 'contacts' | 'companies') => o.associations.find((a) => a.toType === type)?.toId ?? '';
    const person = (o: CrmObject) => {
      const companyId = associated(o, 'companies');
      return {
        id: o.id,
        name: [p(o, 'firstname'), p(o, 'lastname')].filter(Boolean).join(' '),
        email: p(o, 'email'),
        phone: p(o, 'phone'),
        company: (companyId ? fake.companies.find((c) => c.id === companyId)?.properties['name'] : undefined) ?? p(o, 'company'),
      };
    };
    const emailOf = (contactId: string) => fake.contacts.find((c) => c.id === contactId)?.properties['email'] ?? '';
    return {
      get url() {
        return fake.url;
      },
      integration: (_role, credentials = credentialsOf(fake.app)) => ({
        settings: { ...credentials.settings, apiUrl: fake.url },
        secrets: credentials.secrets,
      }),
      addCredentials(name) {
        const app = { clientId: `${name}-client-0a1b`, clientSecret: `${name}-secret-2c3d`, refreshToken: `na1-${name}-refresh-4e5f` };
        fake.addApp(app);
        return credentialsOf(app);
      },
      unknownCredentials: () => credentialsOf({ clientId: 'unknown-client-9z', clientSecret: 'nope-secret-456', refreshToken: 'na1-nope-refresh' }),
      revoke: (credentials) => fake.revoke(credentials.secrets['refreshToken']!),
      expireAccessTokens: () => fake.expireAccessTokens(),
      // HubSpot's 429 as documented carries X-HubSpot-RateLimit-* headers, not Retry-After: the
      // fake answers that way whatever wait the suite would like, and the client backs off itself.
      randomFaults: (f) =>
        fake.faults.set({
          rate5xx: f?.rate5xx ?? 0,
          rate429: f?.rate429 ?? 0,
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
        leads: () => fake.contacts.filter((c) => c.properties['lifecyclestage'] === 'lead').map(person),
        contacts: () => fake.contacts.filter((c) => c.properties['lifecyclestage'] !== 'lead' && c.properties['lifecyclestage'] !== 'subscriber').map(person),
        deals: () =>
          fake.deals.map((d) => {
            const pipeline = fake.dealPipelines.find((x) => x.id === p(d, 'pipeline'));
            return {
              id: d.id,
              name: p(d, 'dealname'),
              stage: pipeline?.stages.find((s) => s.id === p(d, 'dealstage'))?.label ?? '',
              amount: p(d, 'amount') === '' ? undefined : Number(p(d, 'amount')),
              closingDate: p(d, 'closedate').slice(0, 10),
              contactId: associated(d, 'contacts'),
            };
          }),
        tickets: () =>
          fake.tickets.map((t) => {
            const pipeline = fake.ticketPipelines.find((x) => x.id === p(t, 'hs_pipeline'));
            const option = (name: 'hs_ticket_priority' | 'hs_ticket_category') =>
              fake.data.ticketOptions[name].find((o) => o.value === p(t, name))?.label ?? '';
            return {
              id: t.id,
              number: t.id,
              subject: p(t, 'subject'),
              description: p(t, 'content'),
              status: pipeline?.stages.find((s) => s.id === p(t, 'hs_pipeline_stage'))?.label ?? '',
              priority: option('hs_ticket_priority'),
              classification: option('hs_ticket_category'),
              department: pipeline?.label ?? '',
              assignee: fake.owners.find((o) => o.id === p(t, 'hubspot_owner_id'))?.email ?? '',
              contactEmail: emailOf(associated(t, 'contacts')),
            };
          }),
        subscribers: () => fake.lists.flatMap((l) => l.members.map((m) => ({ list: l.name, email: emailOf(m.recordId) }))),
      },
      addContact({ name, email }) {
        const [first, ...rest] = name.trim().split(/\s+/);
        return fake.data.insert('contacts', rest.length > 0 ? { firstname: first!, lastname: rest.join(' '), email } : { lastname: first!, email }).id;
      },
      disableDepartment(name) {
        const pipeline = fake.ticketPipelines.find((x) => x.label === name);
        if (!pipeline) throw new Error(`the fake has no ticket pipeline ${name}`);
        pipeline.archived = true;
      },
      assignees: { active: 'agent@example.com', inactive: 'gone@example.com', unknown: 'nobody@example.com' },
      reset: () => fake.reset(),
      close: () => fake.close(),
    };
  },
};
