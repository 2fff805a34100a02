import { request, type Dispatcher } from 'undici';
import { parseRetryAfter, type RetryPolicy } from '../remote/backoff.ts';
import type { Budget } from '../remote/budget.ts';
import { systemClock, type Clock } from '../remote/clock.ts';
import { IntegrationInvalidError, ServiceUnavailableError, UnknownOutcomeError } from '../remote/errors.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { tokenOrRetry, withTokenRetries, type Attempt, type AttemptContext } from '../remote/retry.ts';
import type { HubSpotOAuth } from './oauth.ts';
import { describeNetworkError } from '../remote/network-error.ts';

export interface HttpOptions {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly dispatcher?: Dispatcher;
  readonly clock?: Clock;
  readonly random?: () => number;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = { timeoutMs: 10_000, retry: { baseMs: 1_000, capMs: 30_000 } };

export interface HubSpotRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** A path with its query (`/crm/v3/objects/contacts/a@b.c?idProperty=email`). */
  readonly path: string;
  readonly json?: unknown;
  /** A create: a lost answer is not resent blindly (UnknownOutcomeError), the caller looks first. */
  readonly write?: boolean;
}

export interface HubSpotResponse {
  readonly status: number;
  readonly body: unknown;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The grant lacks scopes a call needs (403 MISSING_SCOPES): the check names them. */
export class MissingScopesError extends IntegrationInvalidError {
  readonly scopes: readonly string[];
  constructor(message: string, scopes: readonly string[]) {
    super(message);
    this.scopes = scopes;
  }
}

/**
 * What HubSpot said in an error body, bounded: `{status:"error", message, correlationId,
 * category, errors?, policyName?}`. Only the category (or policy) and the message may reach an
 * admin's screen, never the body (../remote/provider-said.ts).
 */
export function errorInfo(body: unknown): { category?: string; message?: string; policy?: string; scopes: string[]; subCategory?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { scopes: [] };
  const b = body as Record<string, unknown>;
  const category = errorCode(b['category']) ?? errorCode(b['errorType']);
  const message = errorMessage(b['message']);
  const policy = errorCode(b['policyName']);
  const subCategory = errorCode(b['subCategory']);
  const scopes: string[] = [];
  for (const e of Array.isArray(b['errors']) ? (b['errors'] as unknown[]) : []) {
    const required = (e as { context?: { requiredGranularScopes?: unknown; requiredScopes?: unknown } } | null)?.context;
    for (const s of [required?.requiredGranularScopes, required?.requiredScopes].flatMap((v) => (Array.isArray(v) ? v : []))) {
      const scope = errorCode(s);
      if (scope) scopes.push(scope);
    }
  }
  return {
    ...(category !== undefined ? { category } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...(subCategory !== undefined ? { subCategory } : {}),
    scopes,
  };
}

export function said(status: number, body: unknown): string {
  const { category, message } = errorInfo(body);
  return `${category ?? `HTTP ${status}`}${message ? `: ${message}` : ''}`;
}

/**
 * Calls HubSpot's API with the shared access token through the shared retry loop: 5xx, 429 (the
 * TEN_SECONDLY_ROLLING and DAILY policies alike; Retry-After honoured when sent), connection errors
 * and timeouts are retried within the block's deadline; a 401 (EXPIRED_AUTHENTICATION) drops the
 * token and tries once more with a fresh one; a 403 MISSING_SCOPES makes the integration invalid,
 * naming the scopes. Any other 4xx is returned for the role module to read.
 *
 * Not confirmed from HubSpot's pages: whether a 429 carries `Retry-After` (they document only the
 * X-HubSpot-RateLimit-* headers and the body's `policyName`); it is honoured when present, and our
 * own backoff applies otherwise. A DAILY 429 lasts until midnight in the account's time zone: no
 * retry within a block's deadline can succeed, so it is a retryable `failure` at once, naming the
 * daily limit, instead of keeping the visitor waiting for the whole deadline.
 */
export class HubSpotApi {
  readonly #oauth: HubSpotOAuth;
  readonly #origin: string;
  readonly #opts: HttpOptions;

  constructor(oauth: HubSpotOAuth, origin: string, opts: HttpOptions = DEFAULT_HTTP_OPTIONS) {
    this.#oauth = oauth;
    this.#origin = origin;
    this.#opts = opts;
  }

  get clock(): Clock {
    return this.#opts.clock ?? systemClock;
  }

  get oauth(): HubSpotOAuth {
    return this.#oauth;
  }

  get origin(): string {
    return this.#origin;
  }

  send(req: HubSpotRequest, budget: Budget): Promise<HubSpotResponse> {
    return withTokenRetries((ctx, refreshed) => this.#attempt(req, ctx, refreshed), {
      policy: this.#opts.retry,
      budget,
      service: 'HubSpot',
      clock: this.clock,
      ...(this.#opts.random ? { random: this.#opts.random } : {}),
    });
  }

  async #attempt(req: HubSpotRequest, ctx: AttemptContext, refreshed: boolean): Promise<Attempt<HubSpotResponse>> {
    const got = await tokenOrRetry(() => this.#oauth.token(ctx.signal));
    if ('retry' in got) return got.retry;
    const token = got.token;
    const { timeoutMs } = this.#opts;
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    const pathname = req.path.split('?')[0]!;
    let status: number;
    let retryAfter: string | string[] | undefined;
    let text: string;
    try {
      const res = await request(`${this.#origin}${req.path}`, {
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
      const what = `${req.method} ${pathname} failed: ${describeTimeout(err, timeoutMs)}`;
      if (req.write && mayHaveBeenSent(err)) throw new UnknownOutcomeError(what);
      return { kind: 'retry', message: what };
    }
    const parsed = parseBody(text);
    const info = errorInfo(parsed);
    if (status === 401) {
      if (refreshed) throw new IntegrationInvalidError(`HubSpot refused a freshly refreshed access token (${said(status, parsed)})`);
      await this.#oauth.invalidate(token);
      return { kind: 'again' };
    }
    if (status === 403 && info.category === 'MISSING_SCOPES') {
      const scopes = info.scopes;
      throw new MissingScopesError(
        `HubSpot refused ${req.method} ${pathname}: the app was not granted ${scopes.length > 0 ? `the scope ${scopes.join(', ')}` : 'every scope it needs'}; add it to the app and connect again`,
        scopes,
      );
    }
    if (status === 429 || status >= 500) {
      const policy = status === 429 && info.policy ? ` (${info.policy === 'DAILY' ? "the account's daily API limit" : `policy ${info.policy}`})` : '';
      const what = `HubSpot answered ${req.method} ${pathname} with HTTP ${status}${policy}: ${said(status, parsed)}`;
      if (status === 429 && info.policy === 'DAILY')
        throw new ServiceUnavailableError(`${what} (not retried: it lasts until midnight in the account's time zone)`);
      if (req.write && (status === 502 || status === 504)) throw new UnknownOutcomeError(what);
      const retryAt = parseRetryAfter(retryAfter, this.clock.now());
      return { kind: 'retry', message: what, ...(retryAt !== undefined ? { retryAt } : {}) };
    }
    return { kind: 'done', value: { status, body: parsed } };
  }
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
