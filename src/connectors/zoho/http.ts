import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { IntegrationInvalidError, TokenThrottledError, UnknownOutcomeError, ZohoUnavailableError } from './errors.ts';
import { describeNetworkError, type ZohoOAuth } from './oauth.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';

export interface RetryPolicy {
  /** Exponential backoff with full jitter: a random wait up to min(cap, base · 2^attempt). */
  readonly baseMs: number;
  readonly capMs: number;
  /** Attempts per call, counting the first; the block's deadline usually ends retries sooner. */
  readonly maxAttempts?: number;
}

export interface HttpOptions {
  /** Per attempt, from the moment the request is on the wire (time queued for a connection is not counted). */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly dispatcher?: Dispatcher;
  readonly random?: () => number;
}

/** Defaults from zoho-api.md §5.2/§5.3 and the issue: 10 s per call, backoff from 1 s up to 30 s. */
export const DEFAULT_HTTP_OPTIONS: HttpOptions = { timeoutMs: 10_000, retry: { baseMs: 1_000, capMs: 30_000 } };

/** When a block's calls must stop: its deadline (epoch ms) and the caller's cancellation. */
export interface Budget {
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
}

export interface ZohoRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly form?: URLSearchParams;
  /**
   * A create. When its answer is lost after it was sent (timeout, reset, gateway timeout) it is
   * not sent again: the call throws UnknownOutcomeError and the caller looks the record up first.
   */
  readonly write?: boolean;
  /** Recognises a 2xx body that means "try again later" (Campaigns 2101); returns why. */
  readonly retryLater?: (body: unknown) => string | undefined;
}

export interface ZohoResponse {
  readonly status: number;
  /** Parsed JSON; null for an empty body (CRM and Desk answer "nothing found" with 204). */
  readonly body: unknown;
}

/** Time kept for the last try when our own backoff is shortened to fit the block's deadline. */
const LAST_TRY_MS = 2_000;

/** Errors whose codes prove the request never left: safe to resend even when it is a write. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Auth codes that a new token cannot cure: the grant lacks a scope, or belongs to another org. */
const SETUP_CODES = new Set(['OAUTH_SCOPE_MISMATCH', 'SCOPE_MISMATCH', 'OAUTH_ORG_MISMATCH', 'NO_PERMISSION', 'LICENSE_ACCESS_LIMITED']);
/** Campaigns answers a bad token with code 1007, sometimes inside an HTTP 200. */
const CAMPAIGNS_UNAUTHORISED = '1007';

/**
 * Calls Zoho APIs with the shared access token, retrying what can be retried (5xx, 429,
 * connection errors, timeouts; honouring Retry-After) within the block's deadline, refreshing the
 * token once on a 401, and turning everything else into one of the errors in ./errors.ts. A 4xx
 * answer is returned for the service module to read: only it knows what the body means.
 */
export class ZohoApi {
  readonly #oauth: ZohoOAuth;
  readonly #opts: HttpOptions;

  constructor(oauth: ZohoOAuth, opts: HttpOptions = DEFAULT_HTTP_OPTIONS) {
    this.#oauth = oauth;
    this.#opts = opts;
  }

