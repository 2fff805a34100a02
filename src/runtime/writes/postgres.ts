import { CompiledQuery } from 'kysely';
import type { AdvanceWriter } from './advance-writer.ts';
import { VersionConflict, writeAdvance } from '../conversations.ts';
import { eventRows, visitorStatusOf } from '../events.ts';
import { hasTeamEffects } from '../handoffs.ts';
import { CONVERSATION_CHANNEL, EFFECTS_CHANNEL } from '../notify.ts';
import { effectRow } from '../outbox.ts';

/**
 * The function of migration 016. One statement outside any explicit transaction is its own
 * transaction: the update, the events' row, the effect and the notifications commit together, in
 * one round trip instead of six (begin, update, insert, notify, commit — and a second notify
 * when an effect is queued).
 */
const ADVANCE_TURN = 'select renkei_advance_turn($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)';

/**
 * PostgreSQL: a turn's write in one round trip, through renkei_advance_turn, which writes one row
 * of events — a visitor's turn has one (see eventRows). A turn that also tells the team (a
 * hand-off entering the inbox, a record created) is rare and writes more tables: it takes the
 * transaction of writeAdvance instead, so all of it commits together; so would a turn of any
 * other number of rows.
 */
export const postgresAdvance: AdvanceWriter = async (store, row, result, drafts, timing) => {
  const at = timing.now.toISOString();
  const events = eventRows(row.id, row.last_seq + 1, at, drafts);
  if (events.length !== 1 || hasTeamEffects(result, drafts)) return store.transact((trx) => writeAdvance(trx, row, result, drafts, timing));
  const lastSeq = row.last_seq + drafts.length;
  const { type, payload } = events[0]!;
  const effect = result.effect ? JSON.stringify(effectRow({ id: row.id, botVersion: row.bot_version }, result.effect, timing.now, timing.deadlineMs)) : null;
  const { notifications } = store;
  const parameters = [
    row.id,
    String(row.row_version),
    JSON.stringify(result.state),
    visitorStatusOf(result.state.status),
    String(lastSeq),
    at,
    type,
    payload,
    effect,
    notifications.databaseChannel(CONVERSATION_CHANNEL),
    notifications.databaseChannel(EFFECTS_CHANNEL),
  ];
  // Straight to the pool (Store.queryNow): Kysely's executor and pg's query object cost the call
  // more CPU than its trip. The answer is the function's boolean, as text.
  const written = store.queryNow
    ? (await store.queryNow(ADVANCE_TURN, parameters))[0]?.[0] === 't'
    : (await store.db.executeQuery<{ written: unknown }>(CompiledQuery.raw(`${ADVANCE_TURN} as written`, parameters))).rows[0]?.written === true;
  if (!written) throw new VersionConflict(row.id);
  return { firstSeq: row.last_seq + 1, lastSeq };
};
