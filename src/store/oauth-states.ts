import type { Kysely } from 'kysely';
import type { Role } from '../vocabulary/roles.ts';
import type { Database } from './schema.ts';

/** A consent is worth nothing after this long (DESIGN.md: "at most 10 minutes old"). */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

export interface OAuthState {
  readonly browserHash: string;
  readonly provider: string;
  readonly roles: readonly Role[];
  readonly settings: Readonly<Record<string, string>>;
  /** Sealed. */
  readonly secrets: string;
  readonly redirectUri: string;
  readonly createdAt: string;
}

/** Keeps a consent under way by the hash of its state; forgets the ones past their time. */
export async function saveOAuthState(db: Kysely<Database>, stateHash: string, state: Omit<OAuthState, 'createdAt'>, now = Date.now()): Promise<void> {
  await db
    .deleteFrom('oauth_states')
    .where('created_at', '<', new Date(now - OAUTH_STATE_TTL_MS).toISOString())
    .execute();
  await db
    .insertInto('oauth_states')
    .values({
      state_hash: stateHash,
      browser_hash: state.browserHash,
      provider: state.provider,
      roles: JSON.stringify(state.roles),
      settings: JSON.stringify(state.settings),
      secrets: state.secrets,
      redirect_uri: state.redirectUri,
      created_at: new Date(now).toISOString(),
    })
    .execute();
}

/**
 * The consent with this state hash started by this browser, removed in the same statement: a
 * state works once, even when two callbacks race, and another browser cannot use it up.
 * Undefined when unknown, used, another browser's, or older than OAUTH_STATE_TTL_MS.
 */
export async function takeOAuthState(db: Kysely<Database>, stateHash: string, browserHash: string, now = Date.now()): Promise<OAuthState | undefined> {
  const row = await db.deleteFrom('oauth_states').where('state_hash', '=', stateHash).where('browser_hash', '=', browserHash).returningAll().executeTakeFirst();
  if (!row || Date.parse(row.created_at) < now - OAUTH_STATE_TTL_MS) return undefined;
  return {
    browserHash: row.browser_hash,
    provider: row.provider,
    roles: JSON.parse(row.roles) as Role[],
    settings: JSON.parse(row.settings) as Record<string, string>,
    secrets: row.secrets,
    redirectUri: row.redirect_uri,
    createdAt: row.created_at,
  };
}
