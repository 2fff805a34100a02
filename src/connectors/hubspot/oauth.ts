import { parseRetryAfter } from '../remote/backoff.ts';
import { answeredRefreshToken, OAuthRefresher, oauthTokenKey, type OAuthRefresherOptions, type TokenEndpoint } from '../remote/oauth-refresher.ts';
import type { RevokeEndpoint } from '../remote/oauth-revoke.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';

/** HubSpot's credential and the refresher's tuning (OAuthRefresherOptions; HubSpot's access tokens live 30 min). */
export interface HubSpotOAuthOptions extends Pick<
  OAuthRefresherOptions,
  'refreshToken' | 'tokens' | 'dispatcher' | 'timeoutMs' | 'refreshMarginMs' | 'refusalMemoryMs' | 'now'
> {
  /** The API origin; the token endpoint is `{apiOrigin}/oauth/v1/token`. */
  readonly apiOrigin: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Names one credential's access tokens in the AccessTokenCache; a hash, so no secret is a key. */
export function hubspotTokenKey(credential: Pick<HubSpotOAuthOptions, 'apiOrigin' | 'clientId' | 'clientSecret' | 'refreshToken'>): string {
  return oauthTokenKey('hubspot', credential.apiOrigin, credential.clientId, credential.clientSecret, credential.refreshToken);
}

/**
 * HubSpot's token endpoint: the refresh-token grant at `POST /oauth/v1/token` (form-encoded
 * client_id, client_secret, refresh_token), whose answer is `{token_type, refresh_token,
 * access_token, expires_in}` — 1800 s today. HubSpot's docs show a refresh_token in every refresh
 * answer but say nothing of rotating it (not confirmed either way; the fake returns the same one):
 * whatever comes back is stored as the one to use next, so a rotation would be followed. Refusals
 * are a 400 whose `status` names them (BAD_REFRESH_TOKEN, BAD_CLIENT_ID, BAD_CLIENT_SECRET).
 * HubSpot announced v1 of this endpoint's deprecation for 2027-02-16 (its docs' banner);
 * `/oauth/v3/token` takes the same form — switching is one path.
 */
export function hubspotTokenEndpoint(apiOrigin: string, clientId: string, clientSecret: string): TokenEndpoint {
  return {
    name: "HubSpot's token endpoint",
    throttledMessage: 'HubSpot is rate-limiting token refreshes; waiting before asking again',
    request: (refreshToken) => ({
      url: `${apiOrigin}/oauth/v1/token`,
      form: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken }),
      contentType: 'application/x-www-form-urlencoded;charset=utf-8',
    }),
    read({ status, body, retryAfter }, now) {
      const accessToken = body?.['access_token'];
      if (status === 200 && typeof accessToken === 'string' && accessToken !== '') {
        const expiresIn = body?.['expires_in'];
        const refreshToken = answeredRefreshToken(body);
        return {
          kind: 'issued',
          value: accessToken,
          lifetimeMs: (typeof expiresIn === 'number' ? expiresIn : 1800) * 1000,
          ...(refreshToken !== undefined ? { refreshToken } : {}),
        };
      }
      const code = errorCode(body?.['status']);
      const message = errorMessage(body?.['message']) ?? '';
      if (status === 429) {
        return {
          kind: 'throttled',
          message: `HubSpot rate-limited the token refresh: ${message || 'HTTP 429'}`,
          retryAt: parseRetryAfter(retryAfter, now) ?? now + 10_000,
        };
      }
      if (status >= 500 || status < 400 || code === undefined || code === 'error') {
        return { kind: 'unavailable', message: `HubSpot's token endpoint gave no access token (HTTP ${status}${code ? `: ${code}` : ''})` };
      }
      return { kind: 'refused', message: explainTokenError(code, message) };
    },
  };
}

/**
 * HubSpot's `DELETE {apiOrigin}/oauth/v1/refresh-tokens/{token}` ("Delete a refresh token", OAuth
 * v1): an answer without a body (204) when deleted. It deletes the refresh token only: the access
 * tokens it minted live on (30 minutes) and the app stays installed in the account — HubSpot's
 * words. Its error answers are not documented (the fake answers HubSpot's usual error body with
 * 404 for an unknown token). v1 is announced deprecated for 2027-02-16; v3's
 * `POST /oauth/2026-03/token/revoke` takes the token with the client's id and secret in a form.
 */
export function hubspotRevokeEndpoint(apiOrigin: string): RevokeEndpoint {
  return {
    name: "HubSpot's OAuth API",
    request: (token) => ({ method: 'DELETE', url: `${apiOrigin}/oauth/v1/refresh-tokens/${encodeURIComponent(token)}` }),
    revoked: ({ status }) => status >= 200 && status < 300,
    revokedMessage:
      'the refresh token HubSpot issued was deleted (the app stays installed in the HubSpot account: uninstall it under Settings → Integrations → Connected Apps if no role uses it)',
    removeHint: 'you may uninstall the app in the HubSpot account under Settings → Integrations → Connected Apps, if no role is connected with it',
  };
}

/** HubSpot access tokens for one (app, installation). */
export class HubSpotOAuth extends OAuthRefresher {
  constructor(opts: HubSpotOAuthOptions) {
    super({ ...opts, endpoint: hubspotTokenEndpoint(opts.apiOrigin, opts.clientId, opts.clientSecret), key: hubspotTokenKey(opts) });
  }
}

function explainTokenError(code: string, message: string): string {
  switch (code) {
    case 'BAD_REFRESH_TOKEN':
      return 'HubSpot refused the refresh token (BAD_REFRESH_TOKEN): the app was uninstalled from the account or the token belongs to another app; connect again';
    case 'BAD_CLIENT_ID':
      return 'HubSpot does not know this client ID (BAD_CLIENT_ID): check the client ID of your app';
    case 'BAD_CLIENT_SECRET':
      return 'HubSpot refused the client secret (BAD_CLIENT_SECRET): set the integration again with the app’s current secret';
    default:
      return `HubSpot refused the token refresh (${code}${message ? `: ${message}` : ''})`;
  }
}
