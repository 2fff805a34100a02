import { readFileSync } from 'node:fs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../../src/server/test-support.ts';
import { startFakeSalesforce } from './index.ts';
import { oauthDoor } from '../oauth-door.ts';

/**
 * Salesforce through the admin API, as an admin connects it: one consent for all three roles on the
 * Integrations page, the builder's values from the org, and the publish check against them.
 */
const fake = await startFakeSalesforce({ seed: 3 });
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const PUBLIC = 'http://renkei.test';
const CALLBACK = '/api/v1/admin/integrations/oauth/callback';
const SUPPORT = readFileSync(new URL('../../examples/support.yaml', import.meta.url), 'utf8');
const LEAD = readFileSync(new URL('../../examples/lead.yaml', import.meta.url), 'utf8');

// The fake listens on 127.0.0.1: the admin API may point the login URL at it only with custom service URLs.
const server = (): Promise<TestServer> => testServer({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1', RENKEI_PUBLIC_URL: PUBLIC } });

async function connectAll(s: TestServer): Promise<void> {
  const res = await s.admin({
    method: 'POST',
    url: '/api/v1/admin/integrations/crm/connect',
    payload: {
      provider: 'salesforce',
      settings: { clientId: fake.client.clientId, loginUrl: fake.url },
      secrets: { clientSecret: fake.client.clientSecret },
      roles: ['helpdesk', 'mailing'],
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  const authorizeUrl = new URL(res.json().authorizeUrl);
  expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${fake.url}/services/oauth2/authorize`);
  expect(authorizeUrl.searchParams.get('scope')).toBe('api refresh_token');
  expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${PUBLIC}${CALLBACK}`);
  expect(authorizeUrl.toString()).not.toContain(fake.client.clientSecret);
  const landed = await followConsent(s, res);
  expect(landed.statusCode).toBe(302);
  expect(landed.headers.location).toBe('/admin/integrations?oauth=connected&roles=crm%2Chelpdesk%2Cmailing');
}

/** The browser's way through the consent (the fake's answer) back to Renkei's callback, with the Connect's cookie. */
async function followConsent(s: TestServer, connect: Awaited<ReturnType<TestServer['admin']>>) {
  const consent = await fetch(connect.json().authorizeUrl, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  expect(`${back.origin}${back.pathname}`).toBe(`${PUBLIC}${CALLBACK}`);
  const cookie = String(connect.headers['set-cookie']).split(';')[0] ?? '';
  return s.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { cookie } });
}

describe('Salesforce through the admin API', () => {
  it('one consent connects every role; the refresh token is stored sealed and works', async () => {
    const s = await server();
    await connectAll(s);
    const items = (await s.admin({ url: '/api/v1/admin/integrations' })).json().items as { role: string; provider: string; hasSecrets: boolean }[];
    expect(items.map((i) => [i.role, i.provider, i.hasSecrets])).toEqual([
      ['crm', 'salesforce', true],
      ['helpdesk', 'salesforce', true],
      ['mailing', 'salesforce', true],
    ]);
    const check = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/helpdesk/check' });
    expect(check.json()).toMatchObject({ ok: true });
  });

  it('a declined consent changes nothing; the page says why', async () => {
    const s = await server();
    fake.setConsent('deny');
    const res = await s.admin({
      method: 'POST',
      url: '/api/v1/admin/integrations/crm/connect',
      payload: {
        provider: 'salesforce',
        settings: { clientId: fake.client.clientId, loginUrl: fake.url },
        secrets: { clientSecret: fake.client.clientSecret },
      },
    });
    const landed = await followConsent(s, res);
    expect(landed.headers.location).toMatch(/oauth=denied.*reason=access_denied/);
    const crm = ((await s.admin({ url: '/api/v1/admin/integrations' })).json().items as { role: string; provider: string }[]).find((i) => i.role === 'crm');
    expect(crm?.provider).toBe('builtin');
  });

  it('a consent voided while its code is traded: the refresh token Salesforce gave is revoked and nothing connected', async () => {
    const s = await server();
    // A connected app of the test's own: the fake gives its one refresh token to every consent.
    const client = fake.newClient();
    const door = await oauthDoor(fake.url, async ({ method, path }) => {
      if (method === 'POST' && path === '/services/oauth2/token') await s.admin({ method: 'DELETE', url: '/api/v1/admin/integrations/helpdesk' });
    });
    const res = await s.admin({
      method: 'POST',
      url: '/api/v1/admin/integrations/crm/connect',
      payload: {
        provider: 'salesforce',
        settings: { clientId: client.clientId, loginUrl: door.url },
        secrets: { clientSecret: client.clientSecret },
        roles: ['helpdesk'],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const landed = await followConsent(s, res);
    expect(landed.statusCode).toBe(302);
    const page = new URL(String(landed.headers.location), PUBLIC);
    expect(page.searchParams.get('oauth')).toBe('voided');
    expect(page.searchParams.get('reason')).toMatch(/nothing was connected; the refresh token Salesforce issued was revoked$/);
    expect(door.refreshTokens).toEqual([client.refreshToken]);
    const refresh = await fetch(`${fake.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        refresh_token: client.refreshToken,
      }),
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    const items = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations' })).json().items as { provider: string }[];
    expect(items.every((i) => i.provider !== 'salesforce')).toBe(true);
    expect(s.logs.join('\n')).not.toContain(client.refreshToken);
  });

  it("the builder's values come from the org, and publishing refuses a queue that does not take Cases", async () => {
    const s = await server();
    await connectAll(s);
    const helpdesk = (await s.admin({ url: '/api/v1/admin/integrations/helpdesk/options' })).json();
    expect(helpdesk.provider).toBe('salesforce');
    expect(helpdesk.fields.department.map((d: { value: string }) => d.value)).toEqual(['Support', 'Sales']);
    expect(helpdesk.fields.status.map((d: { value: string }) => d.value)).toContain('Open');
    const crm = (await s.admin({ url: '/api/v1/admin/integrations/crm/options' })).json();
    expect(crm.fields.stage.map((d: { value: string }) => d.value)).toContain('Closed Won');

    const publish = async (text: string) => {
      const saved = await s.admin({ method: 'PUT', url: '/api/v1/admin/bots/support', headers: { 'content-type': 'application/yaml' }, payload: text });
      expect(saved.statusCode, saved.body).toBeLessThan(300);
      return s.admin({ method: 'POST', url: '/api/v1/admin/bots/support/publish' });
    };
    const refused = await publish(SUPPORT.replace('department: Support', 'department: Leads Inbox').replace('status: Open', 'status: Pending'));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().problems.map((p: { block: string; field: string }) => `${p.block}.${p.field}`)).toEqual([
      'open_ticket.status',
      'open_ticket.department',
    ]);
    expect(refused.json().problems[1].message).toBe('"Leads Inbox" is not a value the helpdesk service (salesforce) has. It offers "Support", "Sales"');
    // Another queue that takes Cases, and a status the org has.
    const ok = await publish(SUPPORT.replace('department: Support', 'department: Sales').replace('status: Open', 'status: Working'));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().warnings).toEqual([]);
  });

  it("publishing warns of a fields: name the org's object lacks, with the name meant, and publishes all the same", async () => {
    const s = await server();
    await connectAll(s);
    const publish = async (text: string, locale = 'en') => {
      const saved = await s.admin({ method: 'PUT', url: '/api/v1/admin/bots/lead', headers: { 'content-type': 'application/yaml' }, payload: text });
      expect(saved.statusCode, saved.body).toBeLessThan(300);
      return s.admin({ method: 'POST', url: `/api/v1/admin/bots/lead/publish?locale=${locale}` });
    };
    // The example is written for Zoho (Lead_Source): it still publishes and runs on Salesforce.
    const warned = await publish(LEAD);
    expect(warned.statusCode, warned.body).toBe(200);
    expect(warned.json().warnings).toEqual([
      expect.objectContaining({
        code: 'service_field_unknown',
        block: 'create_lead',
        field: 'fields',
        message:
          'the CRM (salesforce) has no field "Lead_Source" on its Lead records — did you mean "LeadSource"?; when the block runs the field is left out and the record is saved without it',
      }),
    ]);
    const ja = await publish(LEAD.replace('Lead_Source', 'Lead_Sorce'), 'ja');
    expect(ja.json().warnings[0].message).toContain('"Lead_Sorce" はありません（"LeadSource" のことですか?）');
    // A typo with no near name: no guess.
    const far = await publish(LEAD.replace('Lead_Source', 'Favourite_Colour__c'));
    expect(far.json().warnings[0].message).toBe(
      'the CRM (salesforce) has no field "Favourite_Colour__c" on its Lead records; when the block runs the field is left out and the record is saved without it',
    );
    // When the block runs, the lead is made and the execution log names what was left out.
    await publish(LEAD);
    const c = await s.start('lead');
    for (const text of ['Yui Tanaka', 'yui@example.com', '090-1234-5678', 'Example KK']) await s.reply(c.id, c.token, { text });
    const log = (await s.admin({ url: `/api/v1/admin/execution-log?conversationId=${c.id}` })).json().items;
    expect(log).toEqual([
      expect.objectContaining({
        blockId: 'create_lead',
        provider: 'salesforce',
        outcome: 'success',
        message: 'Salesforce Lead has no field "Lead_Source": left out of the record (the rest was saved)',
      }),
    ]);
    expect(fake.records('Lead')).toEqual([expect.objectContaining({ LastName: 'Tanaka', Description: 'Asked for sales from the website chat' })]);
    // Names the Lead has, in any case: nothing to say.
    const clean = await publish(LEAD.replace('Lead_Source', 'leadsource'));
    expect(clean.statusCode).toBe(200);
    expect(clean.json().warnings).toEqual([]);
  });

  it('says nothing of fields when the org cannot be asked (the values warning would, had the bot literals)', async () => {
    const s = await server();
    await connectAll(s);
    fake.faults.set({ rate5xx: 1 });
    const saved = await s.admin({ method: 'PUT', url: '/api/v1/admin/bots/lead', headers: { 'content-type': 'application/yaml' }, payload: LEAD });
    expect(saved.statusCode).toBeLessThan(300);
    const res = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/lead/publish' });
    expect(res.statusCode).toBe(200);
    expect(res.json().warnings).toEqual([]);
  });
});
