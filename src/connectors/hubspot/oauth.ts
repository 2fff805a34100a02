import { createHash } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { memoryAccessTokenCache, type AccessTokenCache, type IssuedToken } from '../remote/access-token-cache.ts';
import { IntegrationInvalidError, ServiceUnavailableError, TokenThrottledError } from '../remote/errors.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { parseRetryAfter } from '../remote/backoff.ts';

export interface HubSpotOAuthOptions {
  /** The API origin; the token endpoint is `{apiOrigin}/oauth/v1/token`. */
  readonly apiOrigin: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  readonly tokens?: AccessTokenCache;
  readonly dispatcher?: Dispatcher;
  /** Whole token request (HubSpot documents none). */
  readonly timeoutMs?: number;
  /** Refresh this long before expiry (default 5 min; at most half the token's lifetime, 30 min at HubSpot). */
  readonly refreshMarginMs?: number;
  /** How long a refusal for good is answered from memory before HubSpot is asked again (default 60 s). */
  readonly refusalMemoryMs?: number;
  readonly now?: () => number;
}

/** Names one credential's access tokens in the AccessTokenCache; a hash, so no secret is a key. */
export function hubspotTokenKey(credential: Pick<HubSpotOAuthOptions, 'apiOrigin' | 'clientId' | 'clientSecret' | 'refreshToken'>): string {
  const secret = createHash('sha256')
    .update(JSON.stringify([credential.clientSecret, credential.refreshToken]))
    .digest('hex');
  return `hubspot:${credential.apiOrigin}:${credential.clientId}:${secret}`;
}

/**
 * HubSpot access tokens for one (app, installation): refreshed with the refresh-token grant at
 * `POST /oauth/v1/token` (form-encoded client_id, client_secret, refresh_token), whose answer is
 * `{token_type, refresh_token, access_token, expires_in}` — 1800 s today. HubSpot keeps the refresh
 * token the same, so nothing needs storing after a refresh. Refusals are a 400 whose `status` names
 * them (BAD_REFRESH_TOKEN, BAD_CLIENT_ID, BAD_CLIENT_SECRET). The token is shared through the cache,
 * one refresh for all callers that find it stale. HubSpot announced v1 of this endpoint's deprecation
 * for 2027-02-16 (its docs' banner); `/oauth/v3/token` takes the same form — switching is one path.
 */
export class HubSpotOAuth {
  readonly #opts: Required<Omit<HubSpotOAuthOptions, 'dispatcher' | 'tokens'>> & { dispatcher?: Dispatcher };
  readonly #tokens: AccessTokenCache;
  readonly #key: string;
  #refusal: { readonly error: IntegrationInvalidError; readonly until: number } | null = null;
  #throttledUntil = 0;

  constructor(opts: HubSpotOAuthOptions) {
    this.#opts = { timeoutMs: 15_000, refreshMarginMs: 5 * 60_000, refusalMemoryMs: 60_000, now: Date.now, ...opts };
    this.#tokens = opts.tokens ?? memoryAccessTokenCache();
    this.#key = hubspotTokenKey(opts);
  }

  async token(signal?: AbortSignal): Promise<string> {
    const now = this.#opts.now();
    if (this.#refusal && now < this.#refusal.until) throw this.#refusal.error;
    const refresh = (): Promise<IssuedToken> => {
      if (this.#opts.now() < this.#throttledUntil) {
        return Promise.reject(new TokenThrottledError('HubSpot is rate-limiting token refreshes; waiting before asking again', this.#throttledUntil));
      }
      return this.#refresh();
    };
    const pending = this.#tokens.tokenFor(this.#key, refresh, now);
    pending.catch(() => undefined);
    return abortable(pending, signal);
  }

  forgetRefusal(): void {
    this.#refusal = null;
    this.#throttledUntil = 0;
  }

  invalidate(token: string): Promise<void> {
    return this.#tokens.invalidate(this.#key, token);
  }

  async #refresh(): Promise<IssuedToken> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.#opts.clientId,
      client_secret: this.#opts.clientSecret,
      refresh_token: this.#opts.refreshToken,
    });
    const started = this.#opts.now();
    let status: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const res = await request(`${this.#opts.apiOrigin}/oauth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.#opts.timeoutMs),
        ...(this.#opts.dispatcher ? { dispatcher: this.#opts.dispatcher } : {}),
      });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (err) {
      throw new ServiceUnavailableError(`could not reach HubSpot's token endpoint: ${describeNetworkError(err)}`);
    }
    const body = parseObject(text);
    const accessToken = body?.['access_token'];
    if (status === 200 && typeof accessToken === 'string' && accessToken !== '') {
      const lifetimeMs = (typeof body?.['expires_in'] === 'number' ? body['expires_in'] : 1800) * 1000;
      const margin = Math.min(this.#opts.refreshMarginMs, lifetimeMs / 2);
      return { value: accessToken, useUntil: started + lifetimeMs - margin };
    }
    const code = errorCode(body?.['status']);
    const message = errorMessage(body?.['message']) ?? '';
    if (status === 429) {
      this.#throttledUntil = parseRetryAfter(retryAfter, this.#opts.now()) ?? this.#opts.now() + 10_000;
      throw new TokenThrottledError(`HubSpot rate-limited the token refresh: ${message || 'HTTP 429'}`, this.#throttledUntil);
    }
    if (status >= 500 || status < 400 || code === undefined || code === 'error') {
      throw new ServiceUnavailableError(`HubSpot's token endpoint gave no access token (HTTP ${status}${code ? `: ${code}` : ''})`);
    }
    const refusal = new IntegrationInvalidError(explainTokenError(code, message));
    this.#refusal = { error: refusal, until: this.#opts.now() + this.#opts.refusalMemoryMs };
    throw refusal;
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

export function parseObject(text: string): Record<string, unknown> | undefined {
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
  if (signal.aborted) return Promise.reject(new ServiceUnavailableError('the call was cancelled before a token was available'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ServiceUnavailableError('the call was cancelled while waiting for a token'));
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
