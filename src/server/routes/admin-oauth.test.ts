import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { oauthDoor } from '../../../test/oauth-door.ts';
import { startFakeZoho, type FakeZoho } from '../../../test/fake-zoho/index.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { SECRET_KEY, testServer, type TestServer } from '../test-support.ts';

/**
 * Connecting Zoho with one consent (DESIGN.md "Connecting with OAuth"): the admin API gives the
 * consent page, the fake's consent page approves (or denies) at once, and the browser comes back
 * to the callback with the state and the cookie of the browser that started it.
 */
let fake: FakeZoho;
beforeAll(async () => {
  fake = await startFakeZoho({ seed: 5 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const PUBLIC = 'http://renkei.test';
const CALLBACK = '/api/v1/admin/integrations/oauth/callback';

async function server(): Promise<TestServer> {
  // The fake is on 127.0.0.1: the admin API may point Zoho at it only with custom service URLs.
  return testServer({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1', RENKEI_PUBLIC_URL: PUBLIC } });
}

const connectBody = (extra: Record<string, unknown> = {}) => ({
  provider: 'zoho',
  settings: { dc: 'com', clientId: fake.client.clientId, accountsUrl: fake.url, apiUrl: fake.url },
  secrets: { clientSecret: fake.client.clientSecret },
  roles: ['helpdesk', 'mailing'],
  ...extra,
});

/** Starts a consent; answers the consent page's URL and the browser cookie. */
async function connect(s: TestServer, body = connectBody()): Promise<{ authorizeUrl: URL; cookie: string }> {
  const res = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/connect', payload: body });
  expect(res.statusCode, res.body).toBe(200);
  const setCookie = String(res.headers['set-cookie']);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Lax/);
  return { authorizeUrl: new URL(res.json().authorizeUrl), cookie: setCookie.split(';')[0] ?? '' };
}

/** What the consent page sends the browser back with (the callback's path and query). */
async function consent(authorizeUrl: URL): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location') ?? '');
  expect(`${back.origin}${back.pathname}`).toBe(`${PUBLIC}${CALLBACK}`);
  return `${back.pathname}${back.search}`;
}

const callback = (s: TestServer, url: string, cookie?: string) => s.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

const integrations = async (s: TestServer) =>
  ((await s.admin({ method: 'GET', url: '/api/v1/admin/integrations' })).json() as { items: { role: string; provider: string; hasSecrets: boolean }[] }).items;

describe('connecting Zoho with OAuth', () => {
  it('sends the browser to the consent page with the scopes of every role, offline, and connects all three roles from one consent', async () => {
    const s = await server();
    const { authorizeUrl, cookie } = await connect(s);
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${fake.url}/oauth/v2/auth`);
    const q = authorizeUrl.searchParams;
    expect(q.get('client_id')).toBe(fake.client.clientId);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('redirect_uri')).toBe(`${PUBLIC}${CALLBACK}`);
    expect(q.get('state')).toMatch(/^[\w-]{40,}$/);
    const scopes = (q.get('scope') ?? '').split(',');
    expect(scopes).toEqual(
      expect.arrayContaining(['ZohoCRM.coql.READ', 'ZohoCRM.settings.fields.READ', 'Desk.tickets.CREATE', 'ZohoCampaigns.contact.UPDATE']),
    );
    expect(authorizeUrl.toString()).not.toContain(fake.client.clientSecret);

    const back = await consent(authorizeUrl);
    const code = new URL(back, PUBLIC).searchParams.get('code') ?? '';
    const res = await callback(s, back, cookie);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/admin/integrations?oauth=connected&roles=crm%2Chelpdesk%2Cmailing');
    const set = await integrations(s);
    for (const role of ['crm', 'helpdesk', 'mailing']) expect(set.find((i) => i.role === role)).toMatchObject({ provider: 'zoho', hasSecrets: true });
    // The stored refresh token is the one Zoho granted, and it works.
    const row = await s.store.db.selectFrom('integrations').select('secrets').where('role', '=', 'crm').executeTakeFirstOrThrow();
    const secrets = new SecretBox(Buffer.from(SECRET_KEY, 'hex')).open(row.secrets ?? '');
    expect(secrets).toMatchObject({ clientSecret: fake.client.clientSecret, refreshToken: expect.stringMatching(/^1000\./) });
    expect(secrets['refreshToken']).not.toBe(fake.client.refreshToken);
    const check = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' });
    expect(check.json()).toMatchObject({ ok: true });
    // Neither the grant code, the state nor a secret reaches the log.
    const logs = s.logs.join('\n');
    expect(logs).toContain('integration connected with oauth');
    for (const secret of [code, q.get('state') ?? '', fake.client.clientSecret, secrets['refreshToken'] ?? '']) {
      expect(secret.length).toBeGreaterThan(10);
      expect(logs).not.toContain(secret);
    }
  });

  it('refuses an unknown, reused or expired state, and one from another browser, with 400, changing nothing', async () => {
    const s = await server();
    const unknown = await callback(s, `${CALLBACK}?state=nope&code=x`, 'renkei_oauth=whatever');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ field: 'state' });
    expect((await callback(s, `${CALLBACK}?code=x`)).statusCode).toBe(400);

    const first = await connect(s);
    const back = await consent(first.authorizeUrl);
    expect((await callback(s, back)).statusCode).toBe(400);
    expect((await callback(s, back, 'renkei_oauth=another-browser')).statusCode).toBe(400);
    expect((await callback(s, back, first.cookie)).statusCode).toBe(302);
    expect((await callback(s, back, first.cookie)).statusCode).toBe(400);

    const late = await connect(s);
    const lateBack = await consent(late.authorizeUrl);
    await s.store.db
      .updateTable('oauth_states')
      .set({ created_at: new Date(Date.now() - 11 * 60_000).toISOString() })
      .execute();
    const expired = await callback(s, lateBack, late.cookie);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.message).toMatch(/expired/);
    // Only the one good callback connected anything.
    expect(
      (await integrations(s))
        .filter((i) => i.provider === 'zoho')
        .map((i) => i.role)
        .sort(),
    ).toEqual(['crm', 'helpdesk', 'mailing']);
  });

  it('a denied consent goes back to the page saying so, and connects nothing', async () => {
    const s = await server();
    fake.setConsent({ answer: 'deny' });
    const { authorizeUrl, cookie } = await connect(s);
    const res = await callback(s, await consent(authorizeUrl), cookie);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/admin/integrations?oauth=denied&roles=crm%2Chelpdesk%2Cmailing&reason=access_denied');
    expect((await integrations(s)).some((i) => i.provider === 'zoho')).toBe(false);
  });

  it("refuses an accounts-server that is not Zoho's for the data centre, sending the client secret nowhere", async () => {
    const s = await server();
    fake.setConsent({ answer: 'approve', accountsServer: 'https://accounts.zoho.com.evil.example' });
    const { authorizeUrl, cookie } = await connect(s);
    const tokenCalls = fake.stats.byRoute['POST /oauth/v2/token'] ?? 0;
    const res = await callback(s, await consent(authorizeUrl), cookie);
    expect(res.statusCode).toBe(302);
    const page = new URL(String(res.headers.location), PUBLIC);
    expect(page.searchParams.get('oauth')).toBe('failed');
    expect(page.searchParams.get('reason')).toMatch(/not Zoho's for the com data centre; the client secret was sent nowhere/);
    expect(fake.stats.byRoute['POST /oauth/v2/token'] ?? 0).toBe(tokenCalls);
    expect((await integrations(s)).some((i) => i.provider === 'zoho')).toBe(false);
  });

  it('says what is wrong before sending anyone to Zoho: a missing secret, a role the provider lacks, Campaigns where Zoho has none', async () => {
    const s = await server();
    const post = (body: Record<string, unknown>, role = 'crm') => s.admin({ method: 'POST', url: `/api/v1/admin/integrations/${role}/connect`, payload: body });
    const noSecret = await post(connectBody({ secrets: {} }));
    expect(noSecret.statusCode).toBe(400);
    expect(noSecret.json().error.field).toBe('secrets.clientSecret');
    const builtin = await post({ provider: 'builtin', settings: {}, secrets: {} });
    expect(builtin.statusCode).toBe(400);
    expect(builtin.json().error.message).toMatch(/not connected with OAuth/);
    const uk = await post(connectBody({ settings: { dc: 'uk', clientId: fake.client.clientId }, roles: ['mailing'] }));
    expect(uk.statusCode).toBe(400);
    expect(uk.json().error.field).toBe('settings.dc');
    expect((await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/oauth/redirect-uri?provider=zoho&dc=jp' })).json()).toEqual({
      redirectUri: `${PUBLIC}${CALLBACK}`,
      consoleUrl: 'https://api-console.zoho.jp',
    });
    expect((await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/oauth/redirect-uri?provider=zoho&dc=ca' })).json().consoleUrl).toBe(
      'https://api-console.zohocloud.ca',
    );
  });
});

describe('a disconnect, a set or a newer Connect of a role voids its consents under way', () => {
  const unknownState = async (s: TestServer) => (await callback(s, `${CALLBACK}?state=nope&code=x`, 'renkei_oauth=whatever')).json();
  const zohoRoles = async (s: TestServer) =>
    (await integrations(s))
      .filter((i) => i.provider === 'zoho')
      .map((i) => i.role)
      .sort();

  it("a consent comes back after one of its roles was disconnected or set: the unknown state's 400, the code never traded", async () => {
    const s = await server();
    const tokenCalls = () => fake.stats.byRoute['POST /oauth/v2/token'] ?? 0;
    const before = tokenCalls();

    const disconnected = await connect(s);
    const back = await consent(disconnected.authorizeUrl);
    expect((await s.admin({ method: 'DELETE', url: '/api/v1/admin/integrations/helpdesk' })).statusCode).toBe(200);
    const res = await callback(s, back, disconnected.cookie);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(await unknownState(s));

    const set = await connect(s);
    const setBack = await consent(set.authorizeUrl);
    const put = await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/mailing', payload: { provider: 'builtin', settings: {} } });
    expect(put.statusCode, put.body).toBe(200);
    expect((await callback(s, setBack, set.cookie)).statusCode).toBe(400);

    expect(tokenCalls()).toBe(before);
    expect(await zohoRoles(s)).toEqual([]);
    expect(await s.store.db.selectFrom('oauth_states').select('state_hash').execute()).toEqual([]);
  });

  it("only the role's own consents: one for other roles still connects", async () => {
    const s = await server();
    const crmOnly = await connect(s, connectBody({ roles: [] }));
    const back = await consent(crmOnly.authorizeUrl);
    await s.admin({ method: 'DELETE', url: '/api/v1/admin/integrations/helpdesk' });
    expect((await callback(s, back, crmOnly.cookie)).statusCode).toBe(302);
    expect(await zohoRoles(s)).toEqual(['crm']);
  });

  it('the last Connect of a role wins: the earlier consent of that role comes back to a 400', async () => {
    const s = await server();
    const first = await connect(s, connectBody({ roles: [] }));
    const firstBack = await consent(first.authorizeUrl);
    const second = await connect(s, connectBody({ roles: ['mailing'] }));
    const secondBack = await consent(second.authorizeUrl);
    expect((await callback(s, firstBack, first.cookie)).statusCode).toBe(400);
    expect(await zohoRoles(s)).toEqual([]);
    expect((await callback(s, secondBack, second.cookie)).statusCode).toBe(302);
    expect(await zohoRoles(s)).toEqual(['crm', 'mailing']);
  });

  /**
   * A Connect whose code Zoho's accounts server (the fake, behind a door) trades while `during`
   * runs; answers the callback, the grant the door saw Zoho give, and the fake's answer to a refresh
   * with it afterwards.
   */
  async function tradeWhile(s: TestServer, during: () => Promise<void>, revoke: (path: string) => 'pass' | 'drop' = () => 'pass') {
    const door = await oauthDoor(fake.url, async ({ path }) => {
      if (path === '/oauth/v2/token') await during();
      if (path === '/oauth/v2/token/revoke') return revoke(path);
      return 'pass';
    });
    const body = connectBody();
    fake.setConsent({ answer: 'approve', accountsServer: door.url });
    const started = await connect(s, { ...body, settings: { ...body.settings, accountsUrl: door.url } });
    const res = await callback(s, await consent(started.authorizeUrl), started.cookie);
    expect(door.refreshTokens).toHaveLength(1);
    const granted = door.refreshTokens[0] ?? '';
    const refresh = await fetch(`${fake.url}/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: fake.client.clientId,
        client_secret: fake.client.clientSecret,
        refresh_token: granted,
      }),
    });
    return { res, page: new URL(String(res.headers.location), PUBLIC), granted, refreshed: (await refresh.json()) as Record<string, unknown> };
  }
  const disconnectCrm = (s: TestServer) => async () => {
    expect((await s.admin({ method: 'DELETE', url: '/api/v1/admin/integrations/crm' })).statusCode).toBe(200);
  };

  it('a disconnect while the callback trades the code: the grant Zoho gave is revoked, the role stays disconnected, and the page says so', async () => {
    const s = await server();
    const { res, page, granted, refreshed } = await tradeWhile(s, disconnectCrm(s));
    expect(res.statusCode, res.body).toBe(302);
    expect(page.pathname).toBe('/admin/integrations');
    expect(page.searchParams.get('oauth')).toBe('voided');
    expect(page.searchParams.get('roles')).toBe('crm,helpdesk,mailing');
    expect(page.searchParams.get('reason')).toMatch(
      /^the consent was voided while its code was traded .* nothing was connected; the refresh token Zoho issued was revoked$/,
    );
    // Nothing live is left at Zoho: a refresh with the dropped grant is refused as a revoked one is.
    expect(refreshed).toEqual({ error: 'invalid_code' });
    expect(fake.stats.byRoute['POST /oauth/v2/token/revoke']).toBe(1);
    expect(await zohoRoles(s)).toEqual([]);
    expect(await s.store.db.selectFrom('oauth_states').select('state_hash').execute()).toEqual([]);
    const logs = s.logs.join('\n');
    expect(logs).toContain('unkept oauth grant revoked');
    expect(logs).not.toContain(granted);
  });

  it('a newer Connect of the role while the code is traded: the older grant is revoked, the newer consent still connects', async () => {
    const s = await server();
    let newer: { authorizeUrl: URL; cookie: string } | undefined;
    const { page, refreshed } = await tradeWhile(s, async () => {
      newer = await connect(s, connectBody({ roles: [] }));
    });
    expect(page.searchParams.get('oauth')).toBe('voided');
    expect(refreshed).toEqual({ error: 'invalid_code' });
    if (!newer) throw new Error('no newer Connect');
    fake.setConsent({ answer: 'approve' });
    expect((await callback(s, await consent(newer.authorizeUrl), newer.cookie)).headers.location).toBe('/admin/integrations?oauth=connected&roles=crm');
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' })).json()).toMatchObject({ ok: true });
  });

  it('a revoke Zoho answers with a 5xx: the role stays as it was, and the page says where to remove the app', async () => {
    const s = await server();
    fake.faults.set({ failNext: { status: 503, count: 1, route: 'POST /oauth/v2/token/revoke' } });
    const { page, granted, refreshed } = await tradeWhile(s, disconnectCrm(s));
    expect(page.searchParams.get('oauth')).toBe('voided');
    const reason = page.searchParams.get('reason') ?? '';
    expect(reason).toMatch(/nothing was connected; revoking the grant at the Zoho accounts server failed \(HTTP 503: internal_error\)/);
    expect(reason).toMatch(/remove the app under Sessions → Connected Apps at http:\/\/127\.0\.0\.1:\d+/);
    // The grant is still live at Zoho, as the page says: the user removes it there.
    expect(refreshed).toMatchObject({ access_token: expect.any(String) });
    expect(await zohoRoles(s)).toEqual([]);
    const logs = s.logs.join('\n');
    expect(logs).toContain('could not revoke an unkept oauth grant');
    expect(logs).not.toContain(granted);
  });

  it('a revoke whose connection drops: the same answer, the token in neither the page nor the log', async () => {
    const s = await server();
    const { page, granted } = await tradeWhile(s, disconnectCrm(s), () => 'drop');
    expect(page.searchParams.get('oauth')).toBe('voided');
    const reason = page.searchParams.get('reason') ?? '';
    expect(reason).toMatch(/revoking the grant at the Zoho accounts server failed \(could not reach it: .+\); you may remove the app/);
    expect(reason).not.toContain(granted);
    expect(s.logs.join('\n')).not.toContain(granted);
    expect(await zohoRoles(s)).toEqual([]);
  });

  it('storing the grant fails: it is revoked, nothing is connected, and the page says to connect again', async () => {
    const s = await server();
    await sql`CREATE TRIGGER refuse_integrations BEFORE INSERT ON integrations BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`.execute(s.store.db);
    const { page, granted, refreshed } = await tradeWhile(s, async () => undefined);
    await sql`DROP TRIGGER refuse_integrations`.execute(s.store.db);
    expect(page.searchParams.get('oauth')).toBe('failed');
    expect(page.searchParams.get('reason')).toBe(
      'Renkei could not store the grant, so nothing was connected; the refresh token Zoho issued was revoked. Connect again',
    );
    expect(refreshed).toEqual({ error: 'invalid_code' });
    expect(await zohoRoles(s)).toEqual([]);
    expect(await s.store.db.selectFrom('oauth_states').select('state_hash').execute()).toEqual([]);
    const logs = s.logs.join('\n');
    expect(logs).toContain('could not store the oauth grant');
    expect(logs).not.toContain(granted);
  });
});
