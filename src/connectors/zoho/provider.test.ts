import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Outcome } from '../../vocabulary/outcome.ts';
import { errorInfo, parseRetryAfter } from './http.ts';
import { memoryAccessTokenCache, type AccessTokenCache } from '../remote/access-token-cache.ts';
import { createZohoProvider } from './provider.ts';
import { ctx, FAST, zohoSuite } from './test-support.ts';
import { zohoOrigins } from './data-centres.ts';

const z = await zohoSuite();

describe('checkIntegration', () => {
  it('says ok for working CRM, Desk and Campaigns credentials', async () => {
    for (const role of ['crm', 'helpdesk', 'mailing'] as const) {
      expect(await z.provider.checkIntegration(role, z.record(role))).toEqual({ ok: true });
    }
    expect(z.fake.stats.byRoute).toMatchObject({
      'GET /crm/v8/org': 1,
      'POST /crm/v8/coql': 1,
      'GET /api/v1/departments': 1,
      'GET /api/v1/contacts': 1,
      'GET /api/v1/tickets': 1,
      'GET /api/v1.1/getmailinglists': 1,
    });
  });

  it('says exactly what is wrong', async () => {
    const revoked = z.newClient();
    z.fake.revokeRefreshToken(revoked.refreshToken);
    expect(await z.provider.checkIntegration('crm', z.record('crm', { client: revoked }))).toEqual({
      ok: false,
      message: expect.stringMatching(/^Zoho refused the refresh token \(invalid_code\)/),
      invalid: true,
      problem: { code: 'credentials_refused', params: { detail: expect.stringMatching(/^Zoho refused the refresh token/) } },
    });
    expect(await z.provider.checkIntegration('helpdesk', z.record('helpdesk', { settings: { orgId: '12345' } }))).toEqual({
      ok: false,
      message: expect.stringMatching(/OAUTH_ORG_MISMATCH/),
      invalid: true,
      problem: { code: 'credentials_refused', params: { detail: expect.stringMatching(/OAUTH_ORG_MISMATCH/) } },
    });
    const noOrgScope = z.newClient(['ZohoCRM.modules.ALL', 'ZohoCRM.coql.READ']);
    expect(await z.provider.checkIntegration('crm', z.record('crm', { client: noOrgScope }))).toEqual({
      ok: false,
      message: expect.stringMatching(/\/crm\/v8\/org \(OAUTH_SCOPE_MISMATCH/),
      invalid: true,
      problem: { code: 'scope_missing', params: { scopes: 'ZohoCRM.org.READ' } },
    });
    const noSearch = z.newClient(['Desk.basic.READ', 'Desk.tickets.CREATE', 'Desk.contacts.CREATE', 'Desk.tickets.READ']);
    expect(await z.provider.checkIntegration('helpdesk', z.record('helpdesk', { client: noSearch }))).toEqual({
      ok: false,
      message: expect.stringMatching(/\/api\/v1\/contacts \(SCOPE_MISMATCH.*it needs Desk\.contacts\.READ/),
      invalid: true,
      problem: { code: 'scope_missing', params: { scopes: 'Desk.contacts.READ' } },
    });
    // A grant made before COQL's extra scope was documented: the check says so, not a chat.
    const noFieldsScope = z.newClient(['ZohoCRM.modules.ALL', 'ZohoCRM.coql.READ', 'ZohoCRM.org.READ']);
    expect(await z.provider.checkIntegration('crm', z.record('crm', { client: noFieldsScope }))).toEqual({
      ok: false,
      message: expect.stringMatching(/\/crm\/v8\/coql \(OAUTH_SCOPE_MISMATCH.*ZohoCRM\.settings\.fields\.READ/),
      invalid: true,
      problem: { code: 'scope_missing', params: { scopes: 'ZohoCRM.coql.READ, ZohoCRM.settings.fields.READ, ZohoCRM.modules.leads.READ' } },
    });
    expect(await z.provider.checkIntegration('mailing', z.record('mailing', { settings: { dc: 'moon' } }))).toEqual({
      ok: false,
      message: expect.stringMatching(/dc is not one of the accepted values/),
      problem: { code: 'settings_invalid', params: { detail: expect.stringMatching(/dc is not one/) } },
    });
    expect(await z.provider.checkIntegration('mailing', z.record('mailing', { secrets: { refreshToken: '' } }))).toEqual({
      ok: false,
      message: expect.stringMatching(/credentials are incomplete: refreshToken is missing/),
      problem: { code: 'settings_invalid', params: { detail: expect.stringMatching(/refreshToken is missing/) } },
    });
  });

  it('asks Zoho again rather than repeating an earlier refusal, so fixed credentials check ok', async () => {
    const client = z.newClient();
    z.fake.faults.set({ tokenThrottle: true });
    expect(await z.provider.checkIntegration('crm', z.record('crm', { client }))).toMatchObject({ ok: false, message: expect.stringMatching(/throttl/) });
    z.fake.faults.reset();
    expect(await z.provider.checkIntegration('crm', z.record('crm', { client }))).toEqual({ ok: true });
  });
});

describe('secrets', () => {
  const written: string[] = [];
  beforeEach(() => {
    written.length = 0;
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        written.push(args.map(String).join(' '));
      });
    }
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it('never appear in outcomes, invalid marks, check results or anything written to the console', async () => {
    const good = z.newClient();
    const revoked = z.newClient();
    z.fake.revokeRefreshToken(revoked.refreshToken);
    const lead = { name: 'Yui Tanaka', email: 'yui@example.jp', phone: 'bad phone', company: '', fields: {} };
    const outcomes: Outcome[] = [];
    outcomes.push(await z.connect('crm', z.record('crm', { client: good })).createLead(lead, ctx()));
    outcomes.push(await z.connect('crm', z.record('crm', { client: revoked })).createLead(lead, ctx()));
    outcomes.push(await z.connect('crm', z.record('crm', { client: { ...good, clientSecret: `${good.clientSecret}x` } })).createLead(lead, ctx()));
    z.useProvider({ ...FAST, deadlineMs: 200 });
    z.fake.faults.set({ rate5xx: 1 });
    outcomes.push(
      await z.connect('mailing', z.record('mailing', { client: good })).subscribe({ list: 'Newsletter', name: 'a', email: 'a@example.com', phone: '' }, ctx()),
    );
    z.fake.faults.reset();
    const checks = [
      await z.provider.checkIntegration('crm', z.record('crm', { client: revoked })),
      await z.provider.checkIntegration('helpdesk', z.record('helpdesk', { client: good, settings: { orgId: '1' } })),
    ];
    expect(outcomes.map((o) => o.outcome)).toEqual(['failure', 'integration_invalid', 'integration_invalid', 'failure']);

    const everything = JSON.stringify({ outcomes, checks, invalid: z.invalid, written });
    for (const client of [good, revoked]) {
      expect(everything).not.toContain(client.clientSecret);
      expect(everything).not.toContain(client.refreshToken);
    }
    // Zoho's access tokens share the refresh token's shape: none leaked either.
    expect(everything).not.toMatch(/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/);
  });
});

describe('helpers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(now + 7_000);
    expect(parseRetryAfter(['2', '9'], now)).toBe(now + 2_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(now + 30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(now);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("reads every service's error envelope", () => {
    expect(errorInfo({ code: 'INVALID_TOKEN', message: 'invalid oauth token', status: 'error' })).toEqual({
      code: 'INVALID_TOKEN',
      message: 'invalid oauth token',
    });
    expect(errorInfo({ errorCode: 'INVALID_OAUTH', message: 'x' })).toEqual({ code: 'INVALID_OAUTH', message: 'x' });
    expect(errorInfo({ Code: 1007, message: 'Unauthorized request.' })).toEqual({ code: '1007', message: 'Unauthorized request.' });
    expect(errorInfo('<html>')).toEqual({});
  });

  it('maps data centres to their hosts, and overrides to one origin for every API', () => {
    expect(zohoOrigins('eu')).toEqual({
      accounts: 'https://accounts.zoho.eu',
      crm: 'https://www.zohoapis.eu',
      desk: 'https://desk.zoho.eu',
      campaigns: 'https://campaigns.zoho.eu',
    });
    expect(zohoOrigins('ca')).toMatchObject({ accounts: 'https://accounts.zohocloud.ca', crm: 'https://www.zohoapis.ca' });
    expect(zohoOrigins('jp', { apiUrl: 'http://127.0.0.1:9/ignored/path', accountsUrl: 'http://127.0.0.1:8' })).toEqual({
      accounts: 'http://127.0.0.1:8',
      crm: 'http://127.0.0.1:9',
      desk: 'http://127.0.0.1:9',
      campaigns: 'http://127.0.0.1:9',
    });
    expect(() => zohoOrigins('com', { apiUrl: 'ftp://x' })).toThrow(/http\(s\)/);
  });

  it('knows the UK data centre, and has no Campaigns where Zoho does not offer it', () => {
    expect(zohoOrigins('uk')).toEqual({
      accounts: 'https://accounts.zoho.uk',
      crm: 'https://www.zohoapis.uk',
      desk: 'https://desk.zoho.uk',
      campaigns: undefined,
    });
    expect(zohoOrigins('ca').campaigns).toBeUndefined();
    expect(zohoOrigins('sa').campaigns).toBeUndefined();
  });

  it('refuses a mailing integration in a data centre without Campaigns, naming where it is offered', async () => {
    const record = z.record('mailing', { settings: { dc: 'uk', accountsUrl: '', apiUrl: '' } });
    const { accountsUrl: _a, apiUrl: _b, ...settings } = record.settings;
    const uk = { ...record, settings };
    expect(await z.provider.checkIntegration('mailing', uk)).toEqual({
      ok: false,
      message: expect.stringMatching(/Zoho Campaigns is not offered in the uk data centre \(Zoho lists it in com, eu, in, com\.au, jp, com\.cn\)/),
      problem: { code: 'settings_invalid', params: { detail: expect.stringMatching(/not offered in the uk data centre/) } },
    });
    expect(
      await z.provider.connect('mailing', uk, z.hooks).subscribe({ list: 'Newsletter', name: 'Yui', email: 'y@example.jp', phone: '' }, ctx()),
    ).toMatchObject({
      outcome: 'integration_invalid',
    });
    expect(z.fake.stats.byRoute['POST /oauth/v2/token'] ?? 0).toBe(0);
  });
});

describe('crmFields', () => {
  it("offers each module's field API names, matched exactly as the connector sends them, cached like the picklists", async () => {
    const { lead, contact, deal } = await z.provider.crmFields(z.record('crm'));
    expect([lead.object, contact.object, deal.object]).toEqual(['Leads', 'Contacts', 'Deals']);
    expect(lead.names).toEqual(expect.arrayContaining(['Last_Name', 'Lead_Source', 'Description']));
    expect(lead.resolve('Lead_Source')).toBe('Lead_Source');
    expect(lead.resolve('lead_source')).toBeUndefined();
    expect(deal.resolve('Stage')).toBe('Stage');
    expect(deal.resolve('Lead_Sorce')).toBeUndefined();
    await z.provider.crmFields(z.record('crm'));
    expect(z.fake.stats.byRoute['GET /crm/v8/settings/fields']).toBe(3);
    await z.provider.crmFields(z.record('crm'), { refresh: true });
    expect(z.fake.stats.byRoute['GET /crm/v8/settings/fields']).toBe(6);
  });
});

describe('listValues', () => {
  it("offers the CRM's deal stages and lead sources, without Zoho's -None- placeholder", async () => {
    const offered = await z.provider.listValues('crm', z.record('crm'));
    expect(offered.fields['stage']?.map((v) => v.value)).toEqual(expect.arrayContaining(['Qualification', 'Closed Won']));
    expect(offered.fields['source']?.map((v) => v.value)).toContain('Chat');
    expect(offered.fields['stage']?.some((v) => v.value === '-None-')).toBe(false);
    await z.provider.listValues('crm', z.record('crm'));
    expect(z.fake.stats.byRoute['GET /crm/v8/settings/fields']).toBe(2);
  });

  it('offers the deal stages per pipeline where the CRM has pipelines, and the Stage picklist where it has none or the grant cannot read them', async () => {
    z.fake.dealPipelines.push({ name: 'Standard', stages: ['Qualification', 'Closed Won'] }, { name: 'Renewals', stages: ['Renewal Due', 'Closed Won'] });
    const offered = await z.provider.listValues('crm', z.record('crm'));
    expect(offered.fields['stage']).toEqual([
      { value: 'Qualification', label: 'Qualification — Standard' },
      { value: 'Closed Won', label: 'Closed Won — Standard' },
      { value: 'Renewal Due', label: 'Renewal Due — Renewals' },
      { value: 'Closed Won', label: 'Closed Won — Renewals' },
    ]);
    // A grant from before the pipeline scopes: every stage of the picklist, unlabelled.
    const older = z.newClient(['ZohoCRM.settings.fields.READ', 'ZohoCRM.modules.deals.READ']);
    const fallback = await z.provider.listValues('crm', z.record('crm', { client: older }));
    expect(fallback.fields['stage']?.map((v) => v.label)).toEqual(expect.arrayContaining(['Qualification', 'Negotiation/Review', 'Closed Won']));
    // No pipelines (Zoho answers 204): the picklist.
    z.fake.dealPipelines.length = 0;
    const none = await z.provider.listValues('crm', z.record('crm'), { refresh: true });
    expect(none.fields['stage']?.find((v) => v.value === 'Negotiation/Review')).toEqual({ value: 'Negotiation/Review', label: 'Negotiation/Review' });
  });

  it("offers the portal's own priorities, and Desk's defaults with a note when the grant cannot read the ticket fields", async () => {
    z.fake.deskPicklists.priority.splice(0, Infinity, 'P1', 'P2');
    expect((await z.provider.listValues('helpdesk', z.record('helpdesk'))).fields['priority']).toEqual([
      { value: 'P1', label: 'P1' },
      { value: 'P2', label: 'P2' },
    ]);
    const noSettings = z.newClient(['Desk.basic.READ', 'Desk.tickets.READ']);
    const offered = await z.provider.listValues('helpdesk', z.record('helpdesk', { client: noSettings }));
    expect(offered.fields['department']?.map((d) => d.value)).toEqual(['Support', 'Sales']);
    expect(offered.fields['priority']?.map((d) => d.value)).toEqual(['High', 'Medium', 'Low', 'None']);
    expect(offered.note).toMatch(/could not be read \(.*SCOPE_MISMATCH.*\); Zoho Desk's defaults are offered/);
  });
});

describe('access tokens', () => {
  it('come from the AccessTokenCache the provider is given: two providers sharing one refresh once', async () => {
    const tokens = memoryAccessTokenCache();
    const seenKeys: string[] = [];
    const watched: AccessTokenCache = {
      tokenFor: (key, refresh, now) => {
        seenKeys.push(key);
        return tokens.tokenFor(key, refresh, now);
      },
      invalidate: (key, token) => tokens.invalidate(key, token),
      keepOnly: (keys) => tokens.keepOnly(keys),
    };
    const before = z.fake.stats.tokenRefreshes;
    for (const provider of [createZohoProvider({ ...FAST, tokens: watched }), createZohoProvider({ ...FAST, tokens: watched })]) {
      const outcome = await provider
        .connect('crm', z.record('crm'), z.hooks)
        .createLead({ name: 'Aoi Sato', email: `aoi.${Math.random().toString(36).slice(2)}@example.com`, phone: '', company: 'Acme', fields: {} }, ctx());
      expect(outcome.outcome).toBe('success');
    }
    expect(z.fake.stats.tokenRefreshes - before).toBe(1);
    expect(seenKeys.length).toBeGreaterThanOrEqual(2);
    // The key names the credentials without holding a secret.
    for (const key of seenKeys) {
      expect(key).toMatch(/^zoho:/);
      expect(key).not.toContain(z.fake.client.clientSecret);
      expect(key).not.toContain(z.fake.client.refreshToken);
    }
  });
});
