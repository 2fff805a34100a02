import { randomBytes } from 'node:crypto';
import { MockAgent } from 'undici';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SecretBox } from '../../secrets/secret-box.ts';
import { openStore } from '../../store/store.ts';
import { STORE_TARGETS, tempStore } from '../../store/test-support.ts';
import { OAuthRefusal } from '../declaration.ts';
import { memoryAccessTokenCache } from '../remote/access-token-cache.ts';
import { storedAccessTokenCache } from '../remote/stored-access-token-cache.ts';
import { IntegrationInvalidError } from '../remote/errors.ts';
import { salesforceOAuthFlow } from './connect.ts';
import { salesforce } from './declaration.ts';
import { PRODUCTION_LOGIN } from './fields.ts';
import { SalesforceOAuth } from './oauth.ts';
import { createSalesforceProvider, salesforceTokenKeys } from './provider.ts';
import { ctx, FAST, salesforceSuite } from './test-support.ts';

const h = await salesforceSuite();
const box = new SecretBox(randomBytes(32));

describe('listValues: the builder offers the org’s own values', () => {
  it('crm: Opportunity stages and Lead sources from the describes', async () => {
    const values = await h.provider.listValues('crm', h.record('crm'));
    expect(values.fields['stage']).toContainEqual({ value: 'Qualification', label: 'Qualification' });
    expect(values.fields['source']?.map((v) => v.value)).toEqual(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']);
  });

  it('helpdesk: queues that take Cases, active users, and the Case picklists (an inactive value is left out)', async () => {
    const status = h.fake.org.schema.get('Case')!.fields.find((f) => f.name === 'Status')!;
    status.picklistValues = status.picklistValues!.map((p) => (p.value === 'Escalated' ? { ...p, active: false } : p));
    const values = await h.provider.listValues('helpdesk', h.record('helpdesk'));
    expect(values.fields['department']).toEqual([
      { value: 'Support', label: 'Support' },
      { value: 'Sales', label: 'Sales' },
    ]);
    expect(values.fields['assignee']?.map((a) => a.value)).toEqual(['integration@example.com', 'agent@example.com']);
    expect(values.fields['status']?.map((s) => s.value)).toEqual(['New', 'Open', 'Working', 'Closed']);
    expect(values.fields['priority']?.map((s) => s.value)).toEqual(['High', 'Medium', 'Low']);
    expect(values.fields['classification']?.map((s) => s.value)).toEqual(['Question', 'Problem', 'Feature Request']);
    expect(values.accepts?.['department']).toContain('Support');
  });

  it('mailing: active campaigns; a refresh reads the org again', async () => {
    const record = h.record('mailing');
    expect((await h.provider.listValues('mailing', record)).fields['list']).toEqual([{ value: 'Newsletter', label: 'Newsletter' }]);
    h.fake.org.addCampaign('Spring webinar');
    h.fake.org.addCampaign('Retired', false);
    expect((await h.provider.listValues('mailing', record)).fields['list']).toHaveLength(1);
    expect((await h.provider.listValues('mailing', record, { refresh: true })).fields['list']?.map((l) => l.value)).toEqual(['Newsletter', 'Spring webinar']);
  });
});

describe('checkIntegration: every permission the blocks use', () => {
  it('ok for a user who may do everything', async () => {
    for (const role of ['crm', 'helpdesk', 'mailing'] as const) expect(await h.provider.checkIntegration(role, h.record(role))).toEqual({ ok: true });
  });

  it('names the object the user cannot create or read', async () => {
    h.fake.org.schema.get('OpportunityContactRole')!.createable = false;
    expect(await h.provider.checkIntegration('crm', h.record('crm'))).toEqual({
      ok: false,
      message: expect.stringMatching(/cannot create OpportunityContactRole records/),
      problem: { code: 'service_refused', params: { detail: expect.stringMatching(/Create on OpportunityContactRole/) } },
    });
    h.fake.org.schema.get('QueueSobject')!.queryable = false;
    expect(await h.provider.checkIntegration('helpdesk', h.record('helpdesk'))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/cannot read QueueSobject records.*INVALID_TYPE/),
    });
  });

  it('a grant without the api scope is scope_missing; a revoked one credentials_refused; both invalid', async () => {
    const noApi = h.fake.newClient(['refresh_token']);
    expect(await h.provider.checkIntegration('crm', h.record('crm', { client: noApi }))).toMatchObject({
      ok: false,
      invalid: true,
      problem: { code: 'scope_missing', params: { scopes: 'api' } },
    });
    const revoked = h.fake.newClient();
    h.fake.revokeRefreshToken(revoked.refreshToken);
    expect(await h.provider.checkIntegration('mailing', h.record('mailing', { client: revoked }))).toMatchObject({
      ok: false,
      invalid: true,
      problem: { code: 'credentials_refused', params: { detail: expect.stringMatching(/invalid_grant/) } },
    });
  });

  it('a block on incomplete credentials is integration_invalid and marks the integration, without calling Salesforce', async () => {
    const record = { ...h.record('helpdesk'), secrets: { clientSecret: 'a-secret-value' } };
    const before = h.fake.stats.requests;
    const outcome = await h.connect('helpdesk', record).createTicket(
      {
        subject: 'S',
        description: '',
        status: '',
        priority: '',
        classification: '',
        department: '',
        assignee: '',
        contact: { name: '', email: '', phone: '' },
      },
      ctx(),
    );
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/refreshToken is missing/) });
    expect(h.invalid).toHaveLength(1);
    expect(h.fake.stats.requests).toBe(before);
  });

  it('incomplete settings are settings_invalid, naming the field and never a value', async () => {
    const record = { ...h.record('crm'), secrets: { clientSecret: 'a-secret-value' } };
    const check = await h.provider.checkIntegration('crm', record);
    expect(check).toMatchObject({ ok: false, problem: { code: 'settings_invalid' }, message: expect.stringMatching(/refreshToken/) });
    expect(JSON.stringify(check)).not.toContain('a-secret-value');
  });
});

