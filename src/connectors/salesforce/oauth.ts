import type { AccessTokenCache } from '../remote/access-token-cache.ts';
import { ServiceUnavailableError } from '../remote/errors.ts';
import {
  answeredRefreshToken,
  OAuthRefresher,
  oauthTokenKey,
  type OAuthRefresherOptions,
  type TokenEndpoint,
  type TokenVerdict,
} from '../remote/oauth-refresher.ts';
import type { RevokeEndpoint } from '../remote/oauth-revoke.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { PRODUCTION_LOGIN, SANDBOX_LOGIN } from './fields.ts';

/** A Salesforce session: the access token and the org's instance it is valid on (`instance_url`). */
export interface SalesforceSession {
  readonly accessToken: string;
  readonly instanceUrl: string;
}

/** Salesforce's credential and the refresher's tuning (OAuthRefresherOptions). */
export interface OAuthOptions extends Pick<OAuthRefresherOptions, 'refreshToken' | 'dispatcher' | 'now' | 'timeoutMs' | 'refusalMemoryMs'> {
  readonly tokens: AccessTokenCache;
  /** The login server's origin (`https://login.salesforce.com`, `https://test.salesforce.com`, a fake). */
  readonly loginOrigin: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * How long a session is used before it is refreshed anyway (default 55 min). Salesforce's token
   * answer has no `expires_in`: a session lasts the org's (or the connected app's) session timeout,
   * 15 minutes to 24 hours, 2 hours by default. A session that ends sooner answers 401
   * INVALID_SESSION_ID, which refreshes it once (./http.ts).
   */
  readonly sessionLifetimeMs?: number;
}

/**
 * Names one credential's sessions in the AccessTokenCache: another login server, consumer key,
 * consumer secret or refresh token never reuses an old session. A hash, so no secret is a key.
 */
export function salesforceTokenKey(c: Pick<OAuthOptions, 'loginOrigin' | 'clientId' | 'clientSecret' | 'refreshToken'>): string {
  return oauthTokenKey('salesforce', c.loginOrigin, c.clientId, c.clientSecret, c.refreshToken);
}

/**
 * The hosts an org's instance_url may name when the login server is Salesforce's own: the access
 * token is sent there, so an answer naming anything else is refused. Salesforce documents My
 * Domain hosts under salesforce.com and force.com (and salesforce.mil, cloudforce.com for some
 * government and legacy orgs); that these are all is not confirmed.
 */
const SALESFORCE_HOSTS = /\.(salesforce\.com|force\.com|salesforce\.mil|cloudforce\.com)$/;

/**
 * Salesforce's token endpoint, the OAuth 2 refresh-token flow (`POST {login}/services/oauth2/token`).
 * The answer's `instance_url` is the org's API host: it is packed with the access token into the
 * one value the AccessTokenCache seals, so every process of an installation uses the host its
 * session belongs to. A connected app (or external client app) set to rotate refresh tokens answers
 * with a new `refresh_token` and invalidates the one used (Salesforce Help, "OAuth 2.0 Refresh Token
 * Flow for Renewed Sessions"); it is returned for the cache to keep.
 */
export function salesforceTokenEndpoint(opts: Pick<OAuthOptions, 'loginOrigin' | 'clientId' | 'clientSecret' | 'sessionLifetimeMs'>): TokenEndpoint {
  const lifetimeMs = opts.sessionLifetimeMs ?? 55 * 60_000;
  return {
    name: 'the Salesforce login server',
    // Never used: Salesforce's answers are not read as throttling (see below).
    throttledMessage: 'the Salesforce login server is throttling token requests; waiting before asking again',
    request: (refreshToken) => ({
      url: `${opts.loginOrigin}/services/oauth2/token`,
      form: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        refresh_token: refreshToken,
        format: 'json',
      }),
    }),
    read({ status, body }) {
      const accessToken = body?.['access_token'];
      if (status < 300 && typeof accessToken === 'string' && accessToken !== '') {
        const instance = instanceOrigin(opts.loginOrigin, body?.['instance_url']);
        if (instance.kind !== 'issued') return instance;
        const refreshToken = answeredRefreshToken(body);
        return {
          kind: 'issued',
          value: encode({ accessToken, instanceUrl: instance.value }),
          lifetimeMs,
          ...(refreshToken !== undefined ? { refreshToken } : {}),
        };
      }
      // Only the error code and its description, bounded, may reach the admin: never the body.
      const error = errorCode(body?.['error']);
      const description = errorMessage(body?.['error_description']) ?? '';
      // `rate_limit_exceeded` (too many token requests) is how Salesforce's OAuth error list is
      // reported to name throttling; not confirmed against a live org, it is treated as transient.
      if (status >= 500 || status === 429 || error === undefined || error === 'rate_limit_exceeded') {
        return { kind: 'unavailable', message: `the Salesforce login server gave no access token (HTTP ${status}${error ? `: ${error}` : ''})` };
      }
      return { kind: 'refused', message: explainTokenError(error, description) };
    },
  };
}

