import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeZoho } from './index.ts';
import type { FakeZoho } from './index.ts';
import { hasScopes, scopeCovers } from './oauth.ts';
import { accessToken, answer, call, refresh } from './testkit.ts';

let fake: FakeZoho;
beforeAll(async () => {
  fake = await startFakeZoho({ seed: 7 });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const lead = { json: { data: [{ Last_Name: 'Tanaka' }] } };

describe('token endpoint', () => {
  it('grants an access token for the seeded client from a form body and counts the refresh', async () => {
    const a = await refresh(fake);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ api_domain: fake.url, token_type: 'Bearer', expires_in: 3600 });
    expect(a.body?.['access_token']).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
    expect(a.body).not.toHaveProperty('refresh_token');
    expect(fake.stats.tokenRefreshes).toBe(1);
  });

  it('also takes the parameters in the query string, as Zoho documents', async () => {
    const c = fake.client;
    const qs = new URLSearchParams({ grant_type: 'refresh_token', client_id: c.clientId, client_secret: c.clientSecret, refresh_token: c.refreshToken });
    const a = await answer(await fetch(`${fake.url}/oauth/v2/token?${qs}`, { method: 'POST' }));
    expect(a.status).toBe(200);
    expect(typeof a.body?.['access_token']).toBe('string');
  });

  it('issues a different token on every refresh', async () => {
    expect(await accessToken(fake)).not.toBe(await accessToken(fake));
  });

  it('answers invalid_client (HTTP 400) for an unknown client or a wrong secret, without counting a refresh', async () => {
    for (const creds of [{ clientId: '1000.UNKNOWN' }, { clientSecret: 'wrong' }]) {
      const a = await refresh(fake, creds);
      expect(a.status).toBe(400);
      expect(a.body).toEqual({ error: 'invalid_client' });
    }
    expect(fake.stats.tokenRefreshes).toBe(0);
  });

  it('answers invalid_code with HTTP 200 for an unknown refresh token', async () => {
    const a = await refresh(fake, { refreshToken: '1000.nope.nope' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ error: 'invalid_code' });
  });

  it('refuses other grant types', async () => {
    const a = await answer(await fetch(`${fake.url}/oauth/v2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password' }) }));
    expect(a.status).toBe(400);
    expect(a.body).toEqual({ error: 'unsupported_grant_type' });
  });

  it('answers the documented throttle body while tokenThrottle is on', async () => {
    fake.faults.set({ tokenThrottle: true });
    const a = await refresh(fake);
    expect(a.status).toBe(400);
    expect(a.body).toEqual({
      error_description: 'You have made too many requests continuously. Please try again after some time.',
      error: 'Access Denied',
      status: 'failure',
    });
    expect(fake.stats.tokenRefreshes).toBe(0);
    fake.faults.set({ tokenThrottle: false });
    expect((await refresh(fake)).status).toBe(200);
  });
});

describe('revocation and expiry', () => {
  it('a revoked refresh token gives invalid_code and its access tokens stop working everywhere', async () => {
    const creds = { clientId: 'c-revoke', clientSecret: 's', refreshToken: 'r-revoke' };
    fake.addClient(creds);
    const token = await accessToken(fake, creds);
    expect((await call(fake, '/crm/v8/org', { token })).status).toBe(200);
    fake.revokeRefreshToken(creds.refreshToken);

    expect((await refresh(fake, creds)).body).toEqual({ error: 'invalid_code' });
    const crm = await call(fake, '/crm/v8/Leads', { token, ...lead });
    expect(crm.status).toBe(401);
    expect(crm.body).toEqual({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
    expect(fake.crm.leads).toHaveLength(0);
  });

  it('POST /oauth/v2/token/revoke?token= forgets a refresh token and its access tokens; an unknown or spent token gets 400', async () => {
    const creds = { clientId: 'c-revoke-endpoint', clientSecret: 's', refreshToken: 'r-revoke-endpoint' };
    fake.addClient(creds);
    const token = await accessToken(fake, creds);
    const revoke = async (t: string) => {
      const res = await fetch(`${fake.url}/oauth/v2/token/revoke?token=${encodeURIComponent(t)}`, { method: 'POST' });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    expect(await revoke(creds.refreshToken)).toEqual({ status: 200, body: { status: 'success' } });
    expect((await refresh(fake, creds)).body).toEqual({ error: 'invalid_code' });
    expect((await call(fake, '/crm/v8/org', { token })).status).toBe(401);
    expect((await revoke(creds.refreshToken)).status).toBe(400);
    expect((await revoke('1000.unknown')).status).toBe(400);
    // Faults reach it only when named, as for the token endpoint.
    fake.faults.set({ failNext: { status: 503, count: 1, route: 'POST /oauth/v2/token/revoke' } });
    expect((await revoke('1000.unknown')).status).toBe(503);
  });

  it('expired tokens get each service’s documented 401 body; a fresh refresh works again', async () => {
    const token = await accessToken(fake);
    fake.expireAccessTokens();

    const crm = await call(fake, '/crm/v8/Leads', { token, ...lead });
    expect(crm.status).toBe(401);
    expect(crm.body).toMatchObject({ code: 'INVALID_TOKEN', status: 'error' });

    const desk = await call(fake, '/api/v1/departments', { token });
    expect(desk.status).toBe(401);
    expect(desk.body).toEqual({ errorCode: 'INVALID_OAUTH', message: 'The OAuth Token you provided is invalid.' });

    const campaigns = await call(fake, '/api/v1.1/getmailinglists?resfmt=JSON', { token });
    expect(campaigns.status).toBe(401);
    expect(campaigns.body).toEqual({
      message: 'Unauthorized request.',
      version: '1.1',
      URI: '/api/v1.1/getmailinglists',
      Code: '1007',
      status: 'error',
    });

    const fresh = await accessToken(fake);
    expect((await call(fake, '/crm/v8/Leads', { token: fresh, ...lead })).status).toBe(201);
  });

  it('refuses a missing header and the Bearer scheme', async () => {
    const token = await accessToken(fake);
    expect((await call(fake, '/crm/v8/org')).status).toBe(401);
    const bearer = await call(fake, '/crm/v8/org', { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(401);
    expect(bearer.body).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('reset() keeps tokens working; reset({auth:true}) drops them and re-registers the same client', async () => {
    const token = await accessToken(fake);
    fake.reset();
    expect((await call(fake, '/crm/v8/org', { token })).status).toBe(200);
    const clientBefore = fake.client;
    fake.reset({ auth: true });
    expect((await call(fake, '/crm/v8/org', { token })).status).toBe(401);
    expect(fake.client).toEqual(clientBefore);
    expect(await accessToken(fake)).not.toBe(token);
    expect((await call(fake, '/crm/v8/org', { token })).status).toBe(401);
  });
});

describe('scopes', () => {
  it('a token without the needed scope gets each service’s scope error', async () => {
    const creds = { clientId: 'c-scoped', clientSecret: 's', refreshToken: 'r-scoped', scopes: ['ZohoCRM.modules.leads.CREATE'] };
    fake.addClient(creds);
    const granted = await refresh(fake, creds);
    expect(granted.body?.['scope']).toBe('ZohoCRM.modules.leads.CREATE');
    const token = String(granted.body?.['access_token']);

    expect((await call(fake, '/crm/v8/Leads', { token, ...lead })).status).toBe(201);
    const deals = await call(fake, '/crm/v8/Deals', { token, json: { data: [{ Deal_Name: 'x', Stage: 'Qualification' }] } });
    expect(deals.status).toBe(401);
    expect(deals.body).toMatchObject({ code: 'OAUTH_SCOPE_MISMATCH' });
    const desk = await call(fake, '/api/v1/departments', { token });
    expect(desk.status).toBe(401);
    expect(desk.body).toMatchObject({ errorCode: 'SCOPE_MISMATCH' });
    expect(fake.crm.deals).toHaveLength(0);
  });

  it('covers by ALL, by a parent resource and by WRITE, not READ for CREATE', () => {
    expect(scopeCovers('ZohoCRM.modules.ALL', 'ZohoCRM.modules.leads.CREATE')).toBe(true);
    expect(scopeCovers('ZohoCRM.modules.leads.WRITE', 'ZohoCRM.modules.leads.CREATE')).toBe(true);
    expect(scopeCovers('ZohoCampaigns.contact.CREATE-UPDATE', 'ZohoCampaigns.contact.UPDATE')).toBe(true);
    expect(scopeCovers('ZohoCRM.modules.leads.READ', 'ZohoCRM.modules.leads.CREATE')).toBe(false);
    expect(scopeCovers('ZohoCRM.modules.deals.ALL', 'ZohoCRM.modules.leads.CREATE')).toBe(false);
    expect(hasScopes({ scopes: ['Desk.settings.READ'] }, ['Desk.basic.READ|Desk.settings.READ'])).toBe(true);
    expect(hasScopes({ scopes: ['Desk.tickets.READ'] }, ['Desk.tickets.READ', 'Desk.search.READ'])).toBe(false);
  });
});

describe('tokenRateLimit', () => {
  it('allows 10 refreshes per refresh token per window, then throttles; other refresh tokens are unaffected', async () => {
    const limited = await startFakeZoho({ seed: 1, tokenRateLimit: true });
    try {
      const tokens: string[] = [];
      for (let i = 0; i < 10; i++) tokens.push(await accessToken(limited));
      const eleventh = await refresh(limited);
      expect(eleventh.status).toBe(400);
      expect(eleventh.body).toMatchObject({ error: 'Access Denied', status: 'failure' });
      expect(limited.stats.tokenRefreshes).toBe(10);

      limited.addClient({ clientId: 'other', clientSecret: 's', refreshToken: 'r-other' });
      expect((await refresh(limited, { clientId: 'other', clientSecret: 's', refreshToken: 'r-other' })).status).toBe(200);
      // All ten tokens are still alive: the cap of live tokens is 10.
      expect((await call(limited, '/crm/v8/org', { token: tokens[0] })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('minting an 11th live token kills the oldest', async () => {
    const limited = await startFakeZoho({ seed: 2, tokenRateLimit: true });
    try {
      const first = await accessToken(limited);
      for (let i = 0; i < 9; i++) await accessToken(limited);
      limited.reset(); // forget the refresh window, keep the tokens
      expect((await call(limited, '/crm/v8/org', { token: first })).status).toBe(200);
      await accessToken(limited);
      expect((await call(limited, '/crm/v8/org', { token: first })).status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});

describe('consent page and grant codes', () => {
  const authorize = (params: Record<string, string>) => fetch(`${fake.url}/oauth/v2/auth?${new URLSearchParams(params)}`, { redirect: 'manual' });
  const consent = (extra: Record<string, string> = {}) => ({
    scope: 'ZohoCRM.modules.leads.CREATE,ZohoCRM.modules.leads.READ',
    client_id: fake.client.clientId,
    response_type: 'code',
    access_type: 'offline',
    prompt: 'consent',
    redirect_uri: 'http://127.0.0.1:1/callback',
    state: 'st-1',
    ...extra,
  });
  const exchange = (code: string, redirect = 'http://127.0.0.1:1/callback') =>
    fetch(`${fake.url}/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: fake.client.clientId,
        client_secret: fake.client.clientSecret,
        redirect_uri: redirect,
        code,
      }),
    }).then(answer);

  it('approves at once: back to the redirect URI with code, location, accounts-server and the state; the code gives a refresh token once', async () => {
    const res = await authorize(consent());
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:1/callback');
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('location')).toBe('us');
    expect(back.searchParams.get('accounts-server')).toBe(fake.url);
    const code = back.searchParams.get('code') ?? '';
    const a = await exchange(code);
    expect(a.body).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.stringMatching(/^1000\./),
      scope: 'ZohoCRM.modules.leads.CREATE ZohoCRM.modules.leads.READ',
    });
    // The new refresh token refreshes, with the granted scopes only.
    const refreshed = await refresh(fake, { refreshToken: String(a.body?.['refresh_token']) });
    expect(refreshed.body).toMatchObject({ access_token: expect.any(String) });
    expect((await exchange(code)).body).toEqual({ error: 'invalid_code' });
  });

  it('gives no refresh token without access_type=offline, and refuses a code sent with another redirect URI', async () => {
    const online = new URL((await authorize(consent({ access_type: 'online' }))).headers.get('location') ?? '');
    expect((await exchange(online.searchParams.get('code') ?? '')).body).not.toHaveProperty('refresh_token');
    const other = new URL((await authorize(consent())).headers.get('location') ?? '');
    expect((await exchange(other.searchParams.get('code') ?? '', 'http://127.0.0.1:2/elsewhere')).body).toEqual({ error: 'invalid_redirect_uri' });
  });

  it('answers error=access_denied when the user denies, and an error page for an unknown client', async () => {
    fake.setConsent({ answer: 'deny' });
    const back = new URL((await authorize(consent())).headers.get('location') ?? '');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.has('code')).toBe(false);
    expect((await authorize(consent({ client_id: '1000.NOBODY' }))).status).toBe(400);
  });
});
