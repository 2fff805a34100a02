import type { Kysely, Selectable } from 'kysely';
import { StoreError } from './errors.ts';
import { hotQuery } from './kysely/hot-query.ts';
import { newId, normalKey } from './keys.ts';
import type { AccountsTable, Database } from './schema.ts';

/**
 * The team: accounts (admins and agents), their sign-in sessions and invitations, failed sign-ins,
 * and agents' presence. Secrets are stored only as hashes made by the caller (a session's or an
 * invitation's SHA-256, a password's scrypt hash).
 */

export const ACCOUNT_ROLES = ['admin', 'agent'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
export type Presence = 'online' | 'away';

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: AccountRole;
  readonly disabled: boolean;
  /** False for an invited person who has not chosen a password yet. */
  readonly hasPassword: boolean;
  readonly presence: Presence;
  readonly presenceAt: string | null;
  readonly createdAt: string;
}

type Row = Selectable<AccountsTable>;

export function accountOf(row: Row): Account {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled === 1,
    hasPassword: row.password_hash !== null,
    presence: row.presence,
    presenceAt: row.presence_at,
    createdAt: row.created_at,
  };
}

export interface NewAccount {
  readonly email: string;
  readonly name: string;
  readonly role: AccountRole;
  readonly passwordHash: string | null;
}

export async function createAccount(db: Kysely<Database>, account: NewAccount, now: Date): Promise<Account> {
  const key = normalKey(account.email);
  const existing = await db.selectFrom('accounts').select('id').where('email_key', '=', key).executeTakeFirst();
  if (existing) throw new StoreError('duplicate', `there is already an account for ${account.email}`);
  const at = now.toISOString();
  const row: Row = {
    id: newId(),
    email: account.email.trim(),
    email_key: key,
    name: account.name.trim(),
    role: account.role,
    password_hash: account.passwordHash,
    disabled: 0,
    presence: 'away',
    presence_at: null,
    created_at: at,
    updated_at: at,
  };
  try {
    await db.insertInto('accounts').values(row).execute();
  } catch (error) {
    // Two creations of one address at once: the unique index decides, the loser says so.
    if (await db.selectFrom('accounts').select('id').where('email_key', '=', key).where('id', '!=', row.id).executeTakeFirst()) {
      throw new StoreError('duplicate', `there is already an account for ${account.email}`, { cause: error });
    }
    throw error;
  }
  return accountOf(row);
}

export async function listAccounts(db: Kysely<Database>): Promise<Account[]> {
  const rows = await db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(accountOf);
}

export async function accountById(db: Kysely<Database>, id: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && accountOf(row);
}

/** The account and its password hash, for signing in. */
export async function accountForSignIn(db: Kysely<Database>, email: string): Promise<{ account: Account; passwordHash: string | null } | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('email_key', '=', normalKey(email)).executeTakeFirst();
  return row && { account: accountOf(row), passwordHash: row.password_hash };
}

export async function passwordHashOf(db: Kysely<Database>, id: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('accounts').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row?.password_hash;
}

export interface AccountChange {
  readonly name?: string;
  readonly role?: AccountRole;
  readonly disabled?: boolean;
  readonly passwordHash?: string;
}

/** Changes an account; disabling it (or changing its password) ends its sessions. */
export async function updateAccount(db: Kysely<Database>, id: string, change: AccountChange, now: Date): Promise<Account> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('accounts')
      .set({
        ...(change.name !== undefined ? { name: change.name.trim() } : {}),
        ...(change.role !== undefined ? { role: change.role } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled ? 1 : 0, ...(change.disabled ? { presence: 'away' as const } : {}) } : {}),
        ...(change.passwordHash !== undefined ? { password_hash: change.passwordHash } : {}),
        updated_at: now.toISOString(),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (!updated.numUpdatedRows) throw new StoreError('not_found', `there is no account ${id}`);
    if (change.disabled === true || change.passwordHash !== undefined) {
      await trx.deleteFrom('account_sessions').where('account_id', '=', id).execute();
    }
    const row = await trx.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return accountOf(row);
  });
}

/** Active admins other than `except`: the last one may be neither disabled nor made an agent. */
export async function otherActiveAdmins(db: Kysely<Database>, except: string): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .where('id', '!=', except)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// Sessions ------------------------------------------------------------------------------------

export async function createSession(db: Kysely<Database>, accountId: string, idHash: string, now: Date, ttlMs: number): Promise<void> {
  await db
    .insertInto('account_sessions')
    .values({ id: idHash, account_id: accountId, created_at: now.toISOString(), expires_at: new Date(now.getTime() + ttlMs).toISOString() })
    .execute();
}

/** Read on every request of a signed-in person, so built once (see hotQuery); never cached: a session ends at once. */
const selectSessionAccount = hotQuery<Row>((db, [idHash, now, disabled]) =>
  db
    .selectFrom('account_sessions')
    .innerJoin('accounts', 'accounts.id', 'account_sessions.account_id')
    .selectAll('accounts')
    .where('account_sessions.id', '=', idHash as string)
    .where('account_sessions.expires_at', '>', now as string)
    .where('accounts.disabled', '=', disabled as number),
);

