import type { Reply, ScopeList } from './http.ts';
import { json } from './http.ts';
import { Rng } from './rng.ts';

/** Zoho Accounts' documented limits (zoho-api.md §1.4), enforced only with `tokenRateLimit`. */
const REFRESH_WINDOW_MS = 10 * 60 * 1000;
const REFRESHES_PER_WINDOW = 10;
/** The Accounts page's figure; minting one more silently kills the oldest. */
const ACTIVE_TOKENS_PER_REFRESH_TOKEN = 10;
const ACCESS_TOKEN_SECONDS = 3600;

export const THROTTLE_BODY = {
  error_description: 'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
};

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

interface RefreshGrant {
  clientId: string;
  /** undefined = every scope. */
  scopes: string[] | undefined;
  revoked: boolean;
  /** Oldest first. */
  issued: string[];
  /** Times of refresh attempts inside the window; throttled attempts count too, so hammering extends the block. */
  attempts: number[];
}

/** What the fake's consent page does: approve at once (tests), or answer as a user who clicked Deny. */
export interface Consent {
  answer: 'approve' | 'deny';
  /** The `accounts-server` the redirect names (default: the fake itself); a test sets a foreign one. */
  accountsServer?: string;
}

/** Grant codes: single use, valid this long (Zoho's lifetime for a web client's code is unconfirmed). */
const CODE_SECONDS = 120;

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  offline: boolean;
  expiresAt: number;
}

interface AccessGrant {
  refreshToken: string;
  expiresAt: number;
  valid: boolean;
}

/** Who a valid access token speaks for. */
export interface TokenOwner {
  scopes: string[] | undefined;
}

export class TokenStore {
  readonly #clients = new Map<string, string>();
  readonly #refresh = new Map<string, RefreshGrant>();
  readonly #access = new Map<string, AccessGrant>();
  readonly #clientRng: Rng;
  readonly #tokenRng: Rng;
  readonly #rateLimit: boolean;
  readonly #codes = new Map<string, CodeGrant>();
  consent: Consent = { answer: 'approve' };
  refreshes = 0;

  /** `generation` varies the access tokens only, so a re-created store never re-issues an old token. */
  constructor(seed: number, rateLimit: boolean, generation = 0) {
    this.#clientRng = new Rng(seed ^ 0x0a07);
    this.#tokenRng = new Rng((seed ^ 0x70c3) + generation * 7919);
    this.#rateLimit = rateLimit;
  }

  /** A ready client with random credentials, in Zoho's formats. */
  newClient(): ClientCredentials {
    const c = {
      clientId: `1000.${this.#clientRng.alnum(30)}`,
      clientSecret: this.#clientRng.hex(42),
      refreshToken: `1000.${this.#clientRng.hex(32)}.${this.#clientRng.hex(32)}`,
    };
    this.addClient(c);
    return c;
  }

  /** Registers (or updates the secret of) a client and adds a refresh token to it. */
  addClient(c: ClientCredentials & { scopes?: string[] }): void {
    this.#clients.set(c.clientId, c.clientSecret);
    this.#refresh.set(c.refreshToken, { clientId: c.clientId, scopes: c.scopes, revoked: false, issued: [], attempts: [] });
  }

  revoke(refreshToken: string): void {
    const grant = this.#refresh.get(refreshToken);
    if (!grant) return;
    grant.revoked = true;
    for (const token of grant.issued) this.#invalidate(token);
  }

  /**
   * `POST /oauth/v2/token/revoke?token=…` (Zoho Accounts' "Revoke OAuth tokens"): a refresh token is
   * forgotten with every access token it minted (a refresh with it then answers invalid_code), an
   * access token stops working; `{"status":"success"}`. An unknown or spent token gets HTTP 400,
   * whose body Zoho does not document: the fake's `{"status":"failure","error":"invalid_request"}`
   * is its token endpoint's shape.
   */
  revokeByRequest(params: URLSearchParams): Reply {
    const token = params.get('token') ?? '';
    const grant = this.#refresh.get(token);
    const access = this.#access.get(token);
    if (grant && !grant.revoked) {
      for (const issued of grant.issued) this.#invalidate(issued);
      this.#refresh.delete(token);
    } else if (access?.valid) {
      access.valid = false;
    } else {
      return json(400, { status: 'failure', error: 'invalid_request' });
    }
    return json(200, { status: 'success' });
  }