describe('sessions', () => {
  it('one refresh for many concurrent calls, kept with its instance_url; a 401 refreshes once more', async () => {
    const crm = h.connect('crm');
    const leads = Array.from({ length: 20 }, (_, i) => ({ name: `V ${i}`, email: `v${i}@example.com`, phone: '', company: '', fields: {} }));
    await Promise.all(leads.map((l) => crm.createLead(l, ctx())));
    expect(h.fake.stats.tokenRefreshes).toBe(1);
    h.fake.expireSessions();
    await crm.createLead({ ...leads[0]!, email: 'later@example.com' }, ctx());
    expect(h.fake.stats.tokenRefreshes).toBe(2);
  });

  it('a session refused right after a refresh is integration_invalid, not a loop', async () => {
    const crm = h.connect('crm');
    h.fake.faults.set({ failNext: { status: 401, count: 5, route: 'GET /query' } });
    const outcome = await crm.createLead({ name: 'A', email: 'a@example.com', phone: '', company: '', fields: {} }, ctx());
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/freshly refreshed session/) });
    expect(h.fake.stats.tokenRefreshes).toBeLessThanOrEqual(2);
  });

  it('token keys name the login server and client, never a secret; incomplete credentials have none', () => {
    const record = h.record('crm');
    const [key] = salesforceTokenKeys(record);
    expect(key).toMatch(new RegExp(`^salesforce:${h.fake.url}:`));
    expect(key).not.toContain(record.secrets['refreshToken']!);
    expect(salesforceTokenKeys({ ...record, secrets: {} })).toEqual([]);
    expect(salesforceTokenKeys({ ...record, settings: { ...record.settings, loginUrl: PRODUCTION_LOGIN } })).not.toEqual([key]);
  });

  it("refuses an instance_url outside Salesforce when the login server is Salesforce's own, sending the token nowhere", async () => {
    const login = new MockAgent();
    login.disableNetConnect();
    login
      .get(PRODUCTION_LOGIN)
      .intercept({ path: '/services/oauth2/token', method: 'POST' })
      .reply(200, { access_token: 'x', instance_url: 'https://evil.example.com', token_type: 'Bearer' })
      .persist();
    const oauth = new SalesforceOAuth({
      tokens: memoryAccessTokenCache(),
      loginOrigin: PRODUCTION_LOGIN,
      clientId: 'c',
      clientSecret: 's',
      refreshToken: 'r',
      dispatcher: login,
    });
    await expect(oauth.session()).rejects.toThrow(IntegrationInvalidError);
    await expect(oauth.session()).rejects.toThrow(/outside Salesforce/);
    await login.close();
  });
});

