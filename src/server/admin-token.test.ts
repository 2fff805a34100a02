import { describe, expect, it } from 'vitest';
import { hashToken } from '../runtime/tokens.ts';
import { tempStore } from '../store/test-support.ts';
import { ADMIN_TOKEN_SETTING, MIN_ADMIN_TOKEN_LENGTH, resolveAdminToken } from './admin-token.ts';
import { ConfigError } from './config.ts';

const stored = async (db: Awaited<ReturnType<typeof tempStore>>['db']) =>
  (await db.selectFrom('settings').select('value').where('key', '=', ADMIN_TOKEN_SETTING).executeTakeFirst())?.value;

describe('the admin token', () => {
  it('is generated once, stored only as its hash, and not shown again', async () => {
    const { db } = await tempStore();
    const first = await resolveAdminToken(db, {});
    expect(first.source).toBe('generated');
    expect(first.generated).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.hash).toBe(hashToken(first.generated ?? ''));
    expect(await stored(db)).toBe(first.hash);

    const again = await resolveAdminToken(db, {});
    expect(again).toEqual({ hash: first.hash, generated: null, source: 'stored' });
  });

  it('comes from RENKEI_ADMIN_TOKEN when set, which is never stored', async () => {
    const { db } = await tempStore();
    const fromEnv = await resolveAdminToken(db, { RENKEI_ADMIN_TOKEN: '  my-admin-token-of-32-characters! ' });
    expect(fromEnv).toEqual({ hash: hashToken('my-admin-token-of-32-characters!'), generated: null, source: 'env' });
    expect(await stored(db)).toBeUndefined();
  });

  it('refuses a chosen token shorter than 32 characters, saying how long it must be', async () => {
    const { db } = await tempStore();
    for (const short of ['a', 'chosen-admin-token-42', 'x'.repeat(MIN_ADMIN_TOKEN_LENGTH - 1), `  ${'x'.repeat(31)}  `]) {
      await expect(resolveAdminToken(db, { RENKEI_ADMIN_TOKEN: short })).rejects.toThrow(ConfigError);
      await expect(resolveAdminToken(db, { RENKEI_ADMIN_TOKEN: short })).rejects.toThrow(
        /RENKEI_ADMIN_TOKEN is \d+ characters long; an admin token must have at least 32/,
      );
    }
    expect(await stored(db)).toBeUndefined();
    expect((await resolveAdminToken(db, { RENKEI_ADMIN_TOKEN: 'x'.repeat(32) })).source).toBe('env');
  });

  it('is the same for two servers starting at once on one database', async () => {
    const { db } = await tempStore();
    const [a, b] = await Promise.all([resolveAdminToken(db, {}), resolveAdminToken(db, {})]);
    expect(a.hash).toBe(b.hash);
    expect([a.generated, b.generated].filter((t) => t !== null)).toHaveLength(1);
  });
});
