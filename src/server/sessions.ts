import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { hashToken, newToken } from '../runtime/tokens.ts';
import { createSession, deleteSession, sessionAccount, type Account } from '../store/accounts.ts';
import type { Database } from '../store/schema.ts';
import { ApiError } from './errors.ts';

/**
 * Signed-in people: a session cookie (HttpOnly, SameSite=Lax, Secure when Renkei is reached over
 * https) whose SHA-256 names a row of `account_sessions`. Writes authenticated by the cookie must
 * come from Renkei's own pages: their `Origin` must be Renkei's public origin (CSRF), which a
 * page of another site cannot forge. The admin token in `Authorization` needs no such check: a
 * browser never sends it on its own.
 */

export const SESSION_COOKIE = 'renkei_session';
/** A session lasts a week, then its person signs in again. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in account, when the request carries a valid session cookie (set by `sessionOf`). */
    account?: Account;
    /** The hash of the session cookie that authenticated the request. */
    sessionHash?: string;
  }
}

/** The value of one cookie of the request. */
export function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Renkei's origin as browsers reach it: RENKEI_PUBLIC_URL's, else the one the request was made to. */
export function publicOrigin(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return new URL(publicUrl).origin;
  return `${request.protocol}://${request.host}`;
}

function cookieAttributes(request: FastifyRequest, publicUrl: string | undefined, maxAgeSeconds: number): string {
  const secure = publicOrigin(request, publicUrl).startsWith('https:') ? '; Secure' : '';
  return `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

/** Starts a session for the account and sets its cookie on the reply. */
export async function startSession(
  db: Kysely<Database>,
  request: FastifyRequest,
  reply: FastifyReply,
  account: Account,
  publicUrl: string | undefined,
): Promise<void> {
  const token = newToken();
  await createSession(db, account.id, hashToken(token), new Date(), SESSION_TTL_MS);
  reply.header('set-cookie', `${SESSION_COOKIE}=${token}; ${cookieAttributes(request, publicUrl, SESSION_TTL_MS / 1000)}`);
}

/** Ends the request's session (if any) and clears its cookie. */
export async function endSession(db: Kysely<Database>, request: FastifyRequest, reply: FastifyReply, publicUrl: string | undefined): Promise<void> {
  const token = cookie(request, SESSION_COOKIE);
  if (token) await deleteSession(db, hashToken(token));
  reply.header('set-cookie', `${SESSION_COOKIE}=; ${cookieAttributes(request, publicUrl, 0)}`);
}

/** The account the request's session cookie opens (and remembers it on the request), or undefined. */
export async function sessionOf(db: Kysely<Database>, request: FastifyRequest): Promise<Account | undefined> {
  if (request.account) return request.account;
  const token = cookie(request, SESSION_COOKIE);
  if (!token) return undefined;
  const hash = hashToken(token);
  const account = await sessionAccount(db, hash, new Date());
  if (account) {
    request.account = account;
    request.sessionHash = hash;
  }
  return account;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses a cookie-authenticated write whose Origin is not Renkei's own (403). */
export function checkOrigin(request: FastifyRequest, publicUrl: string | undefined): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  const expected = publicOrigin(request, publicUrl);
  if (origin !== expected) {
    throw new ApiError(
      403,
      'cross_origin',
      origin === undefined
        ? `a write signed in by cookie must carry an Origin header (${expected})`
        : `a write signed in by cookie must come from ${expected}, not ${origin}`,
    );
  }
}

/** The signed-in account for a route that only people use (the inbox, sign-out, password change): 401 without one, CSRF checked. */
export async function requireAccount(db: Kysely<Database>, request: FastifyRequest, publicUrl: string | undefined): Promise<Account> {
  const account = await sessionOf(db, request);
  if (!account) throw new ApiError(401, 'unauthorized', 'sign in first');
  checkOrigin(request, publicUrl);
  return account;
}
