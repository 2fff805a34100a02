import { randomBytes } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SecretBox } from '../../secrets/secret-box.ts';
import { openStore, type Store } from '../../store/store.ts';
import { describePostgres, STORE_TARGETS, tempStore } from '../../store/test-support.ts';
import type { IssuedToken } from './access-token-cache.ts';
import { storedAccessTokenCache } from './stored-access-token-cache.ts';

const box = new SecretBox(randomBytes(32));
const cacheOf = (store: Store) => storedAccessTokenCache(store, () => box);

/** A token endpoint: counts its calls, each answer arriving after `ms`. */
function endpoint(ms = 50, lifetime = 1_000) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    refresh: async (): Promise<IssuedToken> => {
      const n = ++calls;
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { value: `access-${n}-${randomBytes(4).toString('hex')}`, useUntil: lifetime };
    },
  };
}

describe.each(STORE_TARGETS)('the stored access-token cache on %s', (kind) => {
  it('refreshes once for many callers, keeps the token sealed, and a starting process reuses it', async () => {
    const store = await tempStore(kind);
    const service = endpoint();
    const cache = cacheOf(store);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => cache.tokenFor('zoho:k', service.refresh, 0)));
    expect(new Set(tokens).size).toBe(1);
    expect(service.calls).toBe(1);

    const row = await store.db.selectFrom('access_tokens').selectAll().where('key', '=', 'zoho:k').executeTakeFirstOrThrow();
    expect(row.token).not.toContain(tokens[0]);
    expect(box.open(row.token!)).toEqual({ token: tokens[0] });

    // A process that starts (a new cache over the same database) takes the stored token.
    const restarted = cacheOf(await reopened(store));
    expect(await restarted.tokenFor('zoho:k', service.refresh, 500)).toBe(tokens[0]);
    expect(service.calls).toBe(1);
    // Once it is due, one refresh again.
    const next = await restarted.tokenFor('zoho:k', service.refresh, 1_000);
    expect(next).not.toBe(tokens[0]);
    expect(service.calls).toBe(2);
  });

  it('forgets the memory of every key but the kept ones: a token dropped from the table is not served from memory', async () => {
    const store = await tempStore(kind);
    const service = endpoint(0);
    const cache = cacheOf(store);
    const kept = await cache.tokenFor('zoho:kept', service.refresh, 0);
    const gone = await cache.tokenFor('zoho:gone', service.refresh, 0);
    await store.db.deleteFrom('access_tokens').where('key', '=', 'zoho:gone').execute();
    // Without being told, the process serves what it holds in memory.
    expect(await cache.tokenFor('zoho:gone', service.refresh, 1)).toBe(gone);
    cache.keepOnly(['zoho:kept']);
    expect(await cache.tokenFor('zoho:kept', service.refresh, 1)).toBe(kept);
    expect(service.calls).toBe(2);
    const again = await cache.tokenFor('zoho:gone', service.refresh, 1);
    expect(again).not.toBe(gone);
    expect(service.calls).toBe(3);
  });

  it('forgets a refused token everywhere, but never a newer one', async () => {
    const store = await tempStore(kind);
    const service = endpoint(1);
    const cache = cacheOf(store);
    const first = await cache.tokenFor('k', service.refresh, 0);
    await cache.invalidate('k', 'some older token');
    expect(await cacheOf(store).tokenFor('k', service.refresh, 1)).toBe(first);
    await cache.invalidate('k', first);
    const second = await cacheOf(store).tokenFor('k', service.refresh, 1);
    expect(second).not.toBe(first);
    expect(await cache.tokenFor('k', service.refresh, 1)).toBe(second);
    expect(service.calls).toBe(2);
  });

  it('never uses a token it saw refused, even when a read begun before the refusal brings it back', async () => {
    const store = await tempStore(kind);
    const service = endpoint(1, 10_000);
    const cache = cacheOf(store);
    const first = await cache.tokenFor('k', service.refresh, 0);
    const row = await store.db.selectFrom('access_tokens').select(['token', 'use_until']).where('key', '=', 'k').executeTakeFirstOrThrow();
    await cache.invalidate('k', first);
    // What such a read returns: the refused token, still in date.
    await store.db
      .updateTable('access_tokens')
      .set({ token: row.token, use_until: Number(row.use_until) })
      .where('key', '=', 'k')
      .execute();
    const second = await cache.tokenFor('k', service.refresh, 1);
    expect(second).not.toBe(first);
    expect(service.calls).toBe(2);
  });

  it('passes a failed refresh to its callers and stores nothing; the next caller tries again', async () => {
    const store = await tempStore(kind);
    const cache = cacheOf(store);
    const failing = async (): Promise<IssuedToken> => Promise.reject(new Error('accounts server down'));
    const results = await Promise.allSettled([cache.tokenFor('k', failing, 0), cache.tokenFor('k', failing, 0)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await store.db.selectFrom('access_tokens').select('token').where('token', 'is not', null).execute()).toEqual([]);
    expect(await cache.tokenFor('k', async () => ({ value: 'ok', useUntil: 10 }), 0)).toBe('ok');
  });
});

describePostgres('the stored access-token cache across processes on postgres', () => {
  it('makes one refresh for 300 concurrent callers spread over three pools after every token expired', async () => {
    const first = await tempStore('postgres');
    const stores = [first, await reopened(first), await reopened(first)];
    const service = endpoint(200, 10_000);
    // Every process had the token, and it expired.
    const caches = stores.map(cacheOf);
    await Promise.all(caches.map((c) => c.tokenFor('zoho:k', async () => ({ value: 'expired', useUntil: 1_000 }), 0)));
    const tokens = await Promise.all(Array.from({ length: 300 }, (_, i) => caches[i % 3]!.tokenFor('zoho:k', service.refresh, 2_000)));
    expect(service.calls).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });
});

/** Another process's store on the same database, closed when the test ends. */
async function reopened(store: Store & { readonly target: string }): Promise<Store> {
  const other = await openStore(store.target);
  onTestFinished(() => other.close());
  return other;
}
