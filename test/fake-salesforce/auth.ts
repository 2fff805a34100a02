import { randomBytes } from 'node:crypto';

/** A connected app's consumer key and secret, with the refresh token an admin's grant gave it. */
export interface Client {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  /** Granted scopes (default `api refresh_token`): without `api` the REST API refuses the session. */
  readonly scopes?: readonly string[];
  /**
   * The connected app's "Enable Refresh Token Rotation": each refresh answers with a new
   * refresh_token and the one used is invalidated (Salesforce Help, "OAuth 2.0 Refresh Token Flow
   * for Renewed Sessions"). Off by default, as in Salesforce.
   */
  readonly rotateRefreshTokens?: boolean;
}

interface Session {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly generation: number;
}

/** What the consent page does when an admin's browser arrives: approve (default) or deny. */
export type Consent = 'approve' | 'deny';

export interface TokenAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Salesforce's token endpoint (`/services/oauth2/token`) and consent page
 * (`/services/oauth2/authorize`) for the web-server flow and the refresh-token flow. The answers
 * carry what Salesforce documents: access_token, instance_url, id, token_type, issued_at,
 * signature, scope — and no expires_in (a session lasts the org's session timeout). Errors are
 * `{ error, error_description }` with HTTP 400: invalid_grant (revoked or unknown refresh token,
 * used code), invalid_client_id (unknown consumer key), invalid_client (wrong secret),
 * redirect_uri_mismatch. With rotation on, a refresh answer carries the new refresh_token too.
 */
export class Auth {
  clients = new Map<string, Client>();
  revoked = new Set<string>();
  sessions = new Map<string, Session>();
  codes = new Map<string, { clientId: string; redirectUri: string; refreshToken: string }>();
  consent: Consent = 'approve';
  generation = 0;
  refreshes = 0;
  /** Per consumer key, the refresh token that works now when the app rotates them (else the client's own). */
  current = new Map<string, string>();
  client: Client;

  constructor() {
    this.client = this.newClient();
  }

  newClient(scopes?: readonly string[], opts: { rotateRefreshTokens?: boolean } = {}): Client {
    const c: Client = {
      clientId: `3MVG9${randomBytes(30).toString('base64url')}`,
      clientSecret: randomBytes(32).toString('hex').toUpperCase(),
      refreshToken: newRefreshToken(),
      ...(scopes ? { scopes } : {}),
      ...(opts.rotateRefreshTokens ? { rotateRefreshTokens: true } : {}),
    };
    this.clients.set(c.clientId, c);
    return c;
  }

  addClient(c: Client): void {
    this.clients.set(c.clientId, c);
  }

  /** Every session issued so far answers 401 INVALID_SESSION_ID (a timeout, an admin's "log out all"). */
  expireAll(): void {
    this.generation += 1;
  }

  /** The refresh token stops working, and so do its sessions (a rotated one's too: it is one grant). */
  revoke(refreshToken: string): void {
    this.revoked.add(refreshToken);
    for (const c of this.clients.values()) {
      const now = this.current.get(c.clientId);
      if (c.refreshToken === refreshToken && now) this.revoked.add(now);
      if (now === refreshToken) this.revoked.add(c.refreshToken);
    }
    for (const [token, s] of this.sessions) {
      const c = this.clients.get(s.clientId);
      if (c && this.revoked.has(this.current.get(c.clientId) ?? c.refreshToken)) this.sessions.delete(token);
    }
  }

  /**
   * `POST /services/oauth2/revoke` with the form body `token=…` (Salesforce Help, "Revoke OAuth
   * Tokens Programmatically"): a refresh token is revoked with every session of its grant (a
   * refresh with it then answers invalid_grant), a session (access token) alone ends; HTTP 200.
   * Anything else is HTTP 400 `invalid_token` (Salesforce's code; the description is the fake's).
   */
  revokeByRequest(form: URLSearchParams): TokenAnswer {
    const token = form.get('token') ?? '';
    if (this.sessions.delete(token)) return { status: 200, body: {} };
    const known = [...this.clients.values()].some((c) => c.refreshToken === token || this.current.get(c.clientId) === token);
    if (!known || this.revoked.has(token)) return { status: 400, body: { error: 'invalid_token', error_description: 'invalid token' } };
    this.revoke(token);
    return { status: 200, body: {} };
  }

  /** The session a bearer token names, when it is still valid. */
  session(authorization: string | undefined): Session | undefined {
    const m = /^Bearer (\S+)$/.exec(authorization ?? '');
    const s = m ? this.sessions.get(m[1]!) : undefined;
    return s && s.generation === this.generation ? s : undefined;
  }

  grant(form: URLSearchParams, instanceUrl: string): TokenAnswer {
    const refuse = (error: string, description: string): TokenAnswer => ({ status: 400, body: { error, error_description: description } });
    const grantType = form.get('grant_type');
    const client = this.clients.get(form.get('client_id') ?? '');
    if (grantType !== 'refresh_token' && grantType !== 'authorization_code') return refuse('unsupported_grant_type', 'grant type not supported');
    if (!client) return refuse('invalid_client_id', 'client identifier invalid');
    if (form.get('client_secret') !== client.clientSecret) return refuse('invalid_client', 'invalid client credentials');
    let refreshToken: string;
    let rotated = false;
    if (grantType === 'refresh_token') {
      const given = form.get('refresh_token') ?? '';
      const valid = this.current.get(client.clientId) ?? client.refreshToken;
      if (given !== valid || this.revoked.has(given)) return refuse('invalid_grant', 'expired access/refresh token');
      refreshToken = given;
      if (client.rotateRefreshTokens) {
        // The one used is invalidated at once; only the new one works from now on.
        refreshToken = newRefreshToken();
        this.current.set(client.clientId, refreshToken);
        rotated = true;
      }
      this.refreshes += 1;
    } else {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code || code.clientId !== client.clientId) return refuse('invalid_grant', 'invalid authorization code');
      if (code.redirectUri !== form.get('redirect_uri')) return refuse('redirect_uri_mismatch', 'redirect_uri must match configuration');
      this.codes.delete(form.get('code') ?? '');
      refreshToken = code.refreshToken;
      // A new approval: its refresh token is the one that works (a rotated successor no longer).
      this.current.delete(client.clientId);
    }
    const scopes = client.scopes ?? ['api', 'refresh_token'];
    const accessToken = `00D5g000004Fake!${randomBytes(48).toString('base64url')}`;
    this.sessions.set(accessToken, { clientId: client.clientId, scopes, generation: this.generation });
    const issuedAt = String(Date.now());
    return {
      status: 200,
      body: {
        access_token: accessToken,
        ...((grantType === 'authorization_code' && scopes.includes('refresh_token')) || rotated ? { refresh_token: refreshToken } : {}),
        signature: randomBytes(32).toString('base64'),
        scope: scopes.join(' '),
        instance_url: instanceUrl,
        id: `${instanceUrl}/id/00D5g000004FakeEAA/005000000000001AAE`,
        token_type: 'Bearer',
        issued_at: issuedAt,
      },
    };
  }

  /** The consent page: back to `redirect_uri` with `code` and `state`, or with `error=access_denied`. */
  authorize(query: URLSearchParams): { status: number; location?: string; body?: Record<string, unknown> } {
    const client = this.clients.get(query.get('client_id') ?? '');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (query.get('response_type') !== 'code')
      return { status: 400, body: { error: 'unsupported_response_type', error_description: 'response type not supported' } };
    if (!client) return { status: 400, body: { error: 'invalid_client_id', error_description: 'client identifier invalid' } };
    if (!/^https?:\/\//.test(redirectUri))
      return { status: 400, body: { error: 'redirect_uri_mismatch', error_description: 'redirect_uri must match configuration' } };
    const back = new URL(redirectUri);
    const state = query.get('state');
    if (this.consent === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'end-user denied authorization');
    } else {
      const code = `aPrx${randomBytes(24).toString('base64url')}`;
      this.codes.set(code, { clientId: client.clientId, redirectUri, refreshToken: client.refreshToken });
      back.searchParams.set('code', code);
    }
    if (state !== null) back.searchParams.set('state', state);
    return { status: 302, location: back.toString() };
  }
}

function newRefreshToken(): string {
  return `5Aep861${randomBytes(40).toString('base64url')}`;
}
