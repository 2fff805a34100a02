import { request, type Dispatcher } from 'undici';
import { parseRetryAfter, type RetryPolicy } from '../remote/backoff.ts';
import type { Budget } from '../remote/budget.ts';
import { systemClock, type Clock } from '../remote/clock.ts';
import { IntegrationInvalidError, UnknownOutcomeError } from '../remote/errors.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { tokenOrRetry, withTokenRetries, type Attempt, type AttemptContext } from '../remote/retry.ts';
import type { SalesforceOAuth } from './oauth.ts';
import { describeNetworkError } from '../remote/network-error.ts';

/**
 * The REST API version every call names. v62.0 is Winter '25; every object and field used here
 * exists since long before (CampaignMember create since v16.0, QueueSobject since v8.0).
 */
export const API_VERSION = 'v62.0';

export interface HttpOptions {
  /** Per attempt, from the moment the request is on the wire. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly dispatcher?: Dispatcher;
  readonly random?: () => number;
  readonly clock?: Clock;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = { timeoutMs: 10_000, retry: { baseMs: 1_000, capMs: 30_000 } };

export interface SalesforceRequest {
  readonly method: 'GET' | 'POST';
  /** After `/services/data/vNN.N` (`/sobjects/Lead`), or a whole path from `/services/` (a query's nextRecordsUrl). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  /** A create: when its answer is lost after it was sent it is not sent again (UnknownOutcomeError). */
  readonly write?: boolean;
}

export interface SalesforceResponse {
  readonly status: number;
  /** Parsed JSON (an object, or Salesforce's error array); null for an empty body. */
  readonly body: unknown;
}

/** One entry of Salesforce's error array: `[{ "message", "errorCode", "fields" }]`. */
export interface SalesforceError {
  readonly errorCode?: string;
  readonly message?: string;
  readonly fields: readonly string[];
  /** The raw entry, for the parts only one caller reads (DUPLICATES_DETECTED's duplicateResult). */
  readonly entry: Readonly<Record<string, unknown>>;
}

/** The grant lacks the `api` scope (INVALID_SESSION_ID "This session is not valid for use with the REST API"). */
export class MissingApiScopeError extends IntegrationInvalidError {}

const NOT_FOR_REST = /not valid for use with the REST API/i;
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** 403 codes that no retry or new session cures: the org or user cannot use the API at all. */
const API_REFUSED = new Set(['API_DISABLED_FOR_ORG', 'API_CURRENTLY_DISABLED', 'INSUFFICIENT_ACCESS']);

/**
 * Calls the org's REST API with the shared session, through the shared retry loop
 * (../remote/retry.ts) within the block's deadline: 5xx (500 UNKNOWN_EXCEPTION, 503
 * SERVER_UNAVAILABLE), 403 REQUEST_LIMIT_EXCEEDED (the org's rolling 24-hour API limit, or its
 * concurrent long-request limit) and 429 are tried again; 401 INVALID_SESSION_ID refreshes the
 * session once and tries again. Any other answer is returned for the caller to read.
 */
export class SalesforceApi {
  readonly #oauth: SalesforceOAuth;
  readonly #opts: HttpOptions;

  constructor(oauth: SalesforceOAuth, opts: HttpOptions = DEFAULT_HTTP_OPTIONS) {
    this.#oauth = oauth;
    this.#opts = opts;
  }

  get clock(): Clock {
    return this.#opts.clock ?? systemClock;
  }

  get oauth(): SalesforceOAuth {
    return this.#oauth;
  }

  send(req: SalesforceRequest, budget: Budget): Promise<SalesforceResponse> {
    return withTokenRetries((ctx, refreshed) => this.#attempt(req, ctx, refreshed), {
      policy: this.#opts.retry,
      budget,
      service: 'Salesforce',
      clock: this.clock,
      ...(this.#opts.random ? { random: this.#opts.random } : {}),
    });
  }