  expireAll(): void {
    for (const grant of this.#access.values()) grant.valid = false;
  }

  /** Forgets refresh-rate windows (part of the fake's `reset`). */
  resetWindows(): void {
    for (const grant of this.#refresh.values()) grant.attempts = [];
  }

  /** `Authorization: Zoho-oauthtoken <token>` → its owner, or null for missing/unknown/expired/revoked. */
  authenticate(header: string | undefined): TokenOwner | null {
    const m = /^Zoho-oauthtoken\s+(\S+)$/i.exec(header ?? '');
    const access = m?.[1] === undefined ? undefined : this.#access.get(m[1]);
    if (!access || !access.valid || access.expiresAt <= Date.now()) return null;
    const grant = this.#refresh.get(access.refreshToken);
    if (!grant || grant.revoked) return null;
    return { scopes: grant.scopes };
  }

  /**
   * `GET /oauth/v2/auth`: Zoho's consent page, approved (or denied) at once. It redirects to
   * `redirect_uri` with `code`, `location` and `accounts-server` (Zoho's Multi-DC page), and the
   * `state` it was given; a denial with `error=access_denied`. An unknown client or a missing
   * parameter gets an error page, as Zoho shows one instead of redirecting.
   */
  authorize(query: URLSearchParams, selfUrl: string): Reply {
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri') ?? '';
    const scope = query.get('scope') ?? '';
    if (!this.#clients.has(clientId)) return json(400, { error: 'invalid_client' });
    if (query.get('response_type') !== 'code' || redirectUri === '' || scope === '') return json(400, { error: 'invalid_request' });
    const back = new URL(redirectUri);
    const state = query.get('state');
    if (this.consent.answer === 'deny') {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = `1000.${this.#tokenRng.hex(32)}.${this.#tokenRng.hex(32)}`;
      this.#codes.set(code, {
        clientId,
        redirectUri,
        // Zoho separates scopes with commas.
        scopes: scope
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
        offline: query.get('access_type') === 'offline',
        expiresAt: Date.now() + CODE_SECONDS * 1000,
      });
      back.searchParams.set('code', code);
      back.searchParams.set('location', 'us');
      back.searchParams.set('accounts-server', this.consent.accountsServer ?? selfUrl);
    }
    if (state !== null) back.searchParams.set('state', state);
    return { status: 302, headers: { location: back.toString() } };
  }

  /**
   * `POST /oauth/v2/token`. Status choices where Zoho is inconsistent: `invalid_code` answers HTTP 200
   * (as observed), `invalid_client` HTTP 400, the throttle HTTP 400 — so clients must read the body.
   */
  grant(params: URLSearchParams, throttled: boolean, apiDomain: string): Reply {
    if (throttled) return json(400, THROTTLE_BODY);
    const grantType = params.get('grant_type');
    const clientId = params.get('client_id') ?? '';
    const secret = this.#clients.get(clientId);
    if (grantType !== 'refresh_token' && grantType !== 'authorization_code') {
      return json(400, { error: 'unsupported_grant_type' });
    }
    if (secret === undefined || secret !== params.get('client_secret')) return json(400, { error: 'invalid_client' });
    if (grantType === 'authorization_code') return this.#exchange(params, clientId, apiDomain);
    const refreshToken = params.get('refresh_token') ?? '';
    const grant = this.#refresh.get(refreshToken);
    if (!grant || grant.revoked || grant.clientId !== clientId) return json(200, { error: 'invalid_code' });
    if (this.#rateLimit && this.#overLimit(grant)) return json(400, THROTTLE_BODY);

    const token = `1000.${this.#tokenRng.hex(32)}.${this.#tokenRng.hex(32)}`;
    this.#access.set(token, { refreshToken, expiresAt: Date.now() + ACCESS_TOKEN_SECONDS * 1000, valid: true });
    grant.issued.push(token);
    if (this.#rateLimit) {
      while (grant.issued.length > ACTIVE_TOKENS_PER_REFRESH_TOKEN) this.#invalidate(grant.issued.shift() ?? '');
    }
    this.refreshes++;
    const body: Record<string, unknown> = { access_token: token };
    if (grant.scopes) body['scope'] = grant.scopes.join(' ');
    Object.assign(body, { api_domain: apiDomain, token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS });
    return json(200, body);
  }

  /** A grant code for tokens: once, before it expires, by its client, with the same redirect URI. */
  #exchange(params: URLSearchParams, clientId: string, apiDomain: string): Reply {
    const code = params.get('code') ?? '';
    const grant = this.#codes.get(code);
    this.#codes.delete(code);
    if (!grant || grant.expiresAt <= Date.now() || grant.clientId !== clientId) return json(200, { error: 'invalid_code' });
    if (grant.redirectUri !== params.get('redirect_uri')) return json(200, { error: 'invalid_redirect_uri' });
    const refreshToken = `1000.${this.#tokenRng.hex(32)}.${this.#tokenRng.hex(32)}`;
    this.#refresh.set(refreshToken, { clientId, scopes: grant.scopes, revoked: false, issued: [], attempts: [] });
    const token = `1000.${this.#tokenRng.hex(32)}.${this.#tokenRng.hex(32)}`;
    this.#access.set(token, { refreshToken, expiresAt: Date.now() + ACCESS_TOKEN_SECONDS * 1000, valid: true });
    this.#refresh.get(refreshToken)?.issued.push(token);
    // Only an offline grant comes with a refresh token (Zoho's access_type).
    return json(200, {
      access_token: token,
      ...(grant.offline ? { refresh_token: refreshToken } : {}),
      scope: grant.scopes.join(' '),
      api_domain: apiDomain,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
    });
  }

  #overLimit(grant: RefreshGrant): boolean {
    const now = Date.now();
    grant.attempts = grant.attempts.filter((t) => t > now - REFRESH_WINDOW_MS);
    grant.attempts.push(now);
    return grant.attempts.length > REFRESHES_PER_WINDOW;
  }

