import type { Store } from '../store.ts';
import { HOLDERS } from './holders.ts';

/**
 * Retention's deletions, one bounded batch per call: a batch is one short transaction, so on
 * SQLite (one writer) visitor turns wait at most one batch, and on PostgreSQL it locks only the
 * rows it deletes. The caller (runtime/retention.ts) sizes the batches and paces them.
 */

/** Rows one batch deleted, by table. */
export type Purged = Readonly<Record<string, number>>;

/**
 * Deletes up to `limit` finished conversations last active before `cutoff` (ISO-8601), with
 * everything that hangs off them. A conversation still open (waiting for the visitor or a person)
 * or waiting on an effect is never taken: only `ended` ones with no unfinished effect.
 */
export async function purgeConversations(store: Store, cutoff: string, limit: number): Promise<Purged & { readonly conversations: number }> {
  return store.db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('conversations')
      .select('id')
      .where('status', '=', 'ended')
      // The hour narrows the index scan (conversations_status_updated_hour); updated_at decides.
      .where('updated_hour', '<=', cutoff.slice(0, 13))
      .where('updated_at', '<', cutoff)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('effects').select('effects.id').whereRef('effects.conversation_id', '=', 'conversations.id').where('effects.status', '!=', 'done'),
          ),
        ),
      )
      // The index's own order, so the scan stops at the limit: ordering by updated_at as well would
      // sort every expired conversation (100,000 of them) on each batch.
      .orderBy('updated_hour')
      .limit(limit);
    // Two processes purging at once take different conversations instead of waiting on each other.
    if (store.dialect === 'postgres') query = query.forUpdate().skipLocked();
    const ids = (await query.execute()).map((r) => r.id);
    const purged: Record<string, number> = {};
    if (ids.length === 0) return { ...purged, conversations: 0 };
    for (const holder of [...HOLDERS].reverse()) {
      if (holder.purgeConversations) purged[holder.table] = await holder.purgeConversations(trx, ids);
    }
    return { ...purged, conversations: purged['conversations'] ?? 0 };
  });
}

/** Deletes up to `limit` built-in records of each table created before `cutoff`. */
export async function purgeRecords(store: Store, cutoff: string, limit: number): Promise<Purged> {
  return store.db.transaction().execute(async (trx) => {
    const purged: Record<string, number> = {};
    for (const holder of [...HOLDERS].reverse()) {
      if (holder.expireRecords) purged[holder.table] = await holder.expireRecords(trx, cutoff, limit);
    }
    return purged;
  });
}
