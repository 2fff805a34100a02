import type { AdvanceWriter } from './advance-writer.ts';
import { VersionConflict, writeAdvance } from '../conversations.ts';
import { eventRows, visitorStatusOf } from '../events.ts';
import { hasTeamEffects } from '../handoffs.ts';

/** writeAdvance's update of the conversation, only if nobody wrote it since it was read. */
const UPDATE = 'update "conversations" set "state" = ?, "status" = ?, "row_version" = ?, "last_seq" = ?, "updated_at" = ? where "id" = ? and "row_version" = ?';

const EVENT_ROW = '(?, ?, ?, ?, ?)';
/** writeAdvance's insert of a turn's events, one statement per number of rows. */
const insertEvents = (rows: number): string =>
  `insert into "conversation_events" ("conversation_id", "seq", "type", "payload", "created_at") values ${Array<string>(rows).fill(EVENT_ROW).join(', ')}`;
const INSERTS = new Map<number, string>();

/**
 * SQLite: a turn's write in the group commit's batch, which shares one commit among the turns
 * that reached their write at the same moment (no round trips to save in-process). A turn that
 * queues an integration call or tells the team (rare) writes more tables: it runs the statements
 * of writeAdvance through Kysely. The others — nearly every turn — write the same rows with
 * prepared statements run at once (Store.transactSync): the Kysely executor's promises and
 * objects around each statement cost more CPU than SQLite takes to run it.
 */
export const sqliteAdvance: AdvanceWriter = (store, row, result, drafts, timing) => {
  if (!store.transactSync || result.effect || hasTeamEffects(result, drafts)) {
    return store.transact((trx) => writeAdvance(trx, row, result, drafts, timing));
  }
  const at = timing.now.toISOString();
  const lastSeq = row.last_seq + drafts.length;
  const state = JSON.stringify(result.state);
  const status = visitorStatusOf(result.state.status);
  const events = eventRows(row.id, row.last_seq + 1, at, drafts);
  return store.transactSync((trx) => {
    if (trx.run(UPDATE, [state, status, row.row_version + 1, lastSeq, at, row.id, row.row_version]) === 0) throw new VersionConflict(row.id);
    if (events.length > 0) {
      let insert = INSERTS.get(events.length);
      if (insert === undefined) INSERTS.set(events.length, (insert = insertEvents(events.length)));
      trx.run(
        insert,
        events.flatMap((e) => [e.conversation_id, e.seq, e.type, e.payload, e.created_at]),
      );
    }
    timing.notifier.conversationChangedOnCommit(trx, row.id, events);
    return { firstSeq: row.last_seq + 1, lastSeq };
  });
};
