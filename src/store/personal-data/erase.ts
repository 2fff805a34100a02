import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit, type AuditEntry } from '../audit.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { EMPTY_SECTION } from './holder.ts';
import { externalRecord, externalRecordsOf, findPerson, subjectView, type ExternalRecord } from './find.ts';
import { HOLDERS } from './holders.ts';
import { describeSubject, type Subject } from './subject.ts';

export const erasure = z
  .object({
    subject: subjectView,
    erasedAt: z.string(),
    removed: z
      .record(z.string(), z.number().int())
      .describe(
        'Rows removed or redacted per section. Conversations and effects are redacted (their rows stay, empty of the visitor, so analytics keep ' +
          'their counts); transcript lines and built-in records are deleted; attempt logs lose their messages.',
      ),
    externalRecords: z.array(externalRecord).describe('What the erased conversations created in other services: erase it there too.'),
  })
  .meta({ id: 'PersonalDataErasure' });
export type Erasure = z.infer<typeof erasure>;

export interface EraseOptions {
  readonly at?: Date;
  /** Who asked, recorded in the audit log in the same transaction as the erasure. */
  readonly audit: Omit<AuditEntry, 'action' | 'details' | 'target'>;
  /** Runs inside the transaction for each erased conversation (the runtime wakes its open streams). */
  readonly onConversationErased?: (trx: Transaction<Database>, conversationId: string) => Promise<void>;
}

/**
 * Erases everything Renkei holds about the subject in one transaction, and records that it did
 * (never whom) in the audit log in the same transaction. The search runs first, outside it, a page
 * at a time; the transaction then only touches the rows found. On SQLite the write-ahead log is
 * checkpointed and truncated afterwards and `secure_delete` is on, so the erased bytes are gone
 * from the files, not only from the tables.
 */
export async function erasePerson(store: Store, subject: Subject, options: EraseOptions): Promise<Erasure & { readonly filesScrubbed: boolean }> {
  const at = options.at ?? new Date();
  const found = await findPerson(store.db, subject);
  const externalRecords = externalRecordsOf(found);
  const removed = await store.transact(async (trx) => {
    const counts: Record<string, number> = {};
    for (const holder of [...HOLDERS].reverse()) {
      counts[holder.section] = await holder.erase(trx, found.sections.get(holder.section) ?? EMPTY_SECTION, found, at);
    }
    for (const id of found.conversations) await options.onConversationErased?.(trx, id);
    await recordAudit(
      trx,
      {
        ...options.audit,
        action: 'personal_data.erase',
        target: `person:${subject.kind}`,
        details: { by: subject.kind, removed: orderedCounts(counts), externalRecords: externalRecords.map(pointerOf) },
      },
      at,
    );
    return orderedCounts(counts);
  });
  const filesScrubbed = await scrubFiles(store);
  return { subject: describeSubject(subject), erasedAt: at.toISOString(), removed, externalRecords, filesScrubbed };
}

/** Counts in the holders' (reading) order. */
function orderedCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(HOLDERS.map((h) => [h.section, counts[h.section] ?? 0]));
}

/** What the audit log keeps of an external record: where to erase it, nothing about whom. */
function pointerOf(record: ExternalRecord): Record<string, string | null> {
  return {
    provider: record.provider,
    role: record.role,
    action: record.action,
    recordId: record.recordId,
    number: record.number,
    destination: record.destination,
  };
}

/**
 * SQLite keeps the pages a transaction wrote in its write-ahead log until a checkpoint copies them
 * into the database file, and the old versions of erased rows with them. A TRUNCATE checkpoint
 * copies everything and empties the log; it waits (busy timeout) for readers, and reports whether
 * it completed. PostgreSQL's files are the server's to manage (vacuum; see docs/operating.md).
 */
export async function scrubFiles(store: Store): Promise<boolean> {
  if (store.dialect !== 'sqlite') return true;
  const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(truncate)`.execute(store.db);
  return rows[0]?.busy === 0;
}
