import { describe, expect, it } from 'vitest';
import { memoryAccessTokenCache } from './access-token-cache.ts';

describe('memoryAccessTokenCache', () => {
  it('refreshes once for many callers and reuses the token until it is due', async () => {
    const cache = memoryAccessTokenCache();
    let refreshes = 0;
    const refresh = async () => ({ value: `t${++refreshes}`, useUntil: 1_000 });
    const tokens = await Promise.all(Array.from({ length: 50 }, () => cache.tokenFor('k', refresh, 0)));
    expect(new Set(tokens)).toEqual(new Set(['t1']));
    expect(await cache.tokenFor('k', refresh, 999)).toBe('t1');
    expect(await cache.tokenFor('k', refresh, 1_000)).toBe('t2');
    expect(refreshes).toBe(2);
  });

  it('forgets a refused token but keeps a newer one', async () => {
    const cache = memoryAccessTokenCache();
    let n = 0;
    const refresh = async () => ({ value: `t${++n}`, useUntil: 1_000 });
    await cache.tokenFor('k', refresh, 0);
    await cache.invalidate('k', 'old');
    expect(await cache.tokenFor('k', refresh, 1)).toBe('t1');
    await cache.invalidate('k', 't1');
    expect(await cache.tokenFor('k', refresh, 2)).toBe('t2');
  });

  it('lets the next caller try again after a failed refresh', async () => {
    const cache = memoryAccessTokenCache();
    await expect(cache.tokenFor('k', async () => Promise.reject(new Error('down')), 0)).rejects.toThrow('down');
    expect(await cache.tokenFor('k', async () => ({ value: 'ok', useUntil: 10 }), 0)).toBe('ok');
  });
});
