import { createHash } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { memoryAccessTokenCache, type AccessTokenCache, type IssuedToken } from '../remote/access-token-cache.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { IntegrationInvalidError, TokenThrottledError, ServiceUnavailableError } from '../remote/errors.ts';

export interface OAuthOptions {
  /** The accounts server origin (`https://accounts.zoho.eu`). */
  readonly accountsOrigin: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  readonly dispatcher?: Dispatcher;
  /** Whole token request; Zoho documents none, 15 s is zoho-api.md §5.3's advice. */
  readonly timeoutMs?: number;
  /** Refresh this long before expiry (default 5 min; at most half the token's lifetime). */
  readonly refreshMarginMs?: number;
  /** How long to leave the token endpoint alone after it throttled us (default 60 s). */
  readonly throttleBackoffMs?: number;
  /**
   * How long a refusal for good (revoked token, unknown client) is answered from memory before
   * Zoho is asked again (default 60 s): enough to spare the 10-per-10-minutes limit under load,
   * short enough that credentials fixed in Zoho's console work again without a restart.
   */
  readonly refusalMemoryMs?: number;
  readonly now?: () => number;
  /**
   * Where the access tokens are kept: the provider's cache (one per process, or one in the
   * database shared by every process). Default: a cache of this client's own.
   */
  readonly tokens?: AccessTokenCache;
}

/**
 * Names one credential's access tokens in the AccessTokenCache: a new client, client secret or
 * refresh token (or another data centre) never reuses an old token. A hash, so no secret is a key.
 */
export function zohoTokenKey(credential: Pick<OAuthOptions, 'accountsOrigin' | 'clientId' | 'clientSecret' | 'refreshToken'>): string {
  const secret = createHash('sha256')
    .update(JSON.stringify([credential.clientSecret, credential.refreshToken]))
    .digest('hex');
  return `zoho:${credential.accountsOrigin}:${credential.clientId}:${secret}`;
}

/**
 * Zoho access tokens for one (accounts server, client, refresh token). Zoho allows about ten
 * refreshes per refresh token per ten minutes and silently kills the oldest access tokens when
 * too many are minted, so every call shares one cached token from the AccessTokenCache, and
 * however many callers find it stale, the cache runs exactly one refresh (single-flight). What
 * this client keeps itself is its memory of refusals and throttling.
 */
export class ZohoOAuth {
  readonly #opts: Required<Omit<OAuthOptions, 'dispatcher' | 'tokens'>> & { dispatcher?: Dispatcher };
  readonly #tokens: AccessTokenCache;
  /** Names these credentials in the cache. */
  readonly #key: string;
  /** A refusal that no retry can cure; kept a while so a dead integration does not hammer Zoho. */
  #refusal: { readonly error: IntegrationInvalidError; readonly until: number } | null = null;
  #throttledUntil = 0;

  constructor(opts: OAuthOptions) {
    this.#opts = {
      timeoutMs: 15_000,
      refreshMarginMs: 5 * 60_000,
      throttleBackoffMs: 60_000,
      refusalMemoryMs: 60_000,
      now: Date.now,
      ...opts,
    };
    this.#tokens = opts.tokens ?? memoryAccessTokenCache();
    this.#key = zohoTokenKey(opts);
  }

  /** A valid access token, refreshing (once for all concurrent callers) when it is due. */
  async token(signal?: AbortSignal): Promise<string> {
    const now = this.#opts.now();
    if (this.#refusal && now < this.#refusal.until) throw this.#refusal.error;
    const refresh = (): Promise<IssuedToken> => {
      // Checked only when a refresh is due: a cached token is still good while Zoho throttles.
      if (this.#opts.now() < this.#throttledUntil) {
        return Promise.reject(new TokenThrottledError('Zoho is throttling token refreshes (Access Denied); waiting before asking again', this.#throttledUntil));
      }
      return this.#refresh();
    };
    const pending = this.#tokens.tokenFor(this.#key, refresh, now);
    // Callers see the error; this only keeps a refresh that every caller abandoned from being unhandled.
    pending.catch(() => undefined);
    // The refresh is shared: one caller giving up must not abort it for the others.
    return abortable(pending, signal);
  }

  /** Asks Zoho again on the next call even after a refusal (an admin checking fixed credentials). */
  forgetRefusal(): void {
    this.#refusal = null;
    this.#throttledUntil = 0;
  }

  /** Drops `token` after Zoho refused it (401), unless a newer token already replaced it. */
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
    try {
      const res = await request(`${this.#opts.accountsOrigin}/oauth/v2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.#opts.timeoutMs),
        ...(this.#opts.dispatcher ? { dispatcher: this.#opts.dispatcher } : {}),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new ServiceUnavailableError(`could not reach the Zoho accounts server: ${describeNetworkError(err)}`);
    }
    const body = parseObject(text);
    // The HTTP status is unreliable here (errors have come with 200), so the body decides.
    const accessToken = body?.access_token;
    if (typeof accessToken === 'string' && accessToken !== '') {
      const lifetimeMs = (typeof body?.expires_in === 'number' ? body.expires_in : 3600) * 1000;
      const margin = Math.min(this.#opts.refreshMarginMs, lifetimeMs / 2);
      return { value: accessToken, useUntil: started + lifetimeMs - margin };
    }
    // Only Zoho's error code and description, bounded, may reach the admin: never the body.
    const error = errorCode(body?.error);
    const description = errorMessage(body?.error_description) ?? '';
    if (error === 'Access Denied' || /too many requests/i.test(description) || status === 429) {
      this.#throttledUntil = this.#opts.now() + this.#opts.throttleBackoffMs;
      throw new TokenThrottledError(`Zoho is throttling token refreshes: ${description || error || `HTTP ${status}`}`, this.#throttledUntil);
    }
    // A server failure says nothing about the credentials, whatever its body holds.
    if (error === undefined || status >= 500) {
      throw new ServiceUnavailableError(`the Zoho accounts server gave no access token (HTTP ${status}${error ? `: ${error}` : ''})`);
    }
    const refusal = new IntegrationInvalidError(explainTokenError(error, description));
    this.#refusal = { error: refusal, until: this.#opts.now() + this.#opts.refusalMemoryMs };
    throw refusal;
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
