import { randomUUID } from 'node:crypto';

/** Every scope the fake's ready app is granted (the scopes Renkei asks for, all roles). */
export const ALL_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.owners.read',
  'tickets',
  'crm.lists.read',
  'crm.lists.write',
];

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

interface Grant {
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

interface AccessToken {
  refreshToken: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  /** Set by expireAll: answered as expired whatever its expiry. */
  expired: boolean;
}

/**
 * HubSpot's OAuth 2 server as the API sees it: apps (client id and secret), refresh tokens from
 * grants with scopes, access tokens living 30 minutes (`expires_in` 1800), authorization codes
 * from the consent page. A refresh token is reusable (HubSpot does not rotate it).
 */
export class TokenStore {
  readonly #clients = new Map<string, string>();
  readonly #grants = new Map<string, Grant>();
  readonly #access = new Map<string, AccessToken>();
  readonly #codes = new Map<string, { clientId: string; redirectUri: string; scopes: string[] }>();
  refreshes = 0;
  /** What the consent page does: send the browser back with a code, or with `error=access_denied`. */
  consent: 'approve' | 'deny' = 'approve';
  lifetimeSeconds = 1800;

  addApp(app: AppCredentials, scopes: readonly string[] = ALL_SCOPES): void {
    this.#clients.set(app.clientId, app.clientSecret);
    this.#grants.set(app.refreshToken, { clientId: app.clientId, scopes: [...scopes], revoked: false });
  }

  revoke(refreshToken: string): void {
    const grant = this.#grants.get(refreshToken);
    if (grant) grant.revoked = true;
    for (const token of this.#access.values()) if (token.refreshToken === refreshToken) token.expired = true;
  }

  expireAll(): void {
    for (const token of this.#access.values()) token.expired = true;
  }

  /** The consent page: a code for the app's client, or undefined for an unknown client. */
  authorize(clientId: string, redirectUri: string, scopes: string[]): string | undefined {
    if (!this.#clients.has(clientId)) return undefined;
    const code = `code-${randomUUID()}`;
    this.#codes.set(code, { clientId, redirectUri, scopes });
    return code;
  }

  /** `POST /oauth/v1/token`: the answer's HTTP status and body. */
  token(form: URLSearchParams, now: number): { status: number; body: Record<string, unknown> } {
    const refuse = (status: string, message: string) => ({ status: 400, body: { status, message, correlationId: randomUUID() } });
    const clientId = form.get('client_id') ?? '';
    const secret = this.#clients.get(clientId);
    if (secret === undefined) return refuse('BAD_CLIENT_ID', 'missing or unknown client id');
    if (form.get('client_secret') !== secret) return refuse('BAD_CLIENT_SECRET', 'missing or invalid client secret');
    let refreshToken: string;
    switch (form.get('grant_type')) {
      case 'refresh_token': {
        refreshToken = form.get('refresh_token') ?? '';
        const grant = this.#grants.get(refreshToken);
        if (!grant || grant.revoked || grant.clientId !== clientId) return refuse('BAD_REFRESH_TOKEN', 'missing or invalid refresh token');
        this.refreshes += 1;
        break;
      }
      case 'authorization_code': {
        const code = this.#codes.get(form.get('code') ?? '');
        if (!code || code.clientId !== clientId) return refuse('BAD_AUTH_CODE', 'missing or unknown auth code');
        if (code.redirectUri !== form.get('redirect_uri')) return refuse('BAD_REDIRECT_URI', 'redirect_uri does not match');
        this.#codes.delete(form.get('code') ?? '');
        refreshToken = `na1-${randomUUID()}`;
        this.#grants.set(refreshToken, { clientId, scopes: code.scopes, revoked: false });
        break;
      }
      default:
        return refuse('BAD_GRANT_TYPE', 'missing or unknown grant type');
    }
    const grant = this.#grants.get(refreshToken)!;
    const accessToken = `CJ${randomUUID().replace(/-/g, '')}`;
    this.#access.set(accessToken, {
      refreshToken,
      clientId: grant.clientId,
      scopes: grant.scopes,
      expiresAt: now + this.lifetimeSeconds * 1000,
      expired: false,
    });
    return { status: 200, body: { token_type: 'bearer', refresh_token: refreshToken, access_token: accessToken, expires_in: this.lifetimeSeconds } };
  }

  /** What a bearer token is: its scopes, or why it is refused. */
  check(token: string | undefined, now: number): { ok: true; scopes: string[]; expiresIn: number } | { ok: false; expiredSeconds?: number } {
    const access = token === undefined ? undefined : this.#access.get(token);
    if (!access) return { ok: false };
    // A deleted refresh token leaves its access tokens working (HubSpot's words); an uninstall does not.
    const grant = this.#grants.get(access.refreshToken);
    if (access.expired || now >= access.expiresAt || grant?.revoked === true) {
      return { ok: false, expiredSeconds: Math.max(1, Math.round((now - Math.min(now, access.expiresAt)) / 1000)) };
    }
    return { ok: true, scopes: access.scopes, expiresIn: Math.round((access.expiresAt - now) / 1000) };
  }

  clientOf(token: string): string | undefined {
    return this.#access.get(token)?.clientId;
  }

  /**
   * `DELETE /oauth/v1/refresh-tokens/{token}` ("Delete a refresh token"): the refresh token is
   * forgotten (a refresh with it answers BAD_REFRESH_TOKEN); the access tokens it minted keep
   * working and the app stays installed, as HubSpot says. 204 without a body. HubSpot documents no
   * error answer: an unknown token gets its usual error body with 404 (not confirmed).
   */
  deleteRefreshToken(token: string): { status: number; body?: Record<string, unknown> } {
    if (!this.#grants.delete(token)) {
      return { status: 404, body: { status: 'error', message: 'refresh token not found', correlationId: randomUUID(), category: 'OBJECT_NOT_FOUND' } };
    }
    return { status: 204 };
  }
}
