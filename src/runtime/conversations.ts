import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { AdvanceResult, ConversationState } from '../engine/types.ts';
import { hotQuery } from '../store/kysely/hot-query.ts';
import type { ConversationEventsTable, ConversationsTable, Database } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { RuntimeError } from './api.ts';
import { eventRows, visitorStatusOf, type EventDraft } from './events.ts';
import type { Notifier } from './notify.ts';
import { recordTeamEffects } from './handoffs.ts';
import { insertEffect } from './outbox.ts';
import { tokenOpens } from './tokens.ts';

/** A conversation's row as the runtime reads it: updated_hour is the indexes' business. */
export type ConversationRow = Omit<Selectable<ConversationsTable>, 'updated_hour'>;

/** Another writer changed the conversation between our read and our write. */
export class VersionConflict extends Error {
  constructor(conversationId: string) {
    super(`conversation ${conversationId} was changed by another writer`);
    this.name = 'VersionConflict';
  }
}

const selectConversation = hotQuery<ConversationRow>((db, [id]) =>
  db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id as string),
);

/** selectConversation's SQL on SQLite, for a read without Kysely (Store.readSoon). */
const SELECT_CONVERSATION = 'select * from "conversations" where "id" = ?';
/**
 * The row on PostgreSQL (Store.queryNow), its columns named: the statement's answer is their
 * text in this order (no row description is asked for). updated_hour, which only the indexes
 * read, stays behind.
 */
const SELECT_CONVERSATION_PG =
  'select "id", "bot_id", "bot_version", "token_hash", "state", "status", "row_version", "last_seq", "locale", "created_at", "updated_at" from "conversations" where "id" = $1';

/** A row of SELECT_CONVERSATION_PG (every column is not null). */
function conversationOf(fields: readonly (string | null)[]): ConversationRow {
  const [id, botId, botVersion, tokenHash, state, status, rowVersion, lastSeq, locale, createdAt, updatedAt] = fields as readonly string[];
  return {
    id: id!,
    bot_id: botId!,
    bot_version: Number(botVersion),
    token_hash: tokenHash!,
    state: state!,
    status: status as ConversationRow['status'],
    row_version: Number(rowVersion),
    last_seq: Number(lastSeq),
    locale: locale!,
    created_at: createdAt!,
    updated_at: updatedAt!,
  };
}

/**
 * The conversation's row. With `store`, a turn's first statement skips Kysely's executor, whose
 * promises and objects around a statement cost more CPU than the statement: on SQLite read with
 * the other turns' reads of the moment, on PostgreSQL sent straight to the pool.
 */
export async function loadConversation(db: Kysely<Database>, id: string, store?: Pick<Store, 'readSoon' | 'queryNow'>): Promise<ConversationRow | undefined> {
  if (store?.readSoon) return (await store.readSoon(SELECT_CONVERSATION, [id]))[0] as ConversationRow | undefined;
  if (store?.queryNow) {
    const [fields] = await store.queryNow(SELECT_CONVERSATION_PG, [id]);
    return fields && conversationOf(fields);
  }
  return (await selectConversation(db, [id])).rows[0];
}

/** The turn's write: the new state, only if nobody wrote since the row was read. */
const updateConversation = hotQuery((db, [state, status, rowVersion, lastSeq, updatedAt, id, readVersion]) =>
  db
    .updateTable('conversations')
    .set({
      state: state as string,
      status: status as ConversationsTable['status'],
      row_version: rowVersion as number,
      last_seq: lastSeq as number,
      updated_at: updatedAt as string,
    })
    .where('id', '=', id as string)
    .where('row_version', '=', readVersion as number),
);

const EVENT_COLUMNS = 5;
/** Events are appended in batches of a few rows: one compiled statement per batch size. */
const insertEvents = hotQuery((db, values) => {
  const rows: Insertable<ConversationEventsTable>[] = [];
  for (let i = 0; i < values.length; i += EVENT_COLUMNS) {
    const [conversation_id, seq, type, payload, created_at] = values.slice(i, i + EVENT_COLUMNS);
    rows.push({
      conversation_id: conversation_id as string,
      seq: seq as number,
      type: type as ConversationEventsTable['type'],
      payload: payload as string,
      created_at: created_at as string,
    });
  }
  return db.insertInto('conversation_events').values(rows);
});

