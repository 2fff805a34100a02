import { describe, expect, it } from 'vitest';
import { hashToken, newToken, tokenOpens } from './tokens.ts';

describe('a conversation token', () => {
  it('opens the conversation stored with its hash, and no other', () => {
    const token = newToken();
    const stored = hashToken(token);
    expect(tokenOpens(stored, token)).toBe(true);
    expect(tokenOpens(stored, newToken())).toBe(false);
    expect(tokenOpens(stored, '')).toBe(false);
  });

  it('opens nothing when there is no conversation, or when the stored hash differs anywhere, in its last character or its length', () => {
    const token = newToken();
    const stored = hashToken(token);
    expect(tokenOpens(undefined, token)).toBe(false);
    expect(tokenOpens(undefined, '')).toBe(false);
    const last = stored.at(-1) === '0' ? '1' : '0';
    expect(tokenOpens(stored.slice(0, -1) + last, token)).toBe(false);
    expect(tokenOpens(stored.slice(0, -1), token)).toBe(false);
    expect(tokenOpens(`${stored}0`, token)).toBe(false);
  });
});
