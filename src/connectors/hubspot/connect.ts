import { request } from 'undici';
import { OAuthRefusal, type OAuthFlow } from '../declaration.ts';
import { errorCode } from '../remote/provider-said.ts';
import { HUBSPOT_API_ORIGIN, HUBSPOT_APP_ORIGIN } from './fields.ts';
import { parseObject } from '../remote/json-object.ts';
import { describeNetworkError } from '../remote/network-error.ts';
import { revokeToken } from '../remote/oauth-revoke.ts';
import { hubspotRevokeEndpoint } from './oauth.ts';

const TOKEN_TIMEOUT_MS = 15_000;

const apiOrigin = (settings: Readonly<Record<string, string | undefined>>): string => settings['apiUrl'] ?? HUBSPOT_API_ORIGIN;

/**
 * HubSpot's authorization-code grant (its OAuth guide): the consent page is
 * `https://app.hubspot.com/oauth/authorize` with `client_id`, `scope` (space-separated),
 * `redirect_uri` and `state`; HubSpot sends the browser back with `code` (and `state`), and the
 * code is traded at `{apiUrl}/oauth/v1/token` with `grant_type=authorization_code`, the client
 * id and secret and the same redirect URI. The answer's refresh token is kept (it does not expire
 * until the app is uninstalled). With another `apiUrl` (a fake, a proxy) the consent page is
 * `{apiUrl}/oauth/authorize`, so nothing ever goes to HubSpot's own hosts.
 */
export const hubspotOAuthFlow: OAuthFlow = {
  grants: ['refreshToken'],
  registerHint: {
    en: "Add this redirect URL on your HubSpot app's Auth tab (in your developer account):",
    ja: 'このリダイレクト URL を HubSpot アプリの「認証」タブ（開発者アカウント）に追加してください:',
  },
  consoleLabel: { en: 'Open your developer account', ja: '開発者アカウントを開く' },

  // The developer account's app list, where the app's Auth tab shows the client ID, secret and redirect URLs.
  consoleUrl: () => `${HUBSPOT_APP_ORIGIN}/developer`,

  authorizeUrl(settings, { scopes, redirectUri, state }) {
    const clientId = settings['clientId'];
    if (!clientId) throw new OAuthRefusal('the client ID is missing');
    const url = new URL('/oauth/authorize', settings['apiUrl'] ?? HUBSPOT_APP_ORIGIN);
    url.search = new URLSearchParams({ client_id: clientId, scope: scopes.join(' '), redirect_uri: redirectUri, state }).toString();
    return url.toString();
  },

  async exchange(settings, secrets, { code, redirectUri, callback }) {
    const denied = callback.get('error');
    if (denied) throw new OAuthRefusal(`HubSpot did not grant access (${errorCode(denied) ?? 'refused'}); connect again and approve`);
    const clientId = settings['clientId'];
    const clientSecret = secrets['clientSecret'];
    if (!clientId || !clientSecret) throw new OAuthRefusal('the client ID and client secret are required');
    const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, redirect_uri: redirectUri, code });
    let status: number;
    let text: string;
    try {
      const res = await request(`${apiOrigin(settings)}/oauth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body: form.toString(),
        headersTimeout: TOKEN_TIMEOUT_MS,
        bodyTimeout: TOKEN_TIMEOUT_MS,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new OAuthRefusal(`HubSpot's token endpoint could not be reached (${describeNetworkError(err)}); connect again`);
    }
    const body = parseObject(text);
    const refreshToken = body?.['refresh_token'];
    if (status === 200 && typeof refreshToken === 'string' && refreshToken !== '') return { refreshToken };
    const refused = errorCode(body?.['status']);
    if (refused === undefined || status >= 500) throw new OAuthRefusal(`HubSpot's token endpoint gave an unreadable answer (HTTP ${status}); connect again`);
    const hint =
      refused === 'BAD_CLIENT_ID' || refused === 'BAD_CLIENT_SECRET'
        ? 'check the client ID and secret of your HubSpot app'
        : refused === 'BAD_REDIRECT_URI'
          ? `add ${redirectUri} to the app's redirect URLs in HubSpot`
          : 'the code expired or was used; connect again';
    throw new OAuthRefusal(`HubSpot refused the grant (${refused}): ${hint}`);
  },

  async revoke(settings, granted) {
    const token = granted['refreshToken'];
    if (!token) return { revoked: true, message: 'HubSpot issued no refresh token' };
    return revokeToken(hubspotRevokeEndpoint(apiOrigin(settings)), token, { timeoutMs: TOKEN_TIMEOUT_MS });
  },
};