describe('connecting with OAuth (the web-server flow)', () => {
  const settings = () => ({ clientId: h.fake.client.clientId, loginUrl: h.fake.url });
  const redirectUri = 'https://renkei.example.com/api/v1/admin/integrations/oauth/callback';

  it("sends the admin to the login server's consent page with the scopes, and trades the code for a refresh token", async () => {
    const url = new URL(salesforceOAuthFlow.authorizeUrl(settings(), { scopes: ['api', 'refresh_token'], redirectUri, state: 'st' }));
    expect(`${url.origin}${url.pathname}`).toBe(`${h.fake.url}/services/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ response_type: 'code', scope: 'api refresh_token', redirect_uri: redirectUri, state: 'st' });
    const consent = await fetch(url, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st');
    const granted = await salesforceOAuthFlow.exchange(
      settings(),
      { clientSecret: h.fake.client.clientSecret },
      {
        code: back.searchParams.get('code')!,
        redirectUri,
        callback: back.searchParams,
      },
    );
    expect(granted).toEqual({ refreshToken: h.fake.client.refreshToken });
  });

  it('a used code, a wrong secret or a grant without refresh_token is a refusal saying what to do', async () => {
    const consent = async () =>
      new URL(
        (await fetch(salesforceOAuthFlow.authorizeUrl(settings(), { scopes: ['api'], redirectUri, state: 's' }), { redirect: 'manual' })).headers.get(
          'location',
        )!,
      );
    const first = await consent();
    const code = first.searchParams.get('code')!;
    const secrets = { clientSecret: h.fake.client.clientSecret };
    await salesforceOAuthFlow.exchange(settings(), secrets, { code, redirectUri, callback: first.searchParams });
    await expect(salesforceOAuthFlow.exchange(settings(), secrets, { code, redirectUri, callback: first.searchParams })).rejects.toThrow(/invalid_grant/);
    const second = await consent();
    await expect(
      salesforceOAuthFlow.exchange(
        settings(),
        { clientSecret: 'wrong' },
        { code: second.searchParams.get('code')!, redirectUri, callback: second.searchParams },
      ),
    ).rejects.toThrow(OAuthRefusal);
    const noRefresh = h.fake.newClient(['api']);
    const third = new URL(
      (
        await fetch(salesforceOAuthFlow.authorizeUrl({ clientId: noRefresh.clientId, loginUrl: h.fake.url }, { scopes: ['api'], redirectUri, state: 's' }), {
          redirect: 'manual',
        })
      ).headers.get('location')!,
    );
    await expect(
      salesforceOAuthFlow.exchange(
        { clientId: noRefresh.clientId, loginUrl: h.fake.url },
        { clientSecret: noRefresh.clientSecret },
        {
          code: third.searchParams.get('code')!,
          redirectUri,
          callback: third.searchParams,
        },
      ),
    ).rejects.toThrow(/refresh_token/);
  });

  it('the declaration: production is the default login server, a sandbox the other one the admin API allows', () => {
    expect(salesforce.hosts()).toEqual({ loginUrl: ['https://login.salesforce.com', 'https://test.salesforce.com'] });
    expect(salesforceOAuthFlow.authorizeUrl({ clientId: 'c' }, { scopes: ['api'], redirectUri, state: 's' })).toMatch(
      /^https:\/\/login\.salesforce\.com\/services\/oauth2\/authorize\?/,
    );
  });
});

describe.each(STORE_TARGETS)('refresh token rotation, two processes sharing the tokens on %s', (kind) => {
  it('the rotated refresh token is kept for every process; one holding the old session neither refreshes with the spent token nor is locked out', async () => {
    const store = await tempStore(kind);
    const other = await openStore(store.target);
    onTestFinished(() => other.close());
    const app = h.fake.newClient(undefined, { rotateRefreshTokens: true });
    const record = h.record('crm', { client: app });
    const processA = createSalesforceProvider({ ...FAST, tokens: storedAccessTokenCache(store, () => box) });
    const processB = createSalesforceProvider({ ...FAST, tokens: storedAccessTokenCache(other, () => box) });

    await processA.listValues('crm', record);
    await processB.listValues('crm', record);
    expect(h.fake.stats.tokenRefreshes).toBe(1);
    const [row] = await store.db.selectFrom('access_tokens').select('token').execute();
    const rotated = box.open(row!.token!)['refresh_token'];
    expect(rotated).toMatch(/^5Aep861/);
    expect(rotated).not.toBe(app.refreshToken);

    // Every session ends; B refreshes with the rotated token, A then takes B's session.
    h.fake.expireSessions();
    await processB.listValues('crm', record, { refresh: true });
    await processA.listValues('crm', record, { refresh: true });
    expect(h.fake.stats.tokenRefreshes).toBe(2);
    expect(h.invalid).toEqual([]);
    expect(await processA.checkIntegration('crm', record)).toEqual({ ok: true });
    // The configured refresh token is spent at Salesforce: only the stored one works.
    const spent = await fetch(`${h.fake.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret, refresh_token: app.refreshToken }),
    });
    expect(spent.status).toBe(400);
  });
});
