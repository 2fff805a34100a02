import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot } from './index.ts';

/** The fake answers as HubSpot's published API does: these pin the shapes the provider relies on. */
let fake: FakeHubSpot;
beforeAll(async () => {
  fake = await startFakeHubSpot({ seed: 3 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function token(refreshToken = fake.app.refreshToken, app = fake.app): Promise<Response> {
  return fetch(`${fake.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret, refresh_token: refreshToken }),
  });
}
async function accessToken(): Promise<string> {
  return ((await (await token()).json()) as { access_token: string }).access_token;
}
async function call(
  method: string,
  path: string,
  body?: unknown,
  bearer?: string,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer ?? (await accessToken())}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

describe('the fake HubSpot OAuth server', () => {
  it('refreshes with the refresh-token grant and counts refreshes', async () => {
    const res = await token();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'bearer', refresh_token: fake.app.refreshToken, expires_in: 1800, access_token: expect.any(String) });
    expect(fake.stats.tokenRefreshes).toBe(1);
  });

  it('refuses an unknown client, a wrong secret and a revoked refresh token with HubSpot’s bodies', async () => {
    expect(await (await token(fake.app.refreshToken, { ...fake.app, clientId: 'nope' })).json()).toMatchObject({ status: 'BAD_CLIENT_ID' });
    expect(await (await token(fake.app.refreshToken, { ...fake.app, clientSecret: 'nope' })).json()).toMatchObject({ status: 'BAD_CLIENT_SECRET' });
    const app = { clientId: 'other', clientSecret: 'other-secret', refreshToken: 'na1-other' };
    fake.addApp(app);
    const bearer = ((await (await token(app.refreshToken, app)).json()) as { access_token: string }).access_token;
    fake.revoke(app.refreshToken);
    const refused = await token(app.refreshToken, app);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ status: 'BAD_REFRESH_TOKEN', message: expect.any(String), correlationId: expect.any(String) });
    expect((await call('GET', '/crm/v3/owners', undefined, bearer)).status).toBe(401);
  });

  it('DELETE /oauth/v1/refresh-tokens/{token}: 204 without a body, the refresh token refused from then on, its access tokens still working', async () => {
    const app = { clientId: 'deleting', clientSecret: 'deleting-secret', refreshToken: 'na1-deleting' };
    fake.addApp(app);
    const bearer = ((await (await token(app.refreshToken, app)).json()) as { access_token: string }).access_token;
    const del = (t: string) => fetch(`${fake.url}/oauth/v1/refresh-tokens/${encodeURIComponent(t)}`, { method: 'DELETE' });
    const deleted = await del(app.refreshToken);
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect(await (await token(app.refreshToken, app)).json()).toMatchObject({ status: 'BAD_REFRESH_TOKEN' });
    // HubSpot: deleting the refresh token leaves the access tokens it minted alone.
    expect((await call('GET', '/crm/v3/owners', undefined, bearer)).status).toBe(200);
    const again = await del(app.refreshToken);
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
  });

  it('answers an expired token 401 EXPIRED_AUTHENTICATION and an unknown one INVALID_AUTHENTICATION', async () => {
    const bearer = await accessToken();
    fake.expireAccessTokens();
    const expired = await call('GET', '/crm/v3/owners', undefined, bearer);
    expect(expired).toMatchObject({
      status: 401,
      body: { status: 'error', category: 'EXPIRED_AUTHENTICATION', message: expect.stringMatching(/expired \d+ second/) },
    });
    expect((await call('GET', '/crm/v3/owners', undefined, 'made-up')).body).toMatchObject({ category: 'INVALID_AUTHENTICATION' });
  });

  it('sends the consent page back to the redirect URI with a code that trades for a refresh token once', async () => {
    const redirect = 'http://127.0.0.1:1/callback';
    const consent = await fetch(
      `${fake.url}/oauth/authorize?${new URLSearchParams({ client_id: fake.app.clientId, scope: 'oauth tickets', redirect_uri: redirect, state: 's1' })}`,
      { redirect: 'manual' },
    );
    const back = new URL(consent.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('s1');
    const form = {
      grant_type: 'authorization_code',
      client_id: fake.app.clientId,
      client_secret: fake.app.clientSecret,
      redirect_uri: redirect,
      code: back.searchParams.get('code')!,
    };
    const trade = () => fetch(`${fake.url}/oauth/v1/token`, { method: 'POST', body: new URLSearchParams(form) });
    expect(await (await trade()).json()).toMatchObject({ refresh_token: expect.stringMatching(/^na1-/) });
    expect(await (await trade()).json()).toMatchObject({ status: 'BAD_AUTH_CODE' });
    fake.setConsent('deny');
    const denied = await fetch(`${fake.url}/oauth/authorize?${new URLSearchParams({ client_id: fake.app.clientId, redirect_uri: redirect })}`, {
      redirect: 'manual',
    });
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });

  it('reports a token’s scopes, and answers a call outside them 403 MISSING_SCOPES naming the scope', async () => {
    const app = { clientId: 'narrow', clientSecret: 'narrow-secret', refreshToken: 'na1-narrow' };
    fake.addApp(app, ['oauth', 'crm.objects.contacts.read']);
    const bearer = ((await (await token(app.refreshToken, app)).json()) as { access_token: string }).access_token;
    const info = await (await fetch(`${fake.url}/oauth/v1/access-tokens/${bearer}`)).json();
    expect(info).toMatchObject({ scopes: ['oauth', 'crm.objects.contacts.read'], hub_id: expect.any(Number) });
    const refused = await call('GET', '/crm/v3/owners', undefined, bearer);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ category: 'MISSING_SCOPES', errors: [{ context: { requiredGranularScopes: ['crm.objects.owners.read'] } }] });
  });
});

describe('the fake HubSpot CRM', () => {
  it('creates a contact, refuses a second with the same email as 409 naming the existing id, and reads it by email', async () => {
    const created = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'a@example.com', lastname: 'A', lifecyclestage: 'lead' } });
    expect(created).toMatchObject({ status: 201, body: { id: expect.any(String), properties: { email: 'a@example.com', lifecyclestage: 'lead' } } });
    const again = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'A@Example.com' } });
    expect(again).toMatchObject({
      status: 409,
      body: { status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${created.body['id']}` },
    });
    expect((await call('GET', '/crm/v3/objects/contacts/A%40example.com?idProperty=email')).body).toMatchObject({ id: created.body['id'] });
    expect(await call('GET', '/crm/v3/objects/contacts/none%40example.com?idProperty=email')).toMatchObject({
      status: 404,
      body: { category: 'OBJECT_NOT_FOUND' },
    });
  });

  it('refuses unknown properties and options with a VALIDATION_ERROR listing them', async () => {
    const res = await call('POST', '/crm/v3/objects/tickets', {
      properties: { subject: 'x', hs_pipeline: 'nope', hs_pipeline_stage: '1', Lead_Source: 'Chat' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ category: 'VALIDATION_ERROR', message: expect.stringMatching(/^Property values were not valid: \[/) });
    expect((res.body['errors'] as { code: string }[]).map((e) => e.code).sort()).toEqual(['INVALID_OPTION', 'PROPERTY_DOESNT_EXIST']);
    const owner = await call('POST', '/crm/v3/objects/tickets', {
      properties: { subject: 'x', hs_pipeline: '0', hs_pipeline_stage: '1', hubspot_owner_id: '51000102' },
    });
    expect((owner.body['errors'] as { code: string }[])[0]).toMatchObject({ code: 'INVALID_OWNER_ID', context: { propertyName: ['hubspot_owner_id'] } });
  });

  it("lists an object's properties, custom ones included, and refuses a write to an unknown, archived or read-only one", async () => {
    const listed = (await call('GET', '/crm/v3/properties/contacts')).body['results'] as {
      name: string;
      hidden: boolean;
      calculated: boolean;
      hubspotDefined: boolean;
      modificationMetadata: { readOnlyValue: boolean };
    }[];
    const byName = new Map(listed.map((p) => [p.name, p]));
    expect(byName.get('favorite_color')).toMatchObject({ hubspotDefined: false, calculated: false, modificationMetadata: { readOnlyValue: false } });
    expect(byName.get('lifetime_score')).toMatchObject({ calculated: true, modificationMetadata: { readOnlyValue: true } });
    expect(byName.get('chat_topic')).toMatchObject({ hidden: true });
    expect(byName.get('email')).toMatchObject({ hubspotDefined: true, modificationMetadata: { readOnlyValue: false } });
    expect(byName.get('hs_object_id')).toMatchObject({ modificationMetadata: { readOnlyValue: true } });
    // Archived properties only with archived=true, as HubSpot lists them.
    expect(byName.has('old_segment')).toBe(false);
    expect(((await call('GET', '/crm/v3/properties/contacts?archived=true')).body['results'] as { name: string }[]).map((p) => p.name)).toEqual([
      'old_segment',
    ]);
    fake.data.addProperty('deals', { name: 'region_code' });
    expect(((await call('GET', '/crm/v3/properties/deals')).body['results'] as { name: string }[]).map((p) => p.name)).toContain('region_code');

    const written = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'fc@example.com', favorite_color: 'teal', chat_topic: 'x' } });
    expect(written.status).toBe(201);
    expect(fake.contacts[0]!.properties).toMatchObject({ favorite_color: 'teal', chat_topic: 'x' });
    const refused = await call('POST', '/crm/v3/objects/contacts', {
      properties: { email: 'ro@example.com', lifetime_score: '3', Favorite_Color: 'red', old_segment: 'a', hs_object_id: '1' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ category: 'VALIDATION_ERROR', message: expect.stringMatching(/^Property values were not valid: \[/) });
    expect((refused.body['errors'] as { code: string; context: { propertyName: string[] } }[]).map((e) => [e.context.propertyName[0], e.code])).toEqual([
      ['lifetime_score', 'READ_ONLY_VALUE'],
      ['Favorite_Color', 'PROPERTY_DOESNT_EXIST'],
      ['old_segment', 'PROPERTY_DOESNT_EXIST'],
      ['hs_object_id', 'READ_ONLY_VALUE'],
    ]);
    expect(fake.contacts).toHaveLength(1);
    // A property read on its own needs the object's read scope, like the listing.
    expect((await call('GET', '/crm/v3/properties/contacts/old_segment')).status).toBe(404);
  });

  it('associates on create with HubSpot-defined types only, to records that exist', async () => {
    const contact = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'b@example.com' } });
    const to = (typeId: number, id = contact.body['id']) => [{ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] }];
    const deal = await call('POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'D', pipeline: 'default', dealstage: 'qualifiedtobuy' },
      associations: to(3),
    });
    expect(deal.status).toBe(201);
    expect(fake.deals[0]!.associations).toEqual([{ toType: 'contacts', toId: contact.body['id'], typeId: 3 }]);
    expect((await call('POST', '/crm/v3/objects/deals', { properties: { dealname: 'D', dealstage: 'qualifiedtobuy' }, associations: to(16) })).status).toBe(
      400,
    );
    expect(
      (await call('POST', '/crm/v3/objects/deals', { properties: { dealname: 'D', dealstage: 'qualifiedtobuy' }, associations: to(3, '999') })).status,
    ).toBe(400);
  });

  it('searches with filter groups, and its index can trail creates', async () => {
    await call('POST', '/crm/v3/objects/companies', { properties: { name: 'Example KK', domain: 'example.co.jp' } });
    const search = (value: string) =>
      call('POST', '/crm/v3/objects/companies/search', { filterGroups: [{ filters: [{ propertyName: 'name', operator: 'EQ', value }] }], limit: 1 });
    expect((await search('example kk')).body).toMatchObject({ total: 1 });
    fake.faults.set({ searchLagMs: 60_000 });
    expect((await search('Example KK')).body).toMatchObject({ total: 0, results: [] });
  });

  it('lists pipelines without archived ones, owners by archived flag, and ticket property options', async () => {
    fake.ticketPipelines.find((p) => p.label === 'Billing')!.archived = true;
    expect(((await call('GET', '/crm/v3/pipelines/tickets')).body['results'] as { label: string }[]).map((p) => p.label)).toEqual(['Support']);
    expect(((await call('GET', '/crm/v3/owners?archived=false')).body['results'] as { email: string }[]).map((o) => o.email)).toEqual(['agent@example.com']);
    expect(((await call('GET', '/crm/v3/owners?archived=true')).body['results'] as { email: string }[]).map((o) => o.email)).toEqual(['gone@example.com']);
    const priority = await call('GET', '/crm/v3/properties/tickets/hs_ticket_priority');
    expect(priority.body).toMatchObject({
      name: 'hs_ticket_priority',
      type: 'enumeration',
      options: expect.arrayContaining([{ value: 'HIGH', label: 'High', displayOrder: 2, hidden: false }]),
    });
  });

  it('adds contacts to a manual list once, and refuses an active list', async () => {
    const contact = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'c@example.com' } });
    const lists = (await call('POST', '/crm/v3/lists/search', { query: '', processingTypes: ['MANUAL', 'DYNAMIC'] })).body['lists'] as {
      listId: string;
      name: string;
    }[];
    const newsletter = lists.find((l) => l.name === 'Newsletter')!;
    expect((await call('PUT', `/crm/v3/lists/${newsletter.listId}/memberships/add`, [contact.body['id'], '42'])).body).toEqual({
      recordIdsAdded: [contact.body['id']],
      recordIdsMissing: ['42'],
    });
    expect((await call('PUT', `/crm/v3/lists/${newsletter.listId}/memberships/add`, [contact.body['id']])).body).toMatchObject({ recordIdsAdded: [] });
    const customers = lists.find((l) => l.name === 'Customers')!;
    expect((await call('PUT', `/crm/v3/lists/${customers.listId}/memberships/add`, [contact.body['id']])).status).toBe(400);
  });
});

