import { CompiledQuery } from 'kysely';
import type { AdvanceWriter } from './advance-writer.ts';
import { VersionConflict, writeAdvance } from '../conversations.ts';
import { eventRows, visitorStatusOf } from '../events.ts';
import { hasTeamEffects } from '../handoffs.ts';
import { CONVERSATION_CHANNEL, EFFECTS_CHANNEL } from '../notify.ts';
import { effectRow } from '../outbox.ts';

/**
 * The function of migration 003-postgres-turn. One statement outside any explicit transaction is
 * its own transaction: the update, the events, the effect and the notifications commit together,
 * in one round trip instead of six (begin, update, insert, notify, commit — and a second notify
 * when an effect is queued).
 */
const ADVANCE = `select renkei_advance_conversation($1, $2, $3, $4, $5, $6, $7, $8::text[], $9::text[], $10::jsonb, $11, $12) as written`;

/**
 * PostgreSQL: a turn's write in one round trip, through renkei_advance_conversation. A turn that
 * also tells the team (a hand-off entering the inbox, a record created) is rare and writes more
 * tables: it takes the transaction of writeAdvance instead, so all of it commits together.
 */
export const postgresAdvance: AdvanceWriter = async (store, row, result, drafts, timing) => {
  if (hasTeamEffects(result, drafts)) return store.transact((trx) => writeAdvance(trx, row, result, drafts, timing));
  const at = timing.now.toISOString();
  const lastSeq = row.last_seq + drafts.length;
  const events = eventRows(row.id, row.last_seq + 1, at, drafts);
  const effect = result.effect ? JSON.stringify(effectRow({ id: row.id, botVersion: row.bot_version }, result.effect, timing.now, timing.deadlineMs)) : null;
  const { notifications } = store;
  const parameters = [
    row.id,
    row.row_version,
    JSON.stringify(result.state),
    visitorStatusOf(result.state.status),
    row.row_version + 1,
    lastSeq,
    at,
    events.map((e) => e.type),
    events.map((e) => e.payload),
    effect,
    notifications.databaseChannel(CONVERSATION_CHANNEL),
    notifications.databaseChannel(EFFECTS_CHANNEL),
  ];
  // Straight to the pool (Store.queryNow): Kysely's executor cost the call more CPU than pg's own work.
  const { rows } = store.queryNow ? await store.queryNow(ADVANCE, parameters) : await store.db.executeQuery(CompiledQuery.raw(ADVANCE, parameters));
  if ((rows[0] as { written?: unknown } | undefined)?.written !== true) throw new VersionConflict(row.id);
  return { firstSeq: row.last_seq + 1, lastSeq };
};
