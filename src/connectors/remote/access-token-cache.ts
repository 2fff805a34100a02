/** An access token a service issued, and when to stop using it (epoch ms, refresh margin already taken off). */
export interface IssuedToken {
  readonly value: string;
  readonly useUntil: number;
  /**
   * The refresh token the answer carried, when the service rotates them (Salesforce can): kept with
   * the access token, and the one the next refresh of this key is given.
   */
  readonly refreshToken?: string;
}

/**
 * Runs one refresh. `refreshToken` is the newest refresh token a service gave for this key, or
 * undefined while it gave none (the configured one is then used).
 */
export type Refresh = (refreshToken: string | undefined) => Promise<IssuedToken>;

/**
 * Where an OAuth provider keeps its access tokens. The in-memory cache below serves one process;
 * a cache kept in the database serves every process of an installation (one refresh for all).
 * `key` names one credential (provider, accounts server, client, a hash of the refresh token):
 * changed credentials never reuse an old token.
 */
export interface AccessTokenCache {
  /** A token for `key` still usable at `now`; otherwise `refresh` runs, once for all callers waiting on `key`. */
  tokenFor(key: string, refresh: Refresh, now: number): Promise<string>;
  /** The service refused `token` (401): forget it, unless a newer token already replaced it. */
  invalidate(key: string, token: string): Promise<void>;
  /**
   * Forgets what this process holds in memory for every key but `keys` (the credentials still
   * configured): the tokens of credentials that were disconnected or replaced do not stay until
   * they expire. What is kept in the database is dropUnusedTokens's to drop.
   */
  keepOnly(keys: readonly string[]): void;
}

/** Deletes from `map` every key not in `keys`. */
export function keepOnlyKeys(map: Map<string, unknown>, keys: readonly string[]): void {
  const kept = new Set(keys);
  for (const key of [...map.keys()]) if (!kept.has(key)) map.delete(key);
}

/** One process's tokens: concurrent callers that find the token stale share one refresh. */
export function memoryAccessTokenCache(): AccessTokenCache {
  const tokens = new Map<string, IssuedToken>();
  const inflight = new Map<string, Promise<IssuedToken>>();
  /** The newest refresh token each key was given (rotation); one process's memory only. */
  const refreshTokens = new Map<string, string>();
  return {
    async tokenFor(key, refresh, now) {
      const cached = tokens.get(key);
      if (cached && now < cached.useUntil) return cached.value;
      let pending = inflight.get(key);
      if (!pending) {
        pending = refresh(refreshTokens.get(key))
          .then((token) => {
            tokens.set(key, token);
            if (token.refreshToken !== undefined) refreshTokens.set(key, token.refreshToken);
            return token;
          })
          .finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return (await pending).value;
    },
    async invalidate(key, token) {
      if (tokens.get(key)?.value === token) tokens.delete(key);
    },
    keepOnly(keys) {
      keepOnlyKeys(tokens, keys);
      keepOnlyKeys(refreshTokens, keys);
    },
  };
}
