import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Store } from '../../store/store.ts';
import type { AccessTokenCache, IssuedToken } from './access-token-cache.ts';

/** What seals a token for the table and opens it again: the installation's secret box. */
export interface TokenSealer {
  seal(secrets: Readonly<Record<string, string>>): string;
  open(sealed: string): Record<string, string>;
}

/** Drops every stored access token but those of `keys` (the credentials still configured). */
export async function dropAccessTokensExcept(store: Store, keys: readonly string[]): Promise<number> {
  let query = store.db.deleteFrom('access_tokens');
  if (keys.length > 0) query = query.where('key', 'not in', keys);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Access tokens kept in the database (table `access_tokens`, sealed with the secret box), shared
 * by every process of an installation: a process that starts uses the token another one got, and
 * after an expiry one refresh serves them all. Services limit how often a refresh token may be
 * used (Zoho: ten per ten minutes), so processes each refreshing on their own would lock an
 * installation out of its own credentials after a few restarts.
 *
 * In a process, callers of one key share one read and one refresh, and a token read is kept in
 * memory until it is due. Across processes, PostgreSQL: whoever finds the stored token stale locks
 * the key's row (`select … for update`) for the length of its refresh; the others wait on the
 * lock, then find the new token. SQLite: one process writes a SQLite file, so the refresh writes
 * the token in a transaction of its own for the next start to find.
 *
 * `box` is asked for only when a token is sealed or opened (an installation without a secret key
 * has no credentials to refresh either).
 */
export function storedAccessTokenCache(store: Store, box: () => TokenSealer): AccessTokenCache {
  const known = new Map<string, IssuedToken>();
  const inflight = new Map<string, Promise<IssuedToken>>();
  /**
   * Per key, the last token the service refused here. A read of the database that began before
   * the refusal was written down may still bring that token back; it is never used again.
   */
  const refused = new Map<string, string>();
  const usable = (key: string, token: IssuedToken | undefined, now: number): token is IssuedToken =>
    token !== undefined && now < token.useUntil && refused.get(key) !== token.value;

  const open = (row: { token: string | null; use_until: number | string } | undefined): IssuedToken | undefined => {
    if (!row?.token) return undefined;
    const value = box().open(row.token)['token'];
    // The column is a bigint, which pg reads as a string.
    return value ? { value, useUntil: Number(row.use_until) } : undefined;
  };
  const save = async (db: Kysely<Database> | Transaction<Database>, key: string, token: IssuedToken): Promise<void> => {
    const values = { token: box().seal({ token: token.value }), use_until: token.useUntil, refreshed_at: new Date().toISOString() };
    await db
      .insertInto('access_tokens')
      .values({ key, ...values })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute();
  };
  const read = async (db: Kysely<Database> | Transaction<Database>, key: string, lock: boolean): Promise<IssuedToken | undefined> => {
    let query = db.selectFrom('access_tokens').select(['token', 'use_until']).where('key', '=', key);
    if (lock) query = query.forUpdate();
    return open(await query.executeTakeFirst());
  };

  const REFRESHERS: Record<Store['dialect'], (key: string, refresh: () => Promise<IssuedToken>, now: number) => Promise<IssuedToken>> = {
    postgres: (key, refresh, now) =>
      store.db.transaction().execute(async (trx) => {
        // The row exists before it is locked: two processes finding none must still queue on one lock.
        await trx
          .insertInto('access_tokens')
          .values({ key, token: null, use_until: 0, refreshed_at: null })
          .onConflict((oc) => oc.doNothing())
          .execute();
        const current = await read(trx, key, true);
        if (usable(key, current, now)) return current;
        const token = await refresh();
        await save(trx, key, token);
        return token;
      }),
    sqlite: async (key, refresh) => {
      const token = await refresh();
      await save(store.db, key, token);
      return token;
    },
  };

  async function fetch(key: string, refresh: () => Promise<IssuedToken>, now: number): Promise<IssuedToken> {
    const stored = await read(store.db, key, false);
    if (usable(key, stored, now)) return stored;
    return REFRESHERS[store.dialect](key, refresh, now);
  }

  return {
    async tokenFor(key, refresh, now) {
      // Twice at most: a fetch that began before a refusal may bring the refused token back.
      for (let round = 0; ; round++) {
        const cached = known.get(key);
        if (usable(key, cached, now)) return cached.value;
        let pending = inflight.get(key);
        if (!pending) {
          pending = fetch(key, refresh, now)
            .then((token) => {
              if (refused.get(key) !== token.value) known.set(key, token);
              return token;
            })
            .finally(() => inflight.delete(key));
          inflight.set(key, pending);
        }
        const token = await pending;
        if (round > 0 || refused.get(key) !== token.value) return token.value;
      }
    },
    async invalidate(key, token) {
      refused.set(key, token);
      if (known.get(key)?.value === token) known.delete(key);
      // Only the refused token: a newer one another process stored meanwhile stays. Matched on the
      // sealed text, unique to each sealing (two tokens may share an expiry).
      const row = await store.db.selectFrom('access_tokens').select(['token', 'use_until']).where('key', '=', key).executeTakeFirst();
      if (!row?.token || open(row)?.value !== token) return;
      await store.db.updateTable('access_tokens').set({ token: null, use_until: 0 }).where('key', '=', key).where('token', '=', row.token).execute();
    },
  };
}