/** The account a session opens: unexpired, and the account enabled. */
export async function sessionAccount(db: Kysely<Database>, idHash: string, now: Date): Promise<Account | undefined> {
  const row = (await selectSessionAccount(db, [idHash, now.toISOString(), 0])).rows[0];
  return row && accountOf(row);
}

export async function deleteSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom('account_sessions').where('id', '=', idHash).execute();
}

// Invitations ---------------------------------------------------------------------------------

export async function createInvitation(db: Kysely<Database>, accountId: string, idHash: string, now: Date, ttlMs: number): Promise<string> {
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  await db
    .insertInto('account_invitations')
    .values({ id: idHash, account_id: accountId, created_at: now.toISOString(), expires_at: expiresAt, used_at: null })
    .execute();
  return expiresAt;
}

/** The invited account of an unused, unexpired invitation. */
export async function invitedAccount(db: Kysely<Database>, idHash: string, now: Date): Promise<Account | undefined> {
  const row = await db
    .selectFrom('account_invitations')
    .innerJoin('accounts', 'accounts.id', 'account_invitations.account_id')
    .selectAll('accounts')
    .where('account_invitations.id', '=', idHash)
    .where('account_invitations.used_at', 'is', null)
    .where('account_invitations.expires_at', '>', now.toISOString())
    .where('accounts.disabled', '=', 0)
    .executeTakeFirst();
  return row && accountOf(row);
}

/** Uses the invitation once: sets the password; false when it was used, expired or unknown meanwhile. */
export async function acceptInvitation(db: Kysely<Database>, idHash: string, passwordHash: string, now: Date): Promise<Account | undefined> {
  return db.transaction().execute(async (trx) => {
    const at = now.toISOString();
    const used = await trx
      .updateTable('account_invitations')
      .set({ used_at: at })
      .where('id', '=', idHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (!used.numUpdatedRows) return undefined;
    const invitation = await trx.selectFrom('account_invitations').select('account_id').where('id', '=', idHash).executeTakeFirstOrThrow();
    await trx.updateTable('accounts').set({ password_hash: passwordHash, updated_at: at }).where('id', '=', invitation.account_id).execute();
    const row = await trx.selectFrom('accounts').selectAll().where('id', '=', invitation.account_id).executeTakeFirstOrThrow();
    return accountOf(row);
  });
}

// Failed sign-ins -----------------------------------------------------------------------------

/** Failures counted against each key within the window that began with its first failure. */
export async function failuresOf(
  db: Kysely<Database>,
  keys: readonly string[],
  now: Date,
  windowMs: number,
): Promise<Map<string, { failures: number; until: Date }>> {
  const rows = await db.selectFrom('sign_in_failures').selectAll().where('key', 'in', keys).execute();
  const out = new Map<string, { failures: number; until: Date }>();
  for (const row of rows) {
    const until = new Date(Date.parse(row.window_start) + windowMs);
    if (until > now) out.set(row.key, { failures: row.failures, until });
  }
  return out;
}

export async function recordFailure(db: Kysely<Database>, key: string, now: Date, windowMs: number): Promise<void> {
  const at = now.toISOString();
  const windowStartAfter = new Date(now.getTime() - windowMs).toISOString();
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('sign_in_failures').selectAll().where('key', '=', key).executeTakeFirst();
    if (!row) {
      await trx
        .insertInto('sign_in_failures')
        .values({ key, failures: 1, window_start: at })
        .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ failures: eb('sign_in_failures.failures', '+', 1) })))
        .execute();
    } else if (row.window_start <= windowStartAfter) {
      await trx.updateTable('sign_in_failures').set({ failures: 1, window_start: at }).where('key', '=', key).execute();
    } else {
      await trx
        .updateTable('sign_in_failures')
        .set((eb) => ({ failures: eb('failures', '+', 1) }))
        .where('key', '=', key)
        .execute();
    }
  });
}

export async function clearFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('key', '=', key).execute();
}

// Presence ------------------------------------------------------------------------------------

export async function setPresence(db: Kysely<Database>, id: string, presence: Presence, now: Date): Promise<void> {
  await db.updateTable('accounts').set({ presence, presence_at: now.toISOString() }).where('id', '=', id).execute();
}

/** An open inbox's sign of life: keeps an online agent counted as online. */
export async function touchPresence(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db.updateTable('accounts').set({ presence_at: now.toISOString() }).where('id', '=', id).where('presence', '=', 'online').execute();
}

/** Whether any enabled account is online with a recent sign of life. */
export async function anyoneOnline(db: Kysely<Database>, now: Date, freshMs: number): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where('presence', '=', 'online')
    .where('disabled', '=', 0)
    .where('presence_at', '>', new Date(now.getTime() - freshMs).toISOString())
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
