import { request, type Dispatcher } from 'undici';
import { parseObject } from './json-object.ts';
import { describeNetworkError } from './network-error.ts';
import { errorCode } from './provider-said.ts';

/** What revoking a grant came to, in words for the admin (never the token). */
export interface RevokeOutcome {
  readonly revoked: boolean;
  /** "the refresh token Zoho issued was revoked", or why not and where the user removes the app by hand. */
  readonly message: string;
}

/** What is one provider's own about revoking: its request and what its answers mean. */
export interface RevokeEndpoint {
  /** The endpoint's name in messages (`the Zoho accounts server`). */
  readonly name: string;
  /** The revoke request for `token`; the token may be in the URL (Zoho's query, HubSpot's path). */
  request(token: string): { readonly method: 'POST' | 'DELETE'; readonly url: string; readonly form?: URLSearchParams };
  /** Whether an answer says the token is revoked; any other answer is a failure. */
  revoked(answer: { readonly status: number; readonly body: Record<string, unknown> | undefined }): boolean;
  /** What the admin is told when it is: "the refresh token Zoho issued was revoked". */
  readonly revokedMessage: string;
  /** Where the user removes the app's access by hand when revoking failed (the service's settings page). */
  readonly removeHint: string;
}

export interface RevokeOptions {
  readonly dispatcher?: Dispatcher;
  /** The whole request (default 15 s, as for the token endpoint; no provider documents one). */
  readonly timeoutMs?: number;
}

/**
 * Revokes `token` at the provider, best-effort: it never throws, and a failure (a refusal, a 5xx,
 * a dropped connection) is an outcome saying where the user can remove the app instead. Used for
 * a grant Renkei received and will not keep, which would otherwise stay live at the provider
 * (among the user's authorized apps; Zoho deletes a client's oldest refresh tokens past its limit).
 */
export async function revokeToken(endpoint: RevokeEndpoint, token: string, opts: RevokeOptions = {}): Promise<RevokeOutcome> {
  const failed = (why: string): RevokeOutcome => ({
    revoked: false,
    message: `revoking the grant at ${endpoint.name} failed (${scrub(why, token)}); ${endpoint.removeHint}`,
  });
  let answer: { status: number; body: Record<string, unknown> | undefined };
  try {
    const { method, url, form } = endpoint.request(token);
    const res = await request(url, {
      method,
      headers: { accept: 'application/json', ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: form.toString() } : {}),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    });
    answer = { status: res.statusCode, body: parseObject(await res.body.text()) };
  } catch (err) {
    return failed(`could not reach it: ${describeNetworkError(err)}`);
  }
  if (endpoint.revoked(answer)) return { revoked: true, message: endpoint.revokedMessage };
  // Only an error code may reach the admin, never the body (HubSpot's `category`, the others' `error`).
  const code = errorCode(answer.body?.['error']) ?? errorCode(answer.body?.['category']);
  return failed(`HTTP ${answer.status}${code ? `: ${code}` : ''}`);
}

/** A transport error's text never carries the token, even when the URL it names does. */
function scrub(text: string, token: string): string {
  let out = text;
  for (const form of new Set([token, encodeURIComponent(token)])) if (form !== '') out = out.split(form).join('…');
  return out;
}
