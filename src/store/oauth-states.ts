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

type Db = Kysely<Database>;

/**
 * Keeps a consent under way by the hash of its state; forgets the ones past their time. A new
 * consent for a role replaces the role's pending ones (voidOAuthStates): the last Connect wins.
 */
export async function saveOAuthState(db: Db, stateHash: string, state: Omit<OAuthState, 'createdAt'>, now = Date.now()): Promise<void> {
  await db
    .deleteFrom('oauth_states')
    .where('created_at', '<', new Date(now - OAUTH_STATE_TTL_MS).toISOString())
    .execute();
  await voidOAuthStates(db, state.roles);
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
 * The consent with this state hash started by this browser, claimed in the same statement: a
 * state is claimed once, even when two callbacks race, and another browser cannot use it up.
 * The row stays (claimed) until finishOAuthState, so a disconnect meanwhile can still void it.
 * Undefined when unknown, claimed already, voided, another browser's, or older than OAUTH_STATE_TTL_MS.
 */
export async function claimOAuthState(db: Db, stateHash: string, browserHash: string, now = Date.now()): Promise<OAuthState | undefined> {
  const row = await db
    .updateTable('oauth_states')
    .set({ claimed_at: new Date(now).toISOString() })
    .where('state_hash', '=', stateHash)
    .where('browser_hash', '=', browserHash)
    .where('claimed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  if (Date.parse(row.created_at) < now - OAUTH_STATE_TTL_MS) {
    await finishOAuthState(db, stateHash);
    return undefined;
  }
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

/**
 * Removes a claimed state. False when it is gone already: voided since it was claimed (the role
 * was disconnected or set meanwhile), so its callback must write nothing. Called in the
 * transaction that writes the integration, a void and the write never interleave.
 */
export async function finishOAuthState(db: Db, stateHash: string): Promise<boolean> {
  const result = await db.deleteFrom('oauth_states').where('state_hash', '=', stateHash).where('claimed_at', 'is not', null).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Voids every consent under way for any of `roles`, claimed or not: its callback then gets the
 * answer of an unknown state and connects nothing. Called when a role is disconnected or set, and
 * by a new consent for the role. `roles` is a JSON array of role names, each quoted, so a quoted
 * name is found by LIKE on both databases; the table holds only the last ten minutes' consents.
 */
export async function voidOAuthStates(db: Db, roles: readonly Role[]): Promise<number> {
  if (roles.length === 0) return 0;
  const result = await db
    .deleteFrom('oauth_states')
    .where((eb) => eb.or(roles.map((role) => eb('roles', 'like', `%${JSON.stringify(role)}%`))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