describe('the fake HubSpot’s faults', () => {
  it('answers rate limits with the policy, errorType and X-HubSpot-RateLimit headers, daily or ten-secondly', async () => {
    const bearer = await accessToken();
    fake.faults.set({ rate429: 1 });
    const secondly = await call('GET', '/crm/v3/owners', undefined, bearer);
    expect(secondly).toMatchObject({ status: 429, body: { status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' } });
    expect(secondly.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect(secondly.headers.get('retry-after')).toBeNull();
    fake.faults.set({ rate429: 0, dailyLimit: true });
    const daily = await call('GET', '/crm/v3/owners', undefined, bearer);
    expect(daily).toMatchObject({ status: 429, body: { policyName: 'DAILY', message: 'You have reached your daily limit.' } });
    expect(daily.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
  });

  it('fails the next matching call, answers 5xx with an error body, and can lose a committed create’s answer', async () => {
    const bearer = await accessToken();
    fake.faults.set({ failNext: { status: 503, count: 1, route: 'POST /crm/v3/objects/deals' } });
    expect((await call('POST', '/crm/v3/objects/deals', { properties: { dealname: 'x', dealstage: 'qualifiedtobuy' } }, bearer)).status).toBe(503);
    expect((await call('POST', '/crm/v3/objects/deals', { properties: { dealname: 'x', dealstage: 'qualifiedtobuy' } }, bearer)).status).toBe(201);
    fake.faults.set({ rate5xx: 1 });
    expect(await call('GET', '/crm/v3/owners', undefined, bearer)).toMatchObject({ status: 500, body: { status: 'error', correlationId: expect.any(String) } });
    fake.faults.set({ rate5xx: 0, rateLostResponse: 1 });
    await expect(call('POST', '/crm/v3/objects/contacts', { properties: { email: 'lost@example.com' } }, bearer)).rejects.toThrow();
    expect(fake.contacts.map((c) => c.properties['email'])).toEqual(['lost@example.com']);
  });

  it('holds a done answer back (rateSlow): a client that stops waiting finds the record made all the same', async () => {
    const bearer = await accessToken();
    fake.faults.set({ rateSlow: 1, slowMs: 5_000 });
    const stop = new AbortController();
    const answer = fetch(`${fake.url}/crm/v3/objects/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { email: 'slow@example.com' } }),
      signal: stop.signal,
    });
    await vi.waitFor(() => expect(fake.contacts.map((c) => c.properties['email'])).toEqual(['slow@example.com']));
    stop.abort();
    await expect(answer).rejects.toThrow();
  });

  it('is driven over HTTP too (npm run fake-hubspot)', async () => {
    const set = await fetch(`${fake.url}/__fake/faults`, { method: 'POST', body: JSON.stringify({ rate5xx: 0.5 }) });
    expect(await set.json()).toMatchObject({ rate5xx: 0.5 });
    expect((await fetch(`${fake.url}/__fake/faults`, { method: 'POST', body: JSON.stringify({ rate5xx: 2 }) })).status).toBe(400);
    const added = await fetch(`${fake.url}/__fake/properties`, { method: 'POST', body: JSON.stringify({ objectType: 'deals', name: 'region_code' }) });
    expect(added.status).toBe(201);
    expect(((await call('GET', '/crm/v3/properties/deals')).body['results'] as { name: string }[]).map((p) => p.name)).toContain('region_code');
    expect((await fetch(`${fake.url}/__fake/properties`, { method: 'POST', body: JSON.stringify({ objectType: 'deals', name: 'region_code' }) })).status).toBe(
      409,
    );
    expect((await fetch(`${fake.url}/__fake/properties`, { method: 'POST', body: JSON.stringify({ objectType: 'deals', name: 'Region Code' }) })).status).toBe(
      400,
    );
    expect((await fetch(`${fake.url}/__fake/reset`, { method: 'POST' })).status).toBe(200);
    expect(fake.faults.current.rate5xx).toBe(0);
    expect(fake.data.property('deals', 'region_code')).toBeUndefined();
  });
});
