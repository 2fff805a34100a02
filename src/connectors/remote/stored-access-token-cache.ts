import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Store } from '../../store/store.ts';
import { keepOnlyKeys, type AccessTokenCache, type IssuedToken, type Refresh } from './access-token-cache.ts';

/** What seals a token for the table and opens it again: the installation's secret box. */
export interface TokenSealer {
  seal(secrets: Readonly<Record<string, string>>): string;
  open(sealed: string): Record<string, string>;
}

/** A row's content: its access token (absent once refused) and the newest refresh token a service gave. */
interface Stored {
  readonly token?: IssuedToken;
  readonly refreshToken?: string;
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
 * A service that rotates refresh tokens (Salesforce, when the connected app says so) answers a
 * refresh with a new one and stops taking the old: the new one is sealed in the same value as the
 * access token, so every process refreshes with it next (see refreshFrom below).
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

  /**
   * What a row holds, one sealed value: the access token and, once a service rotated it, the
   * refresh token to use next. One value, so a process never reads one without the other.
   */
  const open = (row: { token: string | null; use_until: number | string } | undefined): Stored => {
    if (!row?.token) return {};
    const opened = box().open(row.token);
    const value = opened['token'];
    const refreshToken = opened['refresh_token'];
    return {
      // The column is a bigint, which pg reads as a string.
      ...(value ? { token: { value, useUntil: Number(row.use_until) } } : {}),
      ...(refreshToken ? { refreshToken } : {}),
    };
  };
  const sealed = (value: string | undefined, refreshToken: string | undefined): string =>
    box().seal({ ...(value !== undefined ? { token: value } : {}), ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}) });
  const save = async (db: Kysely<Database> | Transaction<Database>, key: string, token: IssuedToken, refreshToken: string | undefined): Promise<void> => {
    const values = { token: sealed(token.value, refreshToken), use_until: token.useUntil, refreshed_at: new Date().toISOString() };
    await db
      .insertInto('access_tokens')
      .values({ key, ...values })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute();
  };
  const read = async (db: Kysely<Database> | Transaction<Database>, key: string, lock: boolean): Promise<Stored> => {
    let query = db.selectFrom('access_tokens').select(['token', 'use_until']).where('key', '=', key);
    if (lock) query = query.forUpdate();
    return open(await query.executeTakeFirst());
  };

  /**
   * Refreshes with the newest refresh token stored, and stores the answer's token with the refresh
   * token to use next (the answer's, when it rotated it). When the refresh fails and meanwhile
   * another process stored a token or a rotated refresh token (its refresh began before this one
   * read the row; the service then refuses the refresh token this process used, as Salesforce does
   * a rotated one), that one is taken instead: a process that held the old refresh token does not
   * report the installation's credentials refused.
   */
  const refreshFrom = async (
    db: Kysely<Database> | Transaction<Database>,
    key: string,
    refresh: Refresh,
    now: number,
    stored: Stored,
  ): Promise<IssuedToken> => {
    let used = stored.refreshToken;
    let token: IssuedToken;
    try {
      token = await refresh(used);
    } catch (err) {
      const latest = await read(db, key, false);
      if (usable(key, latest.token, now) && latest.token.value !== stored.token?.value) return latest.token;
      if (latest.refreshToken === undefined || latest.refreshToken === used) throw err;
      used = latest.refreshToken;
      token = await refresh(used);
    }
    await save(db, key, token, token.refreshToken ?? used);
    return token;
  };

  const REFRESHERS: Record<Store['dialect'], (key: string, refresh: Refresh, now: number, stored: Stored) => Promise<IssuedToken>> = {
    postgres: (key, refresh, now) =>
      store.db.transaction().execute(async (trx) => {
        // The row exists before it is locked: two processes finding none must still queue on one lock.
        await trx
          .insertInto('access_tokens')
          .values({ key, token: null, use_until: 0, refreshed_at: null })
          .onConflict((oc) => oc.doNothing())
          .execute();
        const current = await read(trx, key, true);
        if (usable(key, current.token, now)) return current.token;
        return refreshFrom(trx, key, refresh, now, current);
      }),
    // No lock to queue on: the row just read is what the refresh starts from.
    sqlite: (key, refresh, now, stored) => refreshFrom(store.db, key, refresh, now, stored),
  };

  async function fetch(key: string, refresh: Refresh, now: number): Promise<IssuedToken> {
    const stored = await read(store.db, key, false);
    if (usable(key, stored.token, now)) return stored.token;
    return REFRESHERS[store.dialect](key, refresh, now, stored);
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
      const stored = open(row);
      if (!row?.token || stored.token?.value !== token) return;
      // The refresh token stays: it is the one the next refresh needs (the configured one may be spent).
      const kept = stored.refreshToken === undefined ? null : sealed(undefined, stored.refreshToken);
      await store.db.updateTable('access_tokens').set({ token: kept, use_until: 0 }).where('key', '=', key).where('token', '=', row.token).execute();
    },
    keepOnly(keys) {
      keepOnlyKeys(known, keys);
      keepOnlyKeys(refused, keys);
    },
  };
}
