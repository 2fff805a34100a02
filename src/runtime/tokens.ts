import { hash, randomBytes } from 'node:crypto';

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
 * conversation). Constant time in the token's content: every character of the two hex digests
 * is compared, whatever the first difference. Compared as strings: turning both into Buffers for
 * timingSafeEqual cost a visitor's every request more than the comparison.
 */
export function tokenOpens(storedHash: string | undefined, token: string): boolean {
  const given = hashToken(token);
  const stored = storedHash ?? NOTHING;
  let difference = stored.length ^ given.length;
  for (let i = 0; i < given.length; i++) difference |= given.charCodeAt(i) ^ stored.charCodeAt(i);
  return difference === 0 && storedHash !== undefined;
}
