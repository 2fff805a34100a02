import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { IntegrationCheck, IntegrationRecord, ProviderName } from '../vocabulary/integration.ts';
import { ROLES, type Role } from '../vocabulary/roles.ts';
import { StoreError } from './errors.ts';
import { nowIso } from './keys.ts';
import { voidOAuthStates } from './oauth-states.ts';
import type { Database, IntegrationsTable } from './schema.ts';

/** Turns the stored secrets blob back into its values (the secret box's job; the store never holds the key). */
export type DecryptSecrets = (blob: string) => Record<string, string>;

/** An integration as the admin sees it: never its secrets, only whether it has any. */
export interface IntegrationSummary extends Omit<IntegrationRecord, 'secrets'> {
  readonly statusMessage: string | null;
  readonly hasSecrets: boolean;
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  readonly lastError: string | null;
  /** When the configuration last changed (set, enabled, disabled). */
  readonly updatedAt: string;
}

/** An integration with its secrets decrypted, for the provider that runs it. */
export type StoredIntegration = IntegrationSummary & IntegrationRecord;

const role = z.enum(ROLES);
// Any name: one this installation has no provider for runs as integration_invalid, saying so.
const providerName = z.string().min(1);
const status = z.enum(['ok', 'invalid', 'unchecked']);
const settings = z.record(z.string(), z.string());

function toSummary(row: IntegrationsTable): IntegrationSummary {
  try {
    return {
      role: role.parse(row.role),
      provider: providerName.parse(row.provider),
      enabled: row.enabled === 1,
      status: status.parse(row.status),
      statusMessage: row.status_message,
      settings: settings.parse(JSON.parse(row.settings)),
      hasSecrets: row.secrets !== null,
      lastSuccessAt: row.last_success_at,
      lastFailureAt: row.last_failure_at,
      lastError: row.last_error,
      updatedAt: row.updated_at,
    };
  } catch (error) {
    throw new StoreError('corrupt', `the ${row.role} integration's stored row is unreadable`, { cause: error });
  }
}

/**
 * The role's integration, or undefined when none is configured. Secrets are decrypted with
 * `decrypt` when the row has any; without `decrypt` they come back empty. A blob that cannot be
 * decrypted (wrong key) throws whatever `decrypt` throws.
 */
export async function getIntegration(db: Kysely<Database>, forRole: Role, decrypt?: DecryptSecrets): Promise<StoredIntegration | undefined> {
  const row = await db.selectFrom('integrations').selectAll().where('role', '=', forRole).executeTakeFirst();
  if (!row) return undefined;
  const secrets = row.secrets !== null && decrypt ? decrypt(row.secrets) : {};
  return { ...toSummary(row), secrets };
}

/** Every configured integration, in role order (crm, helpdesk, mailing). */
export async function listIntegrations(db: Kysely<Database>): Promise<IntegrationSummary[]> {
  const rows = await db.selectFrom('integrations').selectAll().execute();
  return rows.map(toSummary).sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role));
}

async function update(db: Kysely<Database>, forRole: Role, changes: Partial<Omit<IntegrationsTable, 'role'>>): Promise<void> {
  const result = await db.updateTable('integrations').set(changes).where('role', '=', forRole).executeTakeFirst();
  if (result.numUpdatedRows === 0n) {
    throw new StoreError('not_found', `no ${forRole} integration is configured`);
  }
}

/** Enables or disables the role's integration; a role with none configured is a StoreError. */
export function setIntegrationEnabled(db: Kysely<Database>, forRole: Role, enabled: boolean): Promise<void> {
  return update(db, forRole, { enabled: enabled ? 1 : 0, updated_at: nowIso() });
}

/**
 * Configures the role's integration (replacing any earlier one): enabled, status `unchecked`,
 * history cleared. `encryptedSecrets` is the secret box's blob, or null for a provider without secrets.
 * `invalidBecause` stores it `invalid` at once, with that message (credentials that were dropped).
 */
export async function setIntegration(
  db: Kysely<Database>,
  forRole: Role,
  provider: ProviderName,
  integrationSettings: Readonly<Record<string, string>>,
  encryptedSecrets: string | null,
  invalidBecause?: string,
): Promise<void> {
  const row: IntegrationsTable = {
    role: forRole,
    provider,
    enabled: 1,
    status: invalidBecause !== undefined ? 'invalid' : provider === 'builtin' ? 'ok' : 'unchecked',
    status_message: invalidBecause ?? null,
    settings: JSON.stringify(integrationSettings),
    secrets: encryptedSecrets,
    last_success_at: null,
    last_failure_at: null,
    last_error: null,
    updated_at: nowIso(),
  };
  const { role: _role, ...changes } = row;
  await db
    .insertInto('integrations')
    .values(row)
    .onConflict((oc) => oc.column('role').doUpdateSet(changes))
    .execute();
}

/**
 * Disconnects the role's service: the role goes back to the built-in store (enabled, `ok`), and
 * its settings and sealed secrets are gone from the row, not kept aside. The role's consents under
 * way are voided with it (their callbacks would connect it again). The access tokens those
 * secrets earned are the caller's to drop (dropUnusedTokens). A role with none configured is a StoreError.
 */
export async function disconnectIntegration(db: Kysely<Database>, forRole: Role): Promise<void> {
  await update(db, forRole, {
    provider: 'builtin',
    enabled: 1,
    status: 'ok',
    status_message: null,
    settings: '{}',
    secrets: null,
    last_success_at: null,
    last_failure_at: null,
    last_error: null,
    updated_at: nowIso(),
  });
  await voidOAuthStates(db, [forRole]);
}

/** Removes the role's integration: its blocks then end in `integration_invalid`. */
export async function removeIntegration(db: Kysely<Database>, forRole: Role): Promise<void> {
  const result = await db.deleteFrom('integrations').where('role', '=', forRole).executeTakeFirst();
  if (result.numDeletedRows === 0n) {
    throw new StoreError('not_found', `no ${forRole} integration is configured`);
  }
}

/** Credentials were refused for good: the admin sees `invalid` and why, and calls stop until it is fixed. */
export function markIntegrationInvalid(db: Kysely<Database>, forRole: Role, message: string): Promise<void> {
  const at = nowIso();
  return update(db, forRole, { status: 'invalid', status_message: message, last_failure_at: at, last_error: message });
}

/**
 * Records how a call (or a check) went. Success also proves the credentials work, so the status
 * becomes `ok` again; a failure leaves the status alone — a timeout says nothing about credentials.
 */
export function recordIntegrationResult(db: Kysely<Database>, forRole: Role, ok: boolean, error?: string): Promise<void> {
  const at = nowIso();
  return update(db, forRole, ok ? { status: 'ok', status_message: null, last_success_at: at } : { last_failure_at: at, last_error: error ?? 'unknown error' });
}

/**
 * Records what a check of the credentials found (`renkei integrations check`, the admin API):
 * refused credentials mark the integration invalid, any other failure (a timeout) is only noted.
 */
export function recordIntegrationCheck(db: Kysely<Database>, forRole: Role, check: IntegrationCheck): Promise<void> {
  if (check.ok) return recordIntegrationResult(db, forRole, true);
  if (check.invalid) return markIntegrationInvalid(db, forRole, check.message);
  return recordIntegrationResult(db, forRole, false, check.message);
}
