import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot } from './index.ts';
import { testServer, type TestServer } from '../../src/server/test-support.ts';
import { oauthDoor } from '../oauth-door.ts';

/**
 * Connecting HubSpot through the admin API's generic OAuth routes (DESIGN.md "Connecting with
 * OAuth"): nothing in the server knows HubSpot — the declaration's flow and scopes do it all.
 */
let fake: FakeHubSpot;
beforeAll(async () => {
  fake = await startFakeHubSpot({ seed: 9 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const PUBLIC = 'http://renkei.test';
const CALLBACK = '/api/v1/admin/integrations/oauth/callback';
const server = (): Promise<TestServer> => testServer({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1', RENKEI_PUBLIC_URL: PUBLIC } });

async function connect(s: TestServer, roles: string[] = ['helpdesk', 'mailing'], apiUrl = fake.url) {
  const res = await s.admin({
    method: 'POST',
    url: '/api/v1/admin/integrations/crm/connect',
    payload: { provider: 'hubspot', settings: { clientId: fake.app.clientId, apiUrl }, secrets: { clientSecret: fake.app.clientSecret }, roles },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { authorizeUrl: new URL(res.json().authorizeUrl), cookie: String(res.headers['set-cookie']).split(';')[0] ?? '' };
}

async function followConsent(s: TestServer, authorizeUrl: URL, cookie: string) {
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  expect(`${back.origin}${back.pathname}`).toBe(`${PUBLIC}${CALLBACK}`);
  return s.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { cookie } });
}

describe('connecting HubSpot with OAuth through the admin API', () => {
  it('asks for the scopes of every role chosen, stores the refresh token sealed for all three, and the check passes', async () => {
    const s = await server();
    const { authorizeUrl, cookie } = await connect(s);
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${fake.url}/oauth/authorize`);
    const scopes = (authorizeUrl.searchParams.get('scope') ?? '').split(' ');
    expect(scopes).toEqual(expect.arrayContaining(['oauth', 'crm.objects.deals.write', 'tickets', 'crm.objects.owners.read', 'crm.lists.write']));
    expect(authorizeUrl.toString()).not.toContain(fake.app.clientSecret);
    const res = await followConsent(s, authorizeUrl, cookie);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/admin/integrations?oauth=connected&roles=crm%2Chelpdesk%2Cmailing');
    const items = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations' })).json().items as {
      role: string;
      provider: string;
      hasSecrets: boolean;
    }[];
    expect(items.map((i) => [i.role, i.provider, i.hasSecrets])).toEqual([
      ['crm', 'hubspot', true],
      ['helpdesk', 'hubspot', true],
      ['mailing', 'hubspot', true],
    ]);
    for (const role of ['crm', 'helpdesk', 'mailing']) {
      const check = await s.admin({ method: 'POST', url: `/api/v1/admin/integrations/${role}/check` });
      expect(check.json(), role).toMatchObject({ ok: true });
    }
    const options = await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/helpdesk/options' });
    expect(options.json().fields.department).toContainEqual({ value: 'Support', label: 'Support' });
  });

  it('a declined consent changes nothing and says why', async () => {
    const s = await server();
    const { authorizeUrl, cookie } = await connect(s, []);
    fake.setConsent('deny');
    const res = await followConsent(s, authorizeUrl, cookie);
    expect(res.statusCode).toBe(302);
    expect(String(res.headers.location)).toMatch(/oauth=denied/);
    const items = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations' })).json().items as { provider: string }[];
    expect(items.every((i) => i.provider !== 'hubspot')).toBe(true);
  });

  it('the admin API refuses another API host unless custom service URLs are allowed', async () => {
    const s = await testServer({ env: { RENKEI_PUBLIC_URL: PUBLIC } });
    const res = await s.admin({
      method: 'POST',
      url: '/api/v1/admin/integrations/crm/connect',
      payload: { provider: 'hubspot', settings: { clientId: 'c', apiUrl: fake.url }, secrets: { clientSecret: 's' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/apiUrl/);
  });
});

describe('a HubSpot consent voided while its code is traded', () => {
  /** A Connect whose code HubSpot (the fake, behind a door) trades while the CRM role is disconnected. */
  async function voidedDuringTrade(s: TestServer) {
    const door = await oauthDoor(fake.url, async ({ method, path }) => {
      if (method === 'POST' && path === '/oauth/v1/token') await s.admin({ method: 'DELETE', url: '/api/v1/admin/integrations/crm' });
    });
    const { authorizeUrl, cookie } = await connect(s, [], door.url);
    const landed = await followConsent(s, authorizeUrl, cookie);
    expect(landed.statusCode).toBe(302);
    expect(door.refreshTokens).toHaveLength(1);
    const granted = door.refreshTokens[0] ?? '';
    const refresh = await fetch(`${fake.url}/oauth/v1/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: fake.app.clientId, client_secret: fake.app.clientSecret, refresh_token: granted }),
    });
    return {
      page: new URL(String(landed.headers.location), PUBLIC),
      granted,
      refreshed: { status: refresh.status, body: (await refresh.json()) as Record<string, unknown> },
    };
  }
  const hubspotRoles = async (s: TestServer) =>
    ((await s.admin({ method: 'GET', url: '/api/v1/admin/integrations' })).json().items as { role: string; provider: string }[]).filter(
      (i) => i.provider === 'hubspot',
    );

  it('deletes the refresh token HubSpot gave, connects nothing, and says the app stays installed', async () => {
    const s = await server();
    const { page, granted, refreshed } = await voidedDuringTrade(s);
    expect(page.searchParams.get('oauth')).toBe('voided');
    expect(page.searchParams.get('reason')).toMatch(
      /nothing was connected; the refresh token HubSpot issued was deleted \(the app stays installed in the HubSpot account: uninstall it under Settings → Integrations → Connected Apps if no role uses it\)$/,
    );
    expect(refreshed).toMatchObject({ status: 400, body: { status: 'BAD_REFRESH_TOKEN' } });
    expect(await hubspotRoles(s)).toEqual([]);
    expect(s.logs.join('\n')).not.toContain(granted);
  });

  it('a delete HubSpot answers with a 5xx: nothing connected, the page says where to uninstall the app', async () => {
    const s = await server();
    fake.faults.set({ failNext: { status: 502, count: 1, route: 'DELETE /oauth/v1/refresh-tokens/*' } });
    const { page, granted, refreshed } = await voidedDuringTrade(s);
    expect(page.searchParams.get('oauth')).toBe('voided');
    expect(page.searchParams.get('reason')).toMatch(
      /revoking the grant at HubSpot's OAuth API failed \(HTTP 502: INTERNAL_ERROR\); you may uninstall the app in the HubSpot account under Settings → Integrations → Connected Apps/,
    );
    expect(refreshed.status).toBe(200);
    expect(await hubspotRoles(s)).toEqual([]);
    expect(s.logs.join('\n')).not.toContain(granted);
  });
});

describe('publishing checks literals against the HubSpot account', () => {
  const SUPPORT = readFileSync(new URL('../../examples/support.yaml', import.meta.url), 'utf8');

  it('refuses a department and a status the account lacks, naming block and field; accepts labels and ids it has', async () => {
    const s = await server();
    const payload = {
      provider: 'hubspot',
      settings: { clientId: fake.app.clientId, apiUrl: fake.url },
      secrets: { clientSecret: fake.app.clientSecret, refreshToken: fake.app.refreshToken },
    };
    expect((await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/helpdesk', payload })).statusCode).toBe(200);
    const publish = async (text: string) => {
      const saved = await s.admin({ method: 'PUT', url: '/api/v1/admin/bots/support', headers: { 'content-type': 'application/yaml' }, payload: text });
      expect(saved.statusCode, saved.body).toBeLessThan(300);
      return s.admin({ method: 'POST', url: '/api/v1/admin/bots/support/publish' });
    };
    const refused = await publish(SUPPORT.replace('department: Support', 'department: Sales').replace('status: Open', 'status: Pending'));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().problems.map((p: { block: string; field: string }) => `${p.block}.${p.field}`)).toEqual([
      'open_ticket.status',
      'open_ticket.department',
    ]);
    expect(refused.json().problems[1].message).toMatch(/^"Sales" is not a value the helpdesk service \(hubspot\) has/);
    // The Billing pipeline by its id, and one of its stages by label.
    const ok = await publish(SUPPORT.replace('department: Support', 'department: "88210"').replace('status: Open', 'status: New'));
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe("publishing warns of a CRM block's fields: the HubSpot object lacks", () => {
  const LEAD = readFileSync(new URL('../../examples/lead.yaml', import.meta.url), 'utf8');

  it('names block, field and object, guesses the property meant, and publishes anyway', async () => {
    const s = await server();
    const payload = {
      provider: 'hubspot',
      settings: { clientId: fake.app.clientId, apiUrl: fake.url },
      secrets: { clientSecret: fake.app.clientSecret, refreshToken: fake.app.refreshToken },
    };
    expect((await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/crm', payload })).statusCode).toBe(200);
    const publish = async (text: string) => {
      const saved = await s.admin({ method: 'PUT', url: '/api/v1/admin/bots/lead', headers: { 'content-type': 'application/yaml' }, payload: text });
      expect(saved.statusCode, saved.body).toBeLessThan(300);
      return s.admin({ method: 'POST', url: '/api/v1/admin/bots/lead/publish' });
    };
    const warned = await publish(LEAD.replace('Lead_Source: Chat', 'Lead_Source: Chat\n      Lead_Status: NEW'));
    expect(warned.statusCode, warned.body).toBe(200);
    expect(warned.json().warnings.map((w: { block: string; field: string; code: string; message: string }) => [w.block, w.field, w.code, w.message])).toEqual([
      [
        'create_lead',
        'fields',
        'service_field_unknown',
        'the CRM (hubspot) has no field "Lead_Source" on its contact records; when the block runs the field is left out and the record is saved without it',
      ],
      [
        'create_lead',
        'fields',
        'service_field_unknown',
        'the CRM (hubspot) has no field "Lead_Status" on its contact records — did you mean "hs_lead_status"?; when the block runs the field is left out and the record is saved without it',
      ],
    ]);
    // Zoho-style names the connector maps (Description → message, Job_Title → jobtitle) are not warned of.
    const clean = await publish(LEAD.replace('Lead_Source: Chat', 'Job_Title: CTO\n      hs_lead_status: NEW'));
    expect(clean.statusCode).toBe(200);
    expect(clean.json().warnings).toEqual([]);
  });

  it("knows the account's custom properties, and says a read-only one cannot be set rather than missing", async () => {
    const s = await server();
    const payload = {
      provider: 'hubspot',
      settings: { clientId: fake.app.clientId, apiUrl: fake.url },
      secrets: { clientSecret: fake.app.clientSecret, refreshToken: fake.app.refreshToken },
    };
    expect((await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/crm', payload })).statusCode).toBe(200);
    const publish = async (fields: string) => {
      const text = LEAD.replace('Lead_Source: Chat', fields);
      const saved = await s.admin({ method: 'PUT', url: '/api/v1/admin/bots/lead', headers: { 'content-type': 'application/yaml' }, payload: text });
      expect(saved.statusCode, saved.body).toBeLessThan(300);
      const published = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/lead/publish' });
      expect(published.statusCode, published.body).toBe(200);
      return published.json().warnings.map((w: { code: string; message: string }) => [w.code, w.message]);
    };
    // favorite_color is the account's own (a custom property): sent, so not warned of.
    expect(await publish('favorite_color: teal\n      Favorite_Colour: blue\n      lifetime_score: "9"')).toEqual([
      [
        'service_field_unknown',
        'the CRM (hubspot) has no field "Favorite_Colour" on its contact records — did you mean "favorite_color"?; when the block runs the field is left out and the record is saved without it',
      ],
      [
        'service_field_unknown',
        'the CRM (hubspot) does not take a value for "lifetime_score" on its contact records (the field is read-only or calculated); when the block runs the field is left out and the record is saved without it',
      ],
    ]);
    expect(await publish('favorite_color: teal')).toEqual([]);
  });
});
