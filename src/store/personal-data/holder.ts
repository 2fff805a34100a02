import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { Subject } from './subject.ts';

/**
 * A table that may hold a visitor's personal data, and everything find, export, erasure and
 * retention need to know about it. The holders are listed in holders.ts; a new table that stores
 * what visitors type (or what is derived from it) gets a holder there, and nothing else changes.
 */
export interface Holder {
  /** The table it holds. */
  readonly table: keyof Database;
  /** The section of the export document this table's rows go to (camelCase). */
  readonly section: string;
  /**
   * The conversations whose rows in this table mention the subject: what the visitor typed, the
   * variables the bot collected. Scanned a page at a time (see scan.ts), so a search never holds
   * the database for long. Holders whose rows only follow from a conversation have none.
   */
  readonly conversationsMentioning?: (db: Kysely<Database>, subject: Subject) => Promise<ReadonlySet<string>>;
  /** This table's rows about the person: those of their conversations, and any that mention the subject. */
  readonly collect: (db: Kysely<Database>, found: Found) => Promise<Section>;
  /**
   * Removes or irreversibly redacts what `collect` found, inside the erasure's one transaction;
   * answers how many rows it removed or redacted. Rows that aggregate counts (analytics) are made
   * of are redacted, not removed, so the counts stay.
   */
  readonly erase: (trx: Transaction<Database>, section: Section, found: Found, at: Date) => Promise<number>;
  /** Retention: deletes this table's rows of these expired conversations, inside the batch's transaction. */
  readonly purgeConversations?: (trx: Transaction<Database>, conversationIds: readonly string[]) => Promise<number>;
  /** Retention of the built-in records: deletes up to `limit` rows created before `cutoff` (ISO-8601). */
  readonly expireRecords?: (trx: Transaction<Database>, cutoff: string, limit: number) => Promise<number>;
}

/** What one holder found. */
export interface Section {
  /** The rows as the export document shows them: camelCase, JSON columns parsed. */
  readonly rows: readonly Record<string, unknown>[];
  /** The rows' primary keys, for the erasure and for holders that follow this one. */
  readonly keys: readonly string[];
}

/** What the search found so far: later holders read earlier ones' sections (a contact's deals). */
export interface Found {
  readonly subject: Subject;
  /** The person's conversations: every one in which the subject was mentioned. */
  readonly conversations: readonly string[];
  readonly sections: ReadonlyMap<string, Section>;
}

export const EMPTY_SECTION: Section = { rows: [], keys: [] };

/** Keys of a section found earlier (empty when that holder found nothing). */
export function keysOf(found: Found, section: string): readonly string[] {
  return found.sections.get(section)?.keys ?? [];
}
