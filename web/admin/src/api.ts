import type { ProblemView } from '../../../src/server/schemas/problem.ts';
import { getToken, setToken } from './auth.ts';

/** A problem of a bot file as the server reports it (422). */
export type { ProblemView };

/** An error answer of the API, with its code and message ready to show. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: readonly ProblemView[];
  /** Seconds to wait before trying again (`Retry-After` of a 429 or 503), when the server said. */
  readonly retryAfter: number | null;
  /** The request field at fault, when the server named one. */
  readonly field: string | null;
  constructor(
    status: number,
    code: string,
    message: string,
    problems: readonly ProblemView[] = [],
    retryAfter: number | null = null,
    field: string | null = null,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.problems = problems;
    this.retryAfter = retryAfter;
    this.field = field;
  }
}

const ADMIN = '/api/v1/admin';

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string };
  problems?: ProblemView[];
}

async function failure(res: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // A proxy's HTML error page: the status says enough.
  }
  if (res.status === 401) setToken(null);
  const wait = Number(res.headers.get('retry-after') ?? Number.NaN);
  return new ApiError(
    res.status,
    body.error?.code ?? `http_${res.status}`,
    body.error?.message ?? res.statusText,
    body.problems ?? [],
    Number.isFinite(wait) && wait >= 0 ? wait : null,
    body.error?.field ?? null,
  );
}

export interface RequestOptions {
  readonly method?: string;
  readonly json?: unknown;
  readonly text?: string;
  /** Raw bytes (an image upload), sent as `contentType`. */
  readonly body?: Blob;
  readonly contentType?: string;
  /** A token to prove instead of the one kept (the login form's, before it is kept). */
  readonly token?: string;
}

/** One admin API call; throws ApiError with the server's `{error:{code,message}}`. */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = options.token ?? getToken();
  if (token) headers['authorization'] = `Bearer ${token}`;
  let body: string | Blob | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
    body = options.body;
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.text !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/yaml';
    body = options.text;
  }
  const res = await fetch(`${ADMIN}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  if (!res.ok) throw await failure(res);
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

export async function sendJson<T>(path: string, json: unknown, method = 'POST'): Promise<T> {
  return (await (await request(path, { method, json })).json()) as T;
}

export const errorText = (error: unknown): string =>
  error instanceof ApiError ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error);
