import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A conversation's bearer token: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored instead of the token: its SHA-256, hex. */
export function hashToken(token: string): string {
  // The one-shot hash: a visitor's every request checks its token, and a Hash object per check
  // cost more than the digest itself.
  return hash('sha256', token, 'hex');
}

// Compared against when there is no conversation, so a miss costs what a wrong token costs.
const NOTHING = hashToken('');

/**
 * Whether `token` opens the conversation stored with `storedHash` (undefined: no such
 * conversation). Constant time in the token's content: digests of equal length are compared.
 */
export function tokenOpens(storedHash: string | undefined, token: string): boolean {
  // The hex digest read back is cheaper than asking for a Buffer digest (which Node copies).
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash ?? NOTHING, 'hex');
  const equal = stored.length === given.length && timingSafeEqual(stored, given);
  return equal && storedHash !== undefined;
}
