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

  it('forgets the tokens and rotated refresh tokens of every key but the kept ones', async () => {
    const cache = memoryAccessTokenCache();
    const given: (string | undefined)[] = [];
    let n = 0;
    const refresh = async (rotated: string | undefined) => {
      given.push(rotated);
      return { value: `t${++n}`, useUntil: 1_000, refreshToken: `rt${n}` };
    };
    expect(await cache.tokenFor('kept', refresh, 0)).toBe('t1');
    expect(await cache.tokenFor('gone', refresh, 0)).toBe('t2');
    cache.keepOnly(['kept']);
    expect(await cache.tokenFor('kept', refresh, 1)).toBe('t1');
    // The dropped key starts over: a refresh with the configured refresh token, not the rotated one.
    expect(await cache.tokenFor('gone', refresh, 1)).toBe('t3');
    expect(given).toEqual([undefined, undefined, undefined]);
    cache.keepOnly([]);
    expect(await cache.tokenFor('kept', refresh, 2)).toBe('t4');
  });
});
