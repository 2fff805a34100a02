import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * How long Renkei keeps what visitors left behind, as the admin set it (the `settings` table) or
 * the environment fixed it (a headless installation; the environment wins and the admin cannot
 * change it there).
 *
 * - `conversations`: a finished conversation, its transcript, its integration calls and their log
 *   are deleted this many days after its last activity.
 * - `records`: the built-in store's leads, contacts, deals, tickets and subscribers are deleted
 *   this many days after they were created.
 * - `idle`: a conversation left waiting for the visitor's answer this many days is closed, so that
 *   `conversations` applies to it in turn (a conversation still open is never deleted).
 *
 * `null` is "keep": never delete, never close.
 */
export const RETENTION_KINDS = ['conversations', 'records', 'idle'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Whole days, or null to keep for ever. */
export type Days = number | null;
export type RetentionPolicy = { readonly [K in RetentionKind]: Days };

export const RETENTION_DEFAULTS: RetentionPolicy = { conversations: 365, records: null, idle: 30 };

/** Longest period accepted: a hundred years is "keep" in all but name. */
export const MAX_DAYS = 36_500;

export const RETENTION_SOURCES = ['default', 'admin', 'environment'] as const;
export type RetentionSource = (typeof RETENTION_SOURCES)[number];

export type RetentionSettings = { readonly [K in RetentionKind]: { readonly days: Days; readonly source: RetentionSource } };

const KEY: Record<RetentionKind, string> = {
  conversations: 'retention.conversations_days',
  records: 'retention.records_days',
  idle: 'retention.idle_days',
};

/** A stored or given value: a whole number of days from 1 to MAX_DAYS, or `keep`. Undefined when it is neither. */
export function parseDays(text: string): Days | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'keep') return null;
  if (!/^\d+$/.test(value)) return undefined;
  const days = Number(value);
  return days >= 1 && days <= MAX_DAYS ? days : undefined;
}

export const formatDays = (days: Days): string => (days === null ? 'keep' : String(days));

/** The settings in force: the environment's, else the admin's, else the defaults. */
export async function readRetention(db: Kysely<Database>, fromEnvironment: Partial<RetentionPolicy> = {}): Promise<RetentionSettings> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', Object.values(KEY)).execute();
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  const setting = (kind: RetentionKind) => {
    if (fromEnvironment[kind] !== undefined) return { days: fromEnvironment[kind], source: 'environment' as const };
    const text = stored.get(KEY[kind]);
    const days = text === undefined ? undefined : parseDays(text);
    return days === undefined ? { days: RETENTION_DEFAULTS[kind], source: 'default' as const } : { days, source: 'admin' as const };
  };
  return { conversations: setting('conversations'), records: setting('records'), idle: setting('idle') };
}

export function policyOf(settings: RetentionSettings): RetentionPolicy {
  return { conversations: settings.conversations.days, records: settings.records.days, idle: settings.idle.days };
}

/** Stores the admin's choices (the kinds given). */
export async function saveRetention(db: Kysely<Database>, changes: Partial<RetentionPolicy>): Promise<void> {
  for (const kind of RETENTION_KINDS) {
    const days = changes[kind];
    if (days === undefined) continue;
    const value = formatDays(days);
    await db
      .insertInto('settings')
      .values({ key: KEY[kind], value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
}
