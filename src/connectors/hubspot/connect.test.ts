import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot } from '../../../test/fake-hubspot/index.ts';
import { OAuthRefusal } from '../declaration.ts';
import { hubspotOAuthFlow } from './connect.ts';

let fake: FakeHubSpot;
beforeAll(async () => {
  fake = await startFakeHubSpot({ seed: 5 });
});
afterAll(() => fake.close());

const redirectUri = 'https://renkei.example.com/api/v1/admin/integrations/oauth/callback';

/** What the browser does: open the consent page, follow HubSpot's redirect back to Renkei. */
async function consent(url: string): Promise<URLSearchParams> {
  const res = await fetch(url, { redirect: 'manual' });
  return new URL(res.headers.get('location')!).searchParams;
}

describe("HubSpot's authorization-code grant", () => {
  it("sends the admin to HubSpot's consent page with the client, the scopes space-separated and the state", () => {
    const url = new URL(hubspotOAuthFlow.authorizeUrl({ clientId: 'app-1' }, { scopes: ['oauth', 'tickets'], redirectUri, state: 'st' }));
    expect(url.origin + url.pathname).toBe('https://app.hubspot.com/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'app-1', scope: 'oauth tickets', redirect_uri: redirectUri, state: 'st' });
    expect(() => hubspotOAuthFlow.authorizeUrl({}, { scopes: [], redirectUri, state: 'st' })).toThrow(OAuthRefusal);
    expect(hubspotOAuthFlow.consoleUrl({})).toBe('https://app.hubspot.com/developer');
  });

  it('trades the code HubSpot sends back for a refresh token that refreshes', async () => {
    const settings = { clientId: fake.app.clientId, apiUrl: fake.url };
    const back = await consent(hubspotOAuthFlow.authorizeUrl(settings, { scopes: ['oauth'], redirectUri, state: 'st' }));
    expect(back.get('state')).toBe('st');
    const grant = await hubspotOAuthFlow.exchange(settings, { clientSecret: fake.app.clientSecret }, { code: back.get('code')!, redirectUri, callback: back });
    expect(grant).toEqual({ refreshToken: expect.stringMatching(/^na1-/) });
    const refreshed = await fetch(`${fake.url}/oauth/v1/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: fake.app.clientId,
        client_secret: fake.app.clientSecret,
        refresh_token: grant['refreshToken']!,
      }),
    });
    expect(refreshed.status).toBe(200);
  });

  it('says why a grant failed: a declined consent, a wrong secret, a used code, an unreachable server', async () => {
    const settings = { clientId: fake.app.clientId, apiUrl: fake.url };
    const exchange = (secret: string, code: string, callback = new URLSearchParams({ code })) =>
      hubspotOAuthFlow.exchange(settings, { clientSecret: secret }, { code, redirectUri, callback });
    await expect(exchange(fake.app.clientSecret, '', new URLSearchParams({ error: 'access_denied' }))).rejects.toThrow(
      /did not grant access \(access_denied\)/,
    );
    const back = await consent(hubspotOAuthFlow.authorizeUrl(settings, { scopes: ['oauth'], redirectUri, state: 's' }));
    await expect(exchange('wrong', back.get('code')!)).rejects.toThrow(/BAD_CLIENT_SECRET/);
    await exchange(fake.app.clientSecret, back.get('code')!);
    await expect(exchange(fake.app.clientSecret, back.get('code')!)).rejects.toThrow(/BAD_AUTH_CODE.*connect again/);
    await expect(
      hubspotOAuthFlow.exchange(
        { clientId: 'x', apiUrl: 'http://127.0.0.1:9' },
        { clientSecret: 's' },
        { code: 'c', redirectUri, callback: new URLSearchParams() },
      ),
    ).rejects.toThrow(/could not be reached/);
  });
});
