import { request, type Dispatcher } from 'undici';
import { parseRetryAfter, type RetryPolicy } from '../remote/backoff.ts';
import type { Budget } from '../remote/budget.ts';
import { systemClock, type Clock } from '../remote/clock.ts';
import { IntegrationInvalidError, UnknownOutcomeError } from '../remote/errors.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { tokenOrRetry, withTokenRetries, type Attempt, type AttemptContext } from '../remote/retry.ts';
import type { ZohoOAuth } from './oauth.ts';
import { describeNetworkError } from '../remote/network-error.ts';

export type { Budget } from '../remote/budget.ts';
export type { RetryPolicy } from '../remote/backoff.ts';
export { parseRetryAfter } from '../remote/backoff.ts';

export interface HttpOptions {
  /** Per attempt, from the moment the request is on the wire (time queued for a connection is not counted). */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly dispatcher?: Dispatcher;
  readonly random?: () => number;
  readonly clock?: Clock;
}

/** Defaults from zoho-api.md §5.2/§5.3 and the issue: 10 s per call, backoff from 1 s up to 30 s. */
export const DEFAULT_HTTP_OPTIONS: HttpOptions = { timeoutMs: 10_000, retry: { baseMs: 1_000, capMs: 30_000 } };

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

/** Errors whose codes prove the request never left: safe to resend even when it is a write. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/**
 * Auth codes that a new token cannot cure: the grant lacks a scope, or belongs to another org.
 * Only these (and a refused refresh, in ./oauth.ts) make the whole integration invalid. A 403
 * otherwise — Desk's FORBIDDEN on one department, CRM's NO_PERMISSION on one module or record —
 * refuses that call alone and is returned to the service module as a refusal (a `failure`).
 */
const SETUP_CODES = new Set(['OAUTH_SCOPE_MISMATCH', 'SCOPE_MISMATCH', 'OAUTH_ORG_MISMATCH']);
/** Campaigns answers a bad token with code 1007, sometimes inside an HTTP 200. */
const CAMPAIGNS_UNAUTHORISED = '1007';

/** The grant lacks a scope the call needs (Zoho's OAUTH_SCOPE_MISMATCH / SCOPE_MISMATCH): the check names the scopes. */
export class ScopeMismatchError extends IntegrationInvalidError {}

/**
 * Calls Zoho APIs with the shared access token, retrying what can be retried (5xx, 429,
 * connection errors, timeouts; honouring Retry-After) within the block's deadline through the
 * shared retry loop (../remote/retry.ts), refreshing the token once on a 401, and turning
 * everything else into one of the errors in ../remote/errors.ts. A 4xx answer is returned for the
 * service module to read: only it knows what the body means.
 */
export class ZohoApi {
  readonly #oauth: ZohoOAuth;
  readonly #opts: HttpOptions;

  constructor(oauth: ZohoOAuth, opts: HttpOptions = DEFAULT_HTTP_OPTIONS) {
    this.#oauth = oauth;
    this.#opts = opts;
  }

  /** The clock deadlines are measured by (a test's own, or the system's). */
  get clock(): Clock {
    return this.#opts.clock ?? systemClock;
  }

  send(req: ZohoRequest, budget: Budget): Promise<ZohoResponse> {
    return withTokenRetries((ctx, refreshed) => this.#attempt(req, ctx, refreshed), {
      policy: this.#opts.retry,
      budget,
      service: 'Zoho',
      clock: this.clock,
      ...(this.#opts.random ? { random: this.#opts.random } : {}),
    });
  }

  async #attempt(req: ZohoRequest, ctx: AttemptContext, refreshedAfter401: boolean): Promise<Attempt<ZohoResponse>> {
    const got = await tokenOrRetry(() => this.#oauth.token(ctx.signal));
    if ('retry' in got) return got.retry;
    const token = got.token;

    // The call's own limit; the block's deadline cuts it through ctx.signal.
    const { timeoutMs } = this.#opts;
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
        signal: ctx.signal,
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

    if (code !== undefined && SETUP_CODES.has(code)) {
      const Refusal = code === 'OAUTH_ORG_MISMATCH' ? IntegrationInvalidError : ScopeMismatchError;
      throw new Refusal(`Zoho refused the call to ${req.url.pathname} (${said}); check the scopes and org of the integration`);
    }
    if (status === 401 || code === CAMPAIGNS_UNAUTHORISED) {
      if (refreshedAfter401) {
        throw new IntegrationInvalidError(`Zoho refused a freshly refreshed access token (${said})`);
      }
      await this.#oauth.invalidate(token);
      return { kind: 'again' };
    }
    if (status === 429 || status >= 500) {
      const what = `Zoho answered ${req.method} ${req.url.pathname} with HTTP ${status} (${said})`;
      // A gateway that timed out may have passed the create on: as unknown as a lost answer.
      if (req.write && (status === 502 || status === 504)) throw new UnknownOutcomeError(what);
      const retryAt = parseRetryAfter(retryAfter, this.clock.now());
      return { kind: 'retry', message: what, ...(retryAt !== undefined ? { retryAt } : {}) };
    }
    const later = status < 300 ? req.retryLater?.(parsed) : undefined;
    if (later !== undefined) return { kind: 'retry', message: later };
    return { kind: 'done', value: { status, body: parsed } };
  }
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
