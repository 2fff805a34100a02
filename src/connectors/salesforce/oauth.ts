import { createHash } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import type { AccessTokenCache, IssuedToken } from '../remote/access-token-cache.ts';
import { IntegrationInvalidError, ServiceUnavailableError } from '../remote/errors.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { PRODUCTION_LOGIN, SANDBOX_LOGIN } from './fields.ts';

/** A Salesforce session: the access token and the org's instance it is valid on (`instance_url`). */
export interface SalesforceSession {
  readonly accessToken: string;
  readonly instanceUrl: string;
}

export interface OAuthOptions {
  readonly tokens: AccessTokenCache;
  /** The login server's origin (`https://login.salesforce.com`, `https://test.salesforce.com`, a fake). */
  readonly loginOrigin: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  readonly dispatcher?: Dispatcher;
  readonly now?: () => number;
  /** The whole token request (default 15 s). */
  readonly timeoutMs?: number;
  /**
   * How long a session is used before it is refreshed anyway (default 55 min). Salesforce's token
   * answer has no `expires_in`: a session lasts the org's (or the connected app's) session timeout,
   * 15 minutes to 24 hours, 2 hours by default. A session that ends sooner answers 401
   * INVALID_SESSION_ID, which refreshes it once (./http.ts).
   */
  readonly sessionLifetimeMs?: number;
  /** How long a refusal for good is answered from memory before Salesforce is asked again (default 60 s). */
  readonly refusalMemoryMs?: number;
}

/**
 * Names one credential's sessions in the AccessTokenCache: another login server, consumer key,
 * consumer secret or refresh token never reuses an old session. A hash, so no secret is a key.
 */
export function salesforceTokenKey(c: Pick<OAuthOptions, 'loginOrigin' | 'clientId' | 'clientSecret' | 'refreshToken'>): string {
  const secret = createHash('sha256')
    .update(JSON.stringify([c.clientSecret, c.refreshToken]))
    .digest('hex');
  return `salesforce:${c.loginOrigin}:${c.clientId}:${secret}`;
}

/**
 * The hosts an org's instance_url may name when the login server is Salesforce's own: the access
 * token is sent there, so an answer naming anything else is refused. Salesforce documents My
 * Domain hosts under salesforce.com and force.com (and salesforce.mil, cloudforce.com for some
 * government and legacy orgs); that these are all is not confirmed.
 */
const SALESFORCE_HOSTS = /\.(salesforce\.com|force\.com|salesforce\.mil|cloudforce\.com)$/;

/**
 * Salesforce sessions for one (login server, connected app, refresh token), from the OAuth 2
 * refresh-token flow (`POST {login}/services/oauth2/token`). The token answer's `instance_url` is
 * the org's API host: it is kept with the access token, in the same sealed value of the
 * AccessTokenCache, so every process of an installation uses the host its session belongs to.
 * However many callers find the session stale, the cache runs one refresh.
 */
export class SalesforceOAuth {
  readonly #opts: OAuthOptions;
  readonly #key: string;
  readonly #now: () => number;
  #refusal: { readonly error: IntegrationInvalidError; readonly until: number } | null = null;

  constructor(opts: OAuthOptions) {
    this.#opts = opts;
    this.#key = salesforceTokenKey(opts);
    this.#now = opts.now ?? Date.now;
  }

  get key(): string {
    return this.#key;
  }

  /** A session, refreshing (once for all concurrent callers) when none is stored or it is due. */
  async session(signal?: AbortSignal): Promise<SalesforceSession> {
    const now = this.#now();
    if (this.#refusal && now < this.#refusal.until) throw this.#refusal.error;
    const pending = this.#opts.tokens.tokenFor(this.#key, () => this.#refresh(), now);
    pending.catch(() => undefined);
    return decode(await abortable(pending, signal));
  }

  /** Asks Salesforce again on the next call even after a refusal (an admin checking fixed credentials). */
  forgetRefusal(): void {
    this.#refusal = null;
  }

  /** Salesforce refused the session (401 INVALID_SESSION_ID): forget it, unless a newer one replaced it. */
  invalidate(session: SalesforceSession): Promise<void> {
    return this.#opts.tokens.invalidate(this.#key, encode(session));
  }

  async #refresh(): Promise<IssuedToken> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.#opts.clientId,
      client_secret: this.#opts.clientSecret,
      refresh_token: this.#opts.refreshToken,
      format: 'json',
    });
    const started = this.#now();
    let status: number;
    let text: string;
    try {
      const res = await request(`${this.#opts.loginOrigin}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.#opts.timeoutMs ?? 15_000),
        ...(this.#opts.dispatcher ? { dispatcher: this.#opts.dispatcher } : {}),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new ServiceUnavailableError(`could not reach the Salesforce login server: ${describeNetworkError(err)}`);
    }
    const body = parseObject(text);
    const accessToken = body?.['access_token'];
    if (status < 300 && typeof accessToken === 'string' && accessToken !== '') {
      const instanceUrl = this.#instanceOrigin(body?.['instance_url']);
      return { value: encode({ accessToken, instanceUrl }), useUntil: started + (this.#opts.sessionLifetimeMs ?? 55 * 60_000) };
    }
    // Only the error code and its description, bounded, may reach the admin: never the body.
    const error = errorCode(body?.['error']);
    const description = errorMessage(body?.['error_description']) ?? '';
    // `rate_limit_exceeded` (too many token requests) is how Salesforce's OAuth error list is
    // reported to name throttling; not confirmed against a live org, it is treated as transient.
    if (status >= 500 || status === 429 || error === undefined || error === 'rate_limit_exceeded') {
      throw new ServiceUnavailableError(`the Salesforce login server gave no access token (HTTP ${status}${error ? `: ${error}` : ''})`);
    }
    const refusal = new IntegrationInvalidError(explainTokenError(error, description));
    this.#refusal = { error: refusal, until: this.#now() + (this.#opts.refusalMemoryMs ?? 60_000) };
    throw refusal;
  }

  #instanceOrigin(value: unknown): string {
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      throw new ServiceUnavailableError('the Salesforce login server gave a session without a readable instance_url');
    }
    const official = this.#opts.loginOrigin === PRODUCTION_LOGIN || this.#opts.loginOrigin === SANDBOX_LOGIN;
    if (official && (url.protocol !== 'https:' || !SALESFORCE_HOSTS.test(url.hostname))) {
      throw new IntegrationInvalidError(
        `the Salesforce login server named an instance outside Salesforce (${errorCode(url.hostname) ?? 'unreadable host'}); the access token was sent nowhere`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ServiceUnavailableError('the instance_url Salesforce gave is not an http(s) URL');
    return url.origin;
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

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A short, secret-free description of a transport error (never the request, which holds secrets). */
export function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
    return typeof code === 'string' ? `${code} (${err.message})` : err.message;
  }
  return String(err);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new ServiceUnavailableError('the call was cancelled before a session was available'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ServiceUnavailableError('the call was cancelled while waiting for a session'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
