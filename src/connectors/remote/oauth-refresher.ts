import { createHash } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { memoryAccessTokenCache, type AccessTokenCache, type IssuedToken } from './access-token-cache.ts';
import { IntegrationInvalidError, ServiceUnavailableError, TokenThrottledError } from './errors.ts';
import { parseObject } from './json-object.ts';
import { describeNetworkError } from './network-error.ts';

/** What came back from a token endpoint: its status, its body when it is a JSON object, its Retry-After. */
export interface TokenAnswer {
  readonly status: number;
  readonly body: Record<string, unknown> | undefined;
  readonly retryAfter: string | string[] | undefined;
}

/** What a token answer means, as one provider reads it. */
export type TokenVerdict =
  | {
      readonly kind: 'issued';
      /** What the cache keeps and callers get (Salesforce's packs its instance with it). */
      readonly value: string;
      readonly lifetimeMs: number;
      /** A refresh token the answer carried, kept for the next refresh (rotation). */
      readonly refreshToken?: string;
    }
  /** The endpoint throttles us: nobody asks it again before `retryAt` (default: the refresher's backoff). */
  | { readonly kind: 'throttled'; readonly message: string; readonly retryAt?: number }
  /** No token, for a reason that says nothing about the credentials (5xx, an unreadable answer). */
  | { readonly kind: 'unavailable'; readonly message: string }
  /** The credentials were refused for good (revoked refresh token, unknown client). */
  | { readonly kind: 'refused'; readonly message: string };

/** What is one provider's own about refreshing: its token request and what its answers mean. */
export interface TokenEndpoint {
  /** The endpoint's name in messages (`the Zoho accounts server`). */
  readonly name: string;
  /** The refresh request for `refreshToken` (the newest one the provider gave, or the configured one). */
  request(refreshToken: string): { readonly url: string; readonly form: URLSearchParams; readonly contentType?: string };
  /** Reads an answer; `now` is when it arrived. Only codes and bounded messages may go into a verdict's message. */
  read(answer: TokenAnswer, now: number): TokenVerdict;
  /** What a caller is told while the endpoint is left alone after it throttled us. */
  readonly throttledMessage: string;
}

export interface OAuthRefresherOptions {
  readonly endpoint: TokenEndpoint;
  /** Names the credential in the cache (oauthTokenKey). */
  readonly key: string;
  /** The refresh token the integration was configured with; a rotated one from the cache takes its place. */
  readonly refreshToken: string;
  /** Where the tokens are kept (default: a cache of this refresher's own). */
  readonly tokens?: AccessTokenCache;
  readonly dispatcher?: Dispatcher;
  /** The whole token request (default 15 s; no provider documents one). */
  readonly timeoutMs?: number;
  /** Refresh this long before expiry (default 5 min; at most half the token's lifetime). */
  readonly refreshMarginMs?: number;
  /** How long the endpoint is left alone after it throttled us without saying for how long (default 60 s). */
  readonly throttleBackoffMs?: number;
  /**
   * How long a refusal for good is answered from memory before the provider is asked again
   * (default 60 s): a dead integration does not hammer a rate-limited endpoint, and credentials
   * fixed in the provider's console work again without a restart.
   */
  readonly refusalMemoryMs?: number;
  readonly now?: () => number;
  /** What callers wait for, in messages (`token`, Salesforce's `session`). */
  readonly noun?: string;
}

/**
 * Names one credential's access tokens in the AccessTokenCache: another server, client, client
 * secret or refresh token never reuses an old token. A hash, so no secret is a key. The refresh
 * token named is the configured one, also once the provider rotated it (the row keeps the newest).
 */
export function oauthTokenKey(provider: string, origin: string, clientId: string, clientSecret: string, refreshToken: string): string {
  const secret = createHash('sha256')
    .update(JSON.stringify([clientSecret, refreshToken]))
    .digest('hex');
  return `${provider}:${origin}:${clientId}:${secret}`;
}

/**
 * Access tokens from an OAuth 2 refresh-token grant, for one credential. Every call shares one
 * cached token from the AccessTokenCache (in the database, one for every process), and however
 * many callers find it stale, the cache runs exactly one refresh; providers limit refreshes (Zoho:
 * ten per ten minutes) and some kill old tokens when too many are minted. What this refresher
 * keeps itself: its memory of a refusal (so a dead integration does not hammer the provider) and
 * of throttling (so nothing asks before the provider allows).
 */
