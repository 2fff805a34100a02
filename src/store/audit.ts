import { sql, type Kysely, type SqlBool } from 'kysely';
import { newId } from './keys.ts';
import { pageOf, type Page } from './paging.ts';
import type { AuditLogTable, Database } from './schema.ts';

/**
 * The audit log: who did what to the installation, when, and from which address. Rows are only
 * ever inserted — the database refuses UPDATE and DELETE (migration 006) — so this module has no
 * other write, and neither does any other.
 */

/** What the log records. A new kind of admin action gets its name here. */
export const AUDIT_ACTIONS = [
  'bot.save',
  'bot.publish',
  'bot.rollback',
  'integration.connect',
  'integration.connected',
  'integration.change',
  'integration.enable',
  'integration.disable',
  'integration.disconnect',
  'personal_data.find',
  'personal_data.export',
  'personal_data.erase',
  'retention.change',
  'audit.export',
  'account.sign_in',
  'account.sign_out',
  'account.create',
  'account.change',
  'account.invite',
  'account.password',
  'account.invitation_accepted',
  'business_hours.change',
  'event_webhook.create',
  'event_webhook.delete',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * What a change of a role's integration keeps (the admin API's and the CLI's alike): the provider
 * and the settings given, and whether secrets were — never a secret's value. Setting the built-in
 * store is a disconnect.
 */
export function integrationChange(role: string, provider: unknown, settings: unknown, secretsChanged: boolean): Omit<AuditEntry, 'actor' | 'address'> {
  return {
    action: provider === 'builtin' ? 'integration.disconnect' : 'integration.change',
    target: `integration:${role}`,
    details: { provider, settings: settings !== null && typeof settings === 'object' ? settings : {}, secretsChanged },
  };
}

export const ACTOR_KINDS = ['token', 'account', 'cli', 'system'] as const satisfies readonly AuditLogTable['actor_kind'][];
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Who acted: the admin token, a signed-in account (id and email), the CLI (the OS user), or Renkei itself. */
export interface Actor {
  readonly kind: ActorKind;
  readonly id?: string | null;
  readonly name?: string | null;
}

export interface AuditEntry {
  readonly actor: Actor;
  /** The client's address (HTTP), or null (CLI, system). */
  readonly address?: string | null;
  readonly action: AuditAction;
  /** What it was done to: `bot:support`, `integration:crm` … */
  readonly target?: string | null;
  /** What changed. Never a secret, never the personal data an action was about. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditRecord {
  readonly id: string;
  readonly at: string;
  readonly actor: { readonly kind: ActorKind; readonly id: string | null; readonly name: string | null };
  readonly address: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly details: Record<string, unknown>;
}

/** Appends one entry; inside the caller's transaction when given one, so it commits with what it records. */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry, at: Date = new Date()): Promise<AuditRecord> {
  const row: AuditLogTable = {
    id: newId(),
    at: at.toISOString(),
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id ?? null,
    actor_name: entry.actor.name ?? null,
    address: entry.address ?? null,
    action: entry.action,
    target: entry.target ?? null,
    details: JSON.stringify(entry.details ?? {}),
  };
  await db.insertInto('audit_log').values(row).execute();
  return recordOf(row);
}

export interface AuditFilter {
  readonly action?: string;
  readonly actorKind?: ActorKind;
  /** Text found (case-insensitively) in the actor's id or name. */
  readonly actor?: string;
  /** ISO-8601: entries at or after this time. */
  readonly since?: string;
  /** ISO-8601: entries before this time. */
  readonly until?: string;
}

function filtered(db: Kysely<Database>, filter: AuditFilter) {
  let query = db.selectFrom('audit_log');
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.actorKind !== undefined) query = query.where('actor_kind', '=', filter.actorKind);
  if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('at', '<', filter.until);
  if (filter.actor !== undefined && filter.actor.trim() !== '') {
    const pattern = `%${filter.actor
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // SQLite has no default escape character for LIKE: name it, as records.ts does.
    query = query.where(sql<SqlBool>`(lower(actor_name) like ${pattern} escape '\\' or lower(actor_id) like ${pattern} escape '\\')`);
  }
  return query;
}

/** Entries matching the filter, newest first, with how many match in all. */
export async function listAudit(db: Kysely<Database>, filter: AuditFilter & Page = {}): Promise<{ readonly items: AuditRecord[]; readonly total: number }> {
  const { limit, offset } = pageOf(filter, 50);
  const rows = await filtered(db, filter).selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
  const { n } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .executeTakeFirstOrThrow();
  return { items: rows.map(recordOf), total: Number(n) };
}

/**
 * Every entry matching the filter, newest first, read a page at a time (an export of a long log
 * never holds the database, nor all of it in memory).
 */
export async function* allAudit(db: Kysely<Database>, filter: AuditFilter = {}, pageSize = 500): AsyncGenerator<AuditRecord> {
  let after: { at: string; id: string } | undefined;
  for (;;) {
    let query = filtered(db, filter).selectAll();
    if (after) {
      const { at, id } = after;
      query = query.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
    }
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(pageSize).execute();
    for (const row of rows) yield recordOf(row);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
  }
}

function recordOf(row: AuditLogTable): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    address: row.address,
    action: row.action,
    target: row.target,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}
