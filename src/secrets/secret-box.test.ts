import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox, SecretKeyError, SecretOpenError } from './secret-box.ts';

const KEY_A = 'a1'.repeat(32);
const KEY_B = 'b2'.repeat(32);
const SECRETS = { clientSecret: '9f2c0ffee0ddba11', refreshToken: '1000.86a0deadbeefcad1' };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'renkei-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SecretBox', () => {
  it('opens what it sealed, and the blob holds no secret in plain text or base64', () => {
    const box = SecretBox.forDatabase(join(dir, 'db.sqlite'), { RENKEI_SECRET_KEY: KEY_A });
    const sealed = box.seal(SECRETS);
    expect(box.open(sealed)).toEqual(SECRETS);
    for (const secret of Object.values(SECRETS)) {
      expect(sealed).not.toContain(secret);
      expect(sealed).not.toContain(Buffer.from(secret).toString('base64').slice(0, 12));
    }
  });

  it('seals the same secrets differently each time (fresh IV)', () => {
    const box = SecretBox.forDatabase(':memory:', {});
    expect(box.seal(SECRETS)).not.toBe(box.seal(SECRETS));
  });

  it('detects any change to the sealed blob', () => {
    const box = SecretBox.forDatabase(':memory:', { RENKEI_SECRET_KEY: KEY_A });
    const sealed = box.seal(SECRETS);
    const raw = Buffer.from(sealed.slice(3), 'base64');
    for (const at of [0, 14, raw.length - 1]) {
      const tampered = Buffer.from(raw);
      tampered[at] = (tampered[at] ?? 0) ^ 1;
      expect(() => box.open(`v1.${tampered.toString('base64')}`)).toThrow(SecretOpenError);
    }
    expect(() => box.open('v1.AAAA')).toThrow(/truncated/);
    expect(() => box.open(JSON.stringify(SECRETS))).toThrow(/unknown format/);
  });

  it('refuses to open with another key', () => {
    const sealed = SecretBox.forDatabase(':memory:', { RENKEI_SECRET_KEY: KEY_A }).seal(SECRETS);
    const other = SecretBox.forDatabase(':memory:', { RENKEI_SECRET_KEY: KEY_B });
    expect(() => other.open(sealed)).toThrow(/different key/);
  });

  it('explains a malformed RENKEI_SECRET_KEY', () => {
    for (const bad of ['abc', 'z'.repeat(64), KEY_A + '00']) {
      expect(() => SecretBox.forDatabase(':memory:', { RENKEI_SECRET_KEY: bad })).toThrow(/64 hexadecimal/);
    }
  });

  it('creates a 0600 key file beside the database and reuses it', () => {
    const db = join(dir, 'renkei.db');
    const sealed = SecretBox.forDatabase(db, {}).seal(SECRETS);
    expect(statSync(`${db}.key`).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${db}.key`, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(SecretBox.forDatabase(db, {}).open(sealed)).toEqual(SECRETS);
  });

  it('prefers RENKEI_SECRET_KEY over the key file', () => {
    const db = join(dir, 'renkei.db');
    writeFileSync(`${db}.key`, KEY_B, { mode: 0o600 });
    const sealed = SecretBox.forDatabase(db, { RENKEI_SECRET_KEY: KEY_A }).seal(SECRETS);
    expect(SecretBox.forDatabase(':memory:', { RENKEI_SECRET_KEY: KEY_A }).open(sealed)).toEqual(SECRETS);
    expect(() => SecretBox.forDatabase(db, {}).open(sealed)).toThrow(SecretOpenError);
  });

  it('refuses a key file readable by others, and a broken one', () => {
    const db = join(dir, 'renkei.db');
    writeFileSync(`${db}.key`, KEY_A, { mode: 0o644 });
    chmodSync(`${db}.key`, 0o644);
    expect(() => SecretBox.forDatabase(db, {})).toThrow(/mode is 0644.*chmod 600/);
    chmodSync(`${db}.key`, 0o600);
    expect(SecretBox.forDatabase(db, {})).toBeInstanceOf(SecretBox);
    writeFileSync(`${db}.key`, 'not a key');
    expect(() => SecretBox.forDatabase(db, {})).toThrow(SecretKeyError);
  });

  it('needs RENKEI_SECRET_KEY for a database given as a URL', () => {
    expect(() => SecretBox.forDatabase('postgres://renkei@localhost/renkei', {})).toThrow(/RENKEI_SECRET_KEY must be set/);
    expect(SecretBox.forDatabase('postgres://renkei@localhost/renkei', { RENKEI_SECRET_KEY: KEY_A })).toBeInstanceOf(SecretBox);
  });
});