  async send(req: ZohoRequest, budget: Budget): Promise<ZohoResponse> {
    const random = this.#opts.random ?? Math.random;
    const maxAttempts = this.#opts.retry.maxAttempts ?? Number.POSITIVE_INFINITY;
    let refreshedAfter401 = false;
    let failures = 0;
    for (;;) {
      const problem = await this.#attempt(req, budget, refreshedAfter401);
      if (problem.kind === 'answer') return problem.response;
      if (problem.kind === 'refresh') {
        refreshedAfter401 = true;
        continue;
      }
      failures += 1;
      if (failures >= maxAttempts) throw new ZohoUnavailableError(`${problem.message} (gave up after ${failures} attempts)`);
      const backoff = random() * Math.min(this.#opts.retry.capMs, this.#opts.retry.baseMs * 2 ** (failures - 1));
      // Our own backoff is a choice, not Zoho's demand: shortened so that the block's time left
      // still buys one more try, rather than giving up with seconds unused. Within the last
      // LAST_TRY_MS it is left alone, so the end of a block is not a burst of tries.
      const left = budget.deadline - Date.now();
      const ownWait = left > LAST_TRY_MS ? Math.min(backoff, left - LAST_TRY_MS) : backoff;
      const waitMs = problem.retryAt !== undefined ? Math.max(0, problem.retryAt - Date.now()) : ownWait;
      if (waitMs >= left) {
        const why = problem.retryAt !== undefined ? `Zoho asked to wait ${Math.ceil(waitMs / 1000)} s, past` : 'retrying would pass';
        throw new ZohoUnavailableError(`${problem.message} (${why} the block's deadline)`);
      }
      try {
        await sleep(waitMs, undefined, budget.signal ? { signal: budget.signal } : {});
      } catch {
        throw new ZohoUnavailableError(`${problem.message} (cancelled while waiting to retry)`);
      }
      // A busy machine can wake us past the deadline: the last error is still what went wrong.
      if (Date.now() >= budget.deadline) throw new ZohoUnavailableError(`${problem.message} (the block's deadline passed)`);
    }
  }

  async #attempt(
    req: ZohoRequest,
    budget: Budget,
    refreshedAfter401: boolean,
  ): Promise<
    | { kind: 'answer'; response: ZohoResponse }
    | { kind: 'refresh' }
    | { kind: 'retry'; message: string; retryAt?: number }
  > {
    const remaining = budget.deadline - Date.now();
    if (budget.signal?.aborted) throw new ZohoUnavailableError('the call was cancelled');
    if (remaining <= 0) throw new ZohoUnavailableError("the block's deadline passed before Zoho answered");

    let token: string;
    try {
      token = await this.#oauth.token(budget.signal);
    } catch (err) {
      if (err instanceof TokenThrottledError) return { kind: 'retry', message: err.message, retryAt: err.retryAt };
      if (err instanceof ZohoUnavailableError) return { kind: 'retry', message: err.message };
      throw err;
    }

    const timeoutMs = Math.min(this.#opts.timeoutMs, remaining);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...req.headers,
      authorization: `Zoho-oauthtoken ${token}`,
    };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = req.form.toString();
    }
    const deadlineSignal = AbortSignal.timeout(remaining);
    let status: number;
    let retryAfter: string | string[] | undefined;
    let text: string;
    try {
      const res = await request(req.url, {
        method: req.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: budget.signal ? AbortSignal.any([budget.signal, deadlineSignal]) : deadlineSignal,
        ...(this.#opts.dispatcher ? { dispatcher: this.#opts.dispatcher } : {}),
      });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (err) {
      const what = `${req.method} ${req.url.pathname} failed: ${describeTimeout(err, timeoutMs)}`;
      if (req.write && mayHaveBeenSent(err)) throw new UnknownOutcomeError(what);
      return { kind: 'retry', message: what };
    }
    const parsed = parseBody(text);
    const { code, message } = errorInfo(parsed);
    const said = `${code ?? `HTTP ${status}`}${message ? `: ${message}` : ''}`;

    if ((code !== undefined && SETUP_CODES.has(code)) || status === 403) {
      throw new IntegrationInvalidError(`Zoho refused the call to ${req.url.pathname} (${said}); check the scopes and org of the integration`);
    }
    if (status === 401 || code === CAMPAIGNS_UNAUTHORISED) {
      if (refreshedAfter401) {
        throw new IntegrationInvalidError(`Zoho refused a freshly refreshed access token (${said})`);
      }
      this.#oauth.invalidate(token);
      return { kind: 'refresh' };
    }
    if (status === 429 || status >= 500) {
      const what = `Zoho answered ${req.method} ${req.url.pathname} with HTTP ${status} (${said})`;
      // A gateway that timed out may have passed the create on: as unknown as a lost answer.
      if (req.write && (status === 502 || status === 504)) throw new UnknownOutcomeError(what);
      const retryAt = parseRetryAfter(retryAfter);
      return { kind: 'retry', message: what, ...(retryAt !== undefined ? { retryAt } : {}) };
    }
    const later = status < 300 ? req.retryLater?.(parsed) : undefined;
    if (later !== undefined) return { kind: 'retry', message: later };
    return { kind: 'answer', response: { status, body: parsed } };
  }
}

/** `Retry-After` as seconds or an HTTP date → the time to retry at (epoch ms). */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return now + Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(now, date);
}

/**
 * The code and message of a Zoho error body, whichever service wrote it: CRM `code`, Desk
 * `errorCode`, Campaigns `code` or `Code` (as a string or a number). Only these two, bounded,
 * ever reach a message: never the body itself (../remote/provider-said.ts).
 */
export function errorInfo(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const lower = new Map(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));
  const code = errorCode(lower.get('errorcode') ?? lower.get('code'));
  const message = errorMessage(lower.get('message'));
  return { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function mayHaveBeenSent(err: unknown): boolean {
  const codes = [err, ...(err instanceof AggregateError ? err.errors : [])].map((e) => (e as { code?: unknown } | null)?.code);
  return !codes.some((c) => typeof c === 'string' && NOT_SENT.has(c));
}

function describeTimeout(err: unknown, timeoutMs: number): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return `no answer within ${timeoutMs} ms`;
  return describeNetworkError(err);
}
