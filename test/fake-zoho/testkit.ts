import type { FakeZoho } from './index.ts';

/** Small fetch helpers for the fake's own tests: every call goes over real HTTP. */

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON; null for an empty body. */
  body: Record<string, unknown> | null;
}

export async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>) };
}

export async function refresh(fake: FakeZoho, creds: Partial<{ clientId: string; clientSecret: string; refreshToken: string }> = {}): Promise<Answer> {
  const c = { ...fake.client, ...creds };
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: c.clientId, client_secret: c.clientSecret, refresh_token: c.refreshToken });
  return answer(await fetch(`${fake.url}/oauth/v2/token`, { method: 'POST', body: form }));
}

export async function accessToken(fake: FakeZoho, creds?: Parameters<typeof refresh>[1]): Promise<string> {
  const a = await refresh(fake, creds);
  const token = a.body?.['access_token'];
  if (typeof token !== 'string') throw new Error(`no token: ${a.text}`);
  return token;
}

export interface CallOptions {
  method?: string;
  token?: string | null;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls the fake with `Authorization: Zoho-oauthtoken <token>` (and Desk's orgId header for /api/v1/). */
export async function call(fake: FakeZoho, path: string, o: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers['authorization'] = `Zoho-oauthtoken ${o.token}`;
  if (path.startsWith('/api/v1/') && !('orgId' in headers) && !path.startsWith('/api/v1/organizations')) headers['orgId'] = fake.orgId;
  let body: string | URLSearchParams | undefined;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers['content-type'] = 'application/json';
  } else if (o.form) {
    body = new URLSearchParams(o.form);
  }
  const init: RequestInit = { method: o.method ?? (body === undefined ? 'GET' : 'POST'), headers };
  if (body !== undefined) init.body = body;
  if (o.signal) init.signal = o.signal;
  return answer(await fetch(`${fake.url}${path}`, init));
}

/** A caller bound to one token. */
export function client(fake: FakeZoho, token: string) {
  return (path: string, o: Omit<CallOptions, 'token'> = {}) => call(fake, path, { ...o, token });
}