/** Appends numbered events (see eventRows) with the turn's compiled insert. */
export async function insertEventRows(trx: Transaction<Database>, rows: readonly Insertable<ConversationEventsTable>[]): Promise<void> {
  const values = rows.flatMap((r) => [r.conversation_id, r.seq, r.type, r.payload, r.created_at]);
  await insertEvents(trx, values, rows.length);
}

/**
 * The conversation that `token` opens. A missing conversation and a wrong token are the same
 * error, so a token never tells whether another conversation exists.
 */
export async function openConversation(
  db: Kysely<Database>,
  id: string,
  token: string,
  store?: Pick<Store, 'readSoon' | 'queryNow'>,
): Promise<ConversationRow> {
  const row = await loadConversation(db, id, store);
  if (!tokenOpens(row?.token_hash, token) || !row) throw new RuntimeError('conversation_not_found', 'no such conversation');
  return row;
}

/** The engine state of a row; written only by this module, from the engine's own output. */
export function stateOf(row: ConversationRow): ConversationState {
  return JSON.parse(row.state) as ConversationState;
}

export interface Written {
  /** The seq of the first event written (the turn's start). */
  readonly firstSeq: number;
  readonly lastSeq: number;
}

/** What a write needs besides the rows: its time, the block deadline for a new effect, and who to wake on commit. */
export interface WriteContext {
  readonly now: Date;
  readonly deadlineMs: number;
  readonly notifier: Notifier;
  /** Whether hand-offs are e-mailed to the team (SMTP is configured). */
  readonly mailTeam?: boolean;
}

/** A new conversation with its first events (and effect), inside the caller's transaction. */
export async function insertConversation(
  trx: Transaction<Database>,
  conversation: { readonly id: string; readonly botId: string; readonly botVersion: number; readonly tokenHash: string; readonly locale: string },
  result: AdvanceResult,
  drafts: readonly EventDraft[],
  timing: WriteContext,
): Promise<Written> {
  const at = timing.now.toISOString();
  await trx
    .insertInto('conversations')
    .values({
      id: conversation.id,
      bot_id: conversation.botId,
      bot_version: conversation.botVersion,
      token_hash: conversation.tokenHash,
      state: JSON.stringify(result.state),
      status: visitorStatusOf(result.state.status),
      row_version: 1,
      last_seq: drafts.length,
      locale: conversation.locale,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return appendRest(trx, { id: conversation.id, botId: conversation.botId, botVersion: conversation.botVersion }, 0, result, drafts, timing);
}

/**
 * Applies an advance to the row that was read (`row`), inside the caller's transaction: the new
 * state only if nobody wrote since (`row_version`), else VersionConflict and the caller rolls back.
 * Then the events and the effect, so that all of it commits or none of it does.
 */
export async function writeAdvance(
  trx: Transaction<Database>,
  row: ConversationRow,
  result: AdvanceResult,
  drafts: readonly EventDraft[],
  timing: WriteContext,
): Promise<Written> {
  const updated = await updateConversation(trx, [
    JSON.stringify(result.state),
    visitorStatusOf(result.state.status),
    row.row_version + 1,
    row.last_seq + drafts.length,
    timing.now.toISOString(),
    row.id,
    row.row_version,
  ]);
  if (!updated.numAffectedRows) throw new VersionConflict(row.id);
  return appendRest(trx, { id: row.id, botId: row.bot_id, botVersion: row.bot_version }, row.last_seq, result, drafts, timing);
}

async function appendRest(
  trx: Transaction<Database>,
  conversation: { readonly id: string; readonly botId: string; readonly botVersion: number },
  lastSeq: number,
  result: AdvanceResult,
  drafts: readonly EventDraft[],
  timing: WriteContext,
): Promise<Written> {
  const at = timing.now.toISOString();
  const rows = eventRows(conversation.id, lastSeq + 1, at, drafts);
  if (rows.length > 0) await insertEventRows(trx, rows);
  if (result.effect) {
    await insertEffect(trx, conversation, result.effect, timing.now, timing.deadlineMs);
    await timing.notifier.effectsQueued(trx);
  }
  await recordTeamEffects(trx, conversation, result, drafts, timing);
  await timing.notifier.conversationChanged(trx, conversation.id, rows);
  return { firstSeq: lastSeq + 1, lastSeq: lastSeq + drafts.length };
}
