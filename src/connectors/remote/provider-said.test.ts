import { describe, expect, it } from 'vitest';
import { errorCode, errorMessage, MAX_MESSAGE_LENGTH } from './provider-said.ts';

describe("what a provider's answer may put in a message", () => {
  it('keeps error codes that look like codes, as text', () => {
    expect(errorCode('INVALID_DATA')).toBe('INVALID_DATA');
    expect(errorCode(1007)).toBe('1007');
    expect(errorCode(' invalid_code ')).toBe('invalid_code');
    expect(errorCode('Access Denied')).toBe('Access Denied');
  });

  it('drops anything else offered as a code', () => {
    for (const value of ['<img src=x onerror=alert(1)>', 'a'.repeat(65), '', '\u001b]0;x\u0007', { code: 1 }, null, Number.NaN]) {
      expect(errorCode(value), JSON.stringify(value)).toBeUndefined();
    }
  });

  it('bounds a message: no control characters, white space collapsed, cut with an ellipsis', () => {
    expect(errorMessage('  the  token\r\nwas revoked ')).toBe('the token was revoked');
    expect(errorMessage('title\u001b]0;owned\u0007 set')).toBe('title ]0;owned set');
    expect(errorMessage('\u009b31m')).toBe('31m');
    const long = errorMessage('x'.repeat(5_000));
    expect(long).toHaveLength(MAX_MESSAGE_LENGTH);
    expect(long?.endsWith('…')).toBe(true);
    expect(errorMessage('   ')).toBeUndefined();
    expect(errorMessage(42)).toBeUndefined();
  });
});