/**
 * Salesforce's revocation endpoint, `POST {login}/services/oauth2/revoke` with the form body
 * `token=…` (Salesforce Help, "Revoke OAuth Tokens Programmatically"): HTTP 200 when revoked —
 * a refresh token with every access token of its grant — and 400 with `unsupported_token_type` or
 * `invalid_token` otherwise. The docs show the org's My Domain host; the login server Renkei
 * traded the code at is used (the host that issued the token; that it serves every org's revoke
 * as My Domain does is not confirmed against a live org).
 */
export function salesforceRevokeEndpoint(loginOrigin: string): RevokeEndpoint {
  return {
    name: 'the Salesforce login server',
    request: (token) => ({ method: 'POST', url: `${loginOrigin}/services/oauth2/revoke`, form: new URLSearchParams({ token }) }),
    revoked: ({ status }) => status === 200,
    revokedMessage: 'the refresh token Salesforce issued was revoked',
    removeHint:
      "you may revoke the app's access in Salesforce: the user's personal settings (OAuth Connected Apps → Revoke), or Setup → Connected Apps OAuth Usage",
  };
}

/** The origin of an answer's instance_url, or why it is not used (the access token is sent there). */
function instanceOrigin(loginOrigin: string, value: unknown): TokenVerdict {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return { kind: 'unavailable', message: 'the Salesforce login server gave a session without a readable instance_url' };
  }
  const official = loginOrigin === PRODUCTION_LOGIN || loginOrigin === SANDBOX_LOGIN;
  if (official && (url.protocol !== 'https:' || !SALESFORCE_HOSTS.test(url.hostname))) {
    return {
      kind: 'refused',
      message: `the Salesforce login server named an instance outside Salesforce (${errorCode(url.hostname) ?? 'unreadable host'}); the access token was sent nowhere`,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { kind: 'unavailable', message: 'the instance_url Salesforce gave is not an http(s) URL' };
  return { kind: 'issued', value: url.origin, lifetimeMs: 0 };
}

/**
 * Salesforce sessions for one (login server, connected app, refresh token). A session's lifetime
 * is not in the answer (no `expires_in`), so it is used for sessionLifetimeMs with no margin.
 */
export class SalesforceOAuth {
  readonly #refresher: OAuthRefresher;

  constructor(opts: OAuthOptions) {
    this.#refresher = new OAuthRefresher({
      ...opts,
      endpoint: salesforceTokenEndpoint(opts),
      key: salesforceTokenKey(opts),
      refreshMarginMs: 0,
      noun: 'session',
    });
  }

  get key(): string {
    return this.#refresher.key;
  }

  /** A session, refreshing (once for all concurrent callers) when none is stored or it is due. */
  async session(signal?: AbortSignal): Promise<SalesforceSession> {
    return decode(await this.#refresher.token(signal));
  }

  /** Asks Salesforce again on the next call even after a refusal (an admin checking fixed credentials). */
  forgetRefusal(): void {
    this.#refresher.forgetRefusal();
  }

  /** Salesforce refused the session (401 INVALID_SESSION_ID): forget it, unless a newer one replaced it. */
  invalidate(session: SalesforceSession): Promise<void> {
    return this.#refresher.invalidate(encode(session));
  }
}

/**
 * Salesforce's token errors: what each means for the admin. invalid_grant with "expired
 * access/refresh token" is Salesforce's documented refresh-flow error; the other codes are from its
 * OAuth error list as reported (invalid_client_id, invalid_client / invalid_client_credentials,
 * inactive_user, inactive_org), not confirmed against a live org.
 */
function explainTokenError(error: string, description: string): string {
  const said = `${error}${description ? `: ${description}` : ''}`;
  switch (error) {
    case 'invalid_grant':
      return `Salesforce refused the refresh token (${said}): it was revoked, expired under the connected app's refresh token policy, or belongs to another org or login server; connect again`;
    case 'invalid_client_id':
      return `Salesforce does not know this consumer key (${said}): check the consumer key and the login URL (a sandbox uses ${SANDBOX_LOGIN})`;
    case 'invalid_client':
    case 'invalid_client_credentials':
      return `Salesforce refused the consumer secret (${said}): set the integration again with the right secret`;
    case 'inactive_user':
    case 'inactive_org':
      return `Salesforce refused the session (${said}): the user who connected, or the org, is inactive; connect again as an active user`;
    default:
      return `Salesforce refused the token refresh (${said})`;
  }
}

function encode(session: SalesforceSession): string {
  return JSON.stringify([session.accessToken, session.instanceUrl]);
}

function decode(value: string): SalesforceSession {
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string')
    throw new ServiceUnavailableError('a stored Salesforce session is unreadable');
  return { accessToken: parsed[0], instanceUrl: parsed[1] };
}