  #invalidate(token: string): void {
    const access = this.#access.get(token);
    if (access) access.valid = false;
  }
}

const WRITE_OPS = new Set(['CREATE', 'UPDATE', 'DELETE']);

/** Does one granted scope cover a required one? `X.ALL` covers all of X; `WRITE`/`CREATE-UPDATE` cover creating. */
export function scopeCovers(granted: string, required: string): boolean {
  const g = granted.toUpperCase().split('.');
  const r = required.toUpperCase().split('.');
  const gOp = g.pop() ?? '';
  const rOp = r.pop() ?? '';
  // The granted scope's resource path must be a prefix of the required one (ZohoCRM.modules ⊂ ZohoCRM.modules.leads).
  if (g.length > r.length || g.some((part, i) => part !== r[i])) return false;
  if (gOp === 'ALL') return true;
  if (gOp === rOp) return true;
  if (gOp === 'WRITE') return WRITE_OPS.has(rOp);
  if (gOp === 'CREATE-UPDATE') return rOp === 'CREATE' || rOp === 'UPDATE';
  return false;
}

export function hasScopes(owner: TokenOwner, needed: ScopeList): boolean {
  const granted = owner.scopes;
  if (!granted) return true;
  return needed.every((alternatives) => alternatives.split('|').some((req) => granted.some((g) => scopeCovers(g, req))));
}