export class OAuthRefresher {
  readonly #opts: OAuthRefresherOptions;
  readonly #tokens: AccessTokenCache;
  readonly #now: () => number;
  #refusal: { readonly error: IntegrationInvalidError; readonly until: number } | null = null;
  #throttledUntil = 0;

  constructor(opts: OAuthRefresherOptions) {
    this.#opts = opts;
    this.#tokens = opts.tokens ?? memoryAccessTokenCache();
    this.#now = opts.now ?? Date.now;
  }

  get key(): string {
    return this.#opts.key;
  }

  /** A valid access token, refreshing (once for all concurrent callers) when it is due. */
  token(signal?: AbortSignal): Promise<string> {
    const now = this.#now();
    if (this.#refusal && now < this.#refusal.until) return Promise.reject(this.#refusal.error);
    const pending = this.#tokens.tokenFor(this.#opts.key, (rotated) => this.#refresh(rotated ?? this.#opts.refreshToken), now);
    // Remembered only once the cache gave up: a refusal it cured (another process had rotated the
    // refresh token) is no refusal. This also keeps a refresh every caller abandoned from being unhandled.
    pending.catch((err: unknown) => {
      if (err instanceof IntegrationInvalidError) this.#refusal = { error: err, until: this.#now() + (this.#opts.refusalMemoryMs ?? 60_000) };
    });
    // The refresh is shared: one caller giving up must not abort it for the others.
    return abortable(pending, signal, this.#opts.noun ?? 'token');
  }

  /** Asks the provider again on the next call even after a refusal (an admin checking fixed credentials). */
  forgetRefusal(): void {
    this.#refusal = null;
    this.#throttledUntil = 0;
  }

  /** Drops `token` after the provider refused it (401), unless a newer token already replaced it. */
  invalidate(token: string): Promise<void> {
    return this.#tokens.invalidate(this.#opts.key, token);
  }

  async #refresh(refreshToken: string): Promise<IssuedToken> {
    const { endpoint } = this.#opts;
    // Checked only when a refresh is due: a cached token is still good while the endpoint throttles.
    if (this.#now() < this.#throttledUntil) throw new TokenThrottledError(endpoint.throttledMessage, this.#throttledUntil);
    const { url, form, contentType } = endpoint.request(refreshToken);
    const started = this.#now();
    let answer: TokenAnswer;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': contentType ?? 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.#opts.timeoutMs ?? 15_000),
        ...(this.#opts.dispatcher ? { dispatcher: this.#opts.dispatcher } : {}),
      });
      const retryAfter = res.headers['retry-after'];
      answer = { status: res.statusCode, body: parseObject(await res.body.text()), retryAfter };
    } catch (err) {
      throw new ServiceUnavailableError(`could not reach ${endpoint.name}: ${describeNetworkError(err)}`);
    }
    const now = this.#now();
    const verdict = endpoint.read(answer, now);
    switch (verdict.kind) {
      case 'issued': {
        const margin = Math.min(this.#opts.refreshMarginMs ?? 5 * 60_000, verdict.lifetimeMs / 2);
        return {
          value: verdict.value,
          useUntil: started + verdict.lifetimeMs - margin,
          ...(verdict.refreshToken !== undefined ? { refreshToken: verdict.refreshToken } : {}),
        };
      }
      case 'throttled':
        this.#throttledUntil = verdict.retryAt ?? now + (this.#opts.throttleBackoffMs ?? 60_000);
        throw new TokenThrottledError(verdict.message, this.#throttledUntil);
      case 'unavailable':
        throw new ServiceUnavailableError(verdict.message);
      case 'refused':
        throw new IntegrationInvalidError(verdict.message);
    }
  }
}

/** A refresh token in an answer: a non-empty string, or nothing. */
export function answeredRefreshToken(body: Record<string, unknown> | undefined): string | undefined {
  const value = body?.['refresh_token'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, noun: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new ServiceUnavailableError(`the call was cancelled before a ${noun} was available`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ServiceUnavailableError(`the call was cancelled while waiting for a ${noun}`));
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
