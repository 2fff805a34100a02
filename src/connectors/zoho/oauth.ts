import { OAuthRefresher, oauthTokenKey, type OAuthRefresherOptions, type TokenEndpoint } from '../remote/oauth-refresher.ts';
import type { RevokeEndpoint } from '../remote/oauth-revoke.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';

/**
 * Zoho's credential and the refresher's tuning (OAuthRefresherOptions). Zoho documents no timeout
 * for its token endpoint; the refresher's 15 s is zoho-api.md §5.3's advice.
 */
export interface OAuthOptions extends Pick<
  OAuthRefresherOptions,
  'refreshToken' | 'tokens' | 'dispatcher' | 'timeoutMs' | 'refreshMarginMs' | 'throttleBackoffMs' | 'refusalMemoryMs' | 'now'
> {
  /** The accounts server origin (`https://accounts.zoho.eu`): the data centre's. */
  readonly accountsOrigin: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Names one credential's access tokens in the AccessTokenCache (another data centre is another key). */
export function zohoTokenKey(credential: Pick<OAuthOptions, 'accountsOrigin' | 'clientId' | 'clientSecret' | 'refreshToken'>): string {
  return oauthTokenKey('zoho', credential.accountsOrigin, credential.clientId, credential.clientSecret, credential.refreshToken);
}

/**
 * Zoho's token endpoint, `POST {accounts}/oauth/v2/token` on the data centre's accounts server.
 * Zoho allows about ten refreshes per refresh token per ten minutes and silently kills the oldest
 * access tokens when too many are minted (hence one shared refresh, ../remote/oauth-refresher.ts).
 * Its refresh answer carries no refresh token (Zoho does not rotate them), so none is read here.
 */
export function zohoTokenEndpoint(accountsOrigin: string, clientId: string, clientSecret: string): TokenEndpoint {
  return {
    name: 'the Zoho accounts server',
    throttledMessage: 'Zoho is throttling token refreshes (Access Denied); waiting before asking again',
    request: (refreshToken) => ({
      url: `${accountsOrigin}/oauth/v2/token`,
      form: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken }),
    }),
    read({ status, body }) {
      // The HTTP status is unreliable here (errors have come with 200), so the body decides.
      const accessToken = body?.['access_token'];
      if (typeof accessToken === 'string' && accessToken !== '') {
        const expiresIn = body?.['expires_in'];
        return { kind: 'issued', value: accessToken, lifetimeMs: (typeof expiresIn === 'number' ? expiresIn : 3600) * 1000 };
      }
      // Only Zoho's error code and description, bounded, may reach the admin: never the body.
      const error = errorCode(body?.['error']);
      const description = errorMessage(body?.['error_description']) ?? '';
      if (error === 'Access Denied' || /too many requests/i.test(description) || status === 429) {
        return { kind: 'throttled', message: `Zoho is throttling token refreshes: ${description || error || `HTTP ${status}`}` };
      }
      // A server failure says nothing about the credentials, whatever its body holds.
      if (error === undefined || status >= 500) {
        return { kind: 'unavailable', message: `the Zoho accounts server gave no access token (HTTP ${status}${error ? `: ${error}` : ''})` };
      }
      return { kind: 'refused', message: explainTokenError(error, description) };
    },
  };
}

/**
 * Zoho's revoke endpoint, `POST {accounts}/oauth/v2/token/revoke?token=…` on the accounts server
 * of the data centre that issued the token (Zoho Accounts' "Revoke OAuth tokens", the CRM API's
 * "Revoking Refresh Token"): `{"status":"success"}` when revoked, with the access tokens the
 * refresh token minted; HTTP 400 for an invalid token, with a body Zoho does not document. The body
 * decides, not the status (Zoho's token errors have come with 200). Zoho Accounts also documents
 * `POST {accounts}/oauth/v2/revoke/token` with the client's Basic credentials and `token_type`;
 * the query form is the one every Zoho product's docs show, so it is used (both not confirmed
 * against a live account).
 */
export function zohoRevokeEndpoint(accountsOrigin: string): RevokeEndpoint {
  return {
    name: 'the Zoho accounts server',
    request: (token) => {
      const url = new URL('/oauth/v2/token/revoke', accountsOrigin);
      url.searchParams.set('token', token);
      return { method: 'POST', url: url.toString() };
    },
    revoked: ({ status, body }) => status < 300 && body?.['status'] === 'success',
    revokedMessage: 'the refresh token Zoho issued was revoked',
    removeHint: `you may remove the app under Sessions → Connected Apps at ${accountsOrigin} (Revoke Access ends every grant of the app, also one a role is connected with)`,
  };
}

/** Zoho access tokens for one (accounts server, client, refresh token). */
export class ZohoOAuth extends OAuthRefresher {
  constructor(opts: OAuthOptions) {
    super({
      ...opts,
      endpoint: zohoTokenEndpoint(opts.accountsOrigin, opts.clientId, opts.clientSecret),
      key: zohoTokenKey(opts),
    });
  }
}

function explainTokenError(error: string, description: string): string {
  switch (error) {
    case 'invalid_code':
      return 'Zoho refused the refresh token (invalid_code): it was revoked, deleted or never issued for this client and data centre; create a new one and set the integration again';
    case 'invalid_client':
      return 'Zoho does not know this client id (invalid_client): check the client id and the data centre (a client from another data centre needs Multi-DC enabled in the API console)';
    case 'invalid_client_secret':
      return 'Zoho refused the client secret (invalid_client_secret): set the integration again with the right secret';
    default:
      return `Zoho refused the token refresh (${error}${description ? `: ${description}` : ''})`;
  }
}