  async #attempt(req: SalesforceRequest, ctx: AttemptContext, refreshed: boolean): Promise<Attempt<SalesforceResponse>> {
    const got = await tokenOrRetry(() => this.#oauth.session(ctx.signal));
    if ('retry' in got) return got.retry;
    const session = got.token;
    const path = req.path.startsWith('/services/') ? req.path : `/services/data/${API_VERSION}${req.path}`;
    const url = new URL(path, session.instanceUrl);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${session.accessToken}` };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    const { timeoutMs } = this.#opts;
    const what = `${req.method} ${url.pathname.replace(`/services/data/${API_VERSION}`, '')}`;
    let status: number;
    let retryAfter: string | string[] | undefined;
    let text: string;
    try {
      const res = await request(url, {
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
      const failed = `${what} failed: ${describeTimeout(err, timeoutMs)}`;
      if (req.write && mayHaveBeenSent(err)) throw new UnknownOutcomeError(failed);
      return { kind: 'retry', message: failed };
    }
    const parsed = parseBody(text);
    const first = salesforceErrors(parsed)[0];
    const said = describeError(status, first);

    // A grant without the `api` scope: INVALID_SESSION_ID "This session is not valid for use with
    // the REST API", reported with 401 (and seen with 403). No new session cures it.
    if ((status === 401 || status === 403) && first?.errorCode === 'INVALID_SESSION_ID' && NOT_FOR_REST.test(first.message ?? '')) {
      throw new MissingApiScopeError(`Salesforce refused the REST API to this grant (${said}); the connected app needs the scope api`);
    }
    if (status === 401) {
      if (refreshed) throw new IntegrationInvalidError(`Salesforce refused a freshly refreshed session (${said})`);
      await this.#oauth.invalidate(session);
      return { kind: 'again' };
    }
    if (status === 403 && first?.errorCode !== undefined && API_REFUSED.has(first.errorCode)) {
      throw new IntegrationInvalidError(`Salesforce refused the API to this user or org (${said})`);
    }
    const limited = status === 403 && first?.errorCode === 'REQUEST_LIMIT_EXCEEDED';
    if (limited || status === 429 || status >= 500) {
      const failed = `Salesforce answered ${what} with HTTP ${status} (${said})`;
      // A gateway that timed out may have passed the create on: as unknown as a lost answer.
      if (req.write && (status === 502 || status === 504)) throw new UnknownOutcomeError(failed);
      const retryAt = parseRetryAfter(retryAfter, this.clock.now());
      return { kind: 'retry', message: failed, ...(retryAt !== undefined ? { retryAt } : {}) };
    }
    return { kind: 'done', value: { status, body: parsed } };
  }
}

/** Salesforce's error array, entry by entry (an object body is read as one entry). */
export function salesforceErrors(body: unknown): SalesforceError[] {
  const entries = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? [body] : [];
  return entries.flatMap((e: unknown) => {
    if (typeof e !== 'object' || e === null) return [];
    const entry = e as Record<string, unknown>;
    const code = errorCode(entry['errorCode'] ?? entry['statusCode']);
    const message = errorMessage(entry['message']);
    const fields = Array.isArray(entry['fields']) ? entry['fields'].flatMap((f: unknown) => (errorCode(f) !== undefined ? [errorCode(f)!] : [])) : [];
    return [{ ...(code !== undefined ? { errorCode: code } : {}), ...(message !== undefined ? { message } : {}), fields, entry }];
  });
}

/** `CODE: message (fields A, B)`, bounded: the only part of an answer that reaches a message. */
export function describeError(status: number, error: SalesforceError | undefined): string {
  if (!error) return `HTTP ${status}`;
  const fields = error.fields.length > 0 ? ` (fields ${error.fields.slice(0, 5).join(', ')})` : '';
  return `${error.errorCode ?? `HTTP ${status}`}${error.message ? `: ${error.message}` : ''}${fields}`;
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
