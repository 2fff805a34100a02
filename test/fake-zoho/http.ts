import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** What a handler answers; `body: undefined` sends no body at all (Zoho's 204s). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A create was committed: the lost-response fault may now drop the connection. */
  committed?: boolean;
}

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** Scopes a route needs: every entry is required; `A|B` means either A or B. */
export type ScopeList = readonly string[];

export interface Route {
  method: string;
  pattern: RegExp;
  scopes(params: string[]): ScopeList;
  handle(req: ApiRequest, params: string[]): Reply;
}

/** One Zoho product as the server sees it: its routes and its own error envelope. */
export interface Service {
  readonly prefix: string;
  readonly routes: readonly Route[];
  /** The service's documented error body for an HTTP status (injected faults, 404, 405, 500). */
  error(status: number, req: ApiRequest): Reply;
  /** 401 for a missing/expired/revoked token, or for a token lacking a scope. */
  unauthorized(req: ApiRequest, reason: 'token' | 'scope'): Reply;
}

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Query parameters merged with a form body (the body wins), as Zoho accepts both for form endpoints. */
export function formParams(req: ApiRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded') && req.rawBody !== '') {
    for (const [k, v] of new URLSearchParams(req.rawBody)) params.set(k, v);
  }
  return params;
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; empty: boolean };

export function parseJson(raw: string): JsonParse {
  if (raw.trim() === '') return { ok: false, empty: true };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false, empty: false };
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json;charset=UTF-8';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers).end(text);
}

/** Zoho CRM's DateTime format: `yyyy-MM-ddTHH:mm:ss±HH:mm` (the fake's clock is UTC). */
export function crmTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + '+00:00';
}

/** Zoho Desk's format: `yyyy-MM-ddTHH:mm:ss.SSSZ`. */
export function deskTime(ms: number): string {
  return new Date(ms).toISOString();
}

export const EMAIL_RE = /^[^\s@()<>,;:"[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
