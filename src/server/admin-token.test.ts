import { describe, expect, it } from 'vitest';
import { hashToken } from '../runtime/tokens.ts';
import { tempStore } from '../store/test-support.ts';
import { ADMIN_TOKEN_SETTING, resolveAdminToken } from './admin-token.ts';

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
    const fromEnv = await resolveAdminToken(db, { RENKEI_ADMIN_TOKEN: '  my-admin-token ' });
    expect(fromEnv).toEqual({ hash: hashToken('my-admin-token'), generated: null, source: 'env' });
    expect(await stored(db)).toBeUndefined();
  });

  it('is the same for two servers starting at once on one database', async () => {
    const { db } = await tempStore();
    const [a, b] = await Promise.all([resolveAdminToken(db, {}), resolveAdminToken(db, {})]);
    expect(a.hash).toBe(b.hash);
    expect([a.generated, b.generated].filter((t) => t !== null)).toHaveLength(1);
  });
});
