import type { Kysely, Selectable } from 'kysely';
import { BLOCKS, type BlockType } from '../blocks/index.ts';
import type { AdvanceResult, ConversationStatus, IntegrationTrace } from '../engine/types.ts';
import type { InputRequest } from '../vocabulary/input-request.ts';
import type { RecordEvent } from '../vocabulary/record-events.ts';
import { hotQuery } from '../store/kysely/hot-query.ts';
import { EVENT_BATCH, type ConversationEventsTable, type Database } from '../store/schema.ts';
import type { ConversationEvent, VisitorStatus } from './api.ts';

type WithoutPosition<E> = E extends unknown ? Omit<E, 'seq' | 'at'> : never;
/** An event before it is numbered and stamped. */
export type EventDraft = WithoutPosition<ConversationEvent>;

export function visitorStatusOf(status: ConversationStatus): VisitorStatus {
  return status === 'waiting_effect' ? 'working' : status;
}

/**
 * The events one advance appends: the bot's messages, a status event when the visitor-visible
 * status changed (`before` null: the conversation is new), and what the bot now waits for.
 */
export function draftsOf(result: AdvanceResult, before: VisitorStatus | null): EventDraft[] {
  const drafts: EventDraft[] = [];
  const record = result.integration && recordOf(result.integration);
  if (record) drafts.push(record);
  for (const message of result.messages) drafts.push({ type: 'message', message });
  const after = visitorStatusOf(result.state.status);
  if (after !== before) drafts.push({ type: 'status', status: after, reason: result.state.reason });
  if (result.input) drafts.push({ type: 'input', input: result.input });
  return drafts;
}

/** The record an integration created, told with the block's declared outputs only (never the service's messages). */
function recordOf(trace: IntegrationTrace): EventDraft | null {
  if (trace.outcome !== 'success' || !Object.hasOwn(BLOCKS, trace.action)) return null;
  const spec = BLOCKS[trace.action as BlockType].integration;
  if (!spec?.announces) return null;
  const data: Record<string, string> = {};
  for (const output of spec.outputs) {
    const value = trace.outputs[output];
    if (value !== undefined) data[output] = value;
  }
  return { type: 'record', event: spec.announces, data };
}

/** An event as stored. */
export type EventRow = Selectable<ConversationEventsTable>;

/**
 * The rows of a write's events, numbered from `firstSeq`: one row when the write appends several
 * (a batch, see ConversationEventsTable), as a visitor's turn does. An agent's line stays a row
 * of its own: the inbox looks the last one up by its type.
 */
export function eventRows(conversationId: string, firstSeq: number, at: string, drafts: readonly EventDraft[]): EventRow[] {
  if (drafts.length > 1 && !drafts.some((draft) => draft.type === 'agent')) {
    return [{ conversation_id: conversationId, seq: firstSeq + drafts.length - 1, type: EVENT_BATCH, payload: JSON.stringify(drafts), created_at: at }];
  }
  return drafts.map((draft, i) => {
    const { type, ...payload } = draft;
    return { conversation_id: conversationId, seq: firstSeq + i, type, payload: JSON.stringify(payload), created_at: at };
  });
}

/** A stored row's events as the API shows them. Rows are written only by eventRows, so their payload fits their type. */
export function eventsOf(row: EventRow): ConversationEvent[] {
  if (row.type !== EVENT_BATCH) return [eventOf(row.type, JSON.parse(row.payload) as Record<string, unknown>, row.seq, row.created_at)];
  const drafts = JSON.parse(row.payload) as Record<string, unknown>[];
  const first = row.seq - drafts.length + 1;
  return drafts.map((draft, i) => eventOf(draft['type'] as EventDraft['type'], draft, first + i, row.created_at));
}

function eventOf(type: EventDraft['type'], payload: Record<string, unknown>, seq: number, at: string): ConversationEvent {
  const base = { seq, at };
  switch (type) {
    case 'visitor':
      return { ...base, type: 'visitor', text: payload['text'] as string };
    case 'message': {
      const message = payload['message'] as Extract<ConversationEvent, { type: 'message' }>['message'];
      if (payload['from'] !== 'agent') return { ...base, type: 'message', message };
      return { ...base, type: 'message', message, from: 'agent', agentName: payload['agentName'] as string, text: message.text };
    }
    case 'agent':
      return { ...base, type: 'agent', action: payload['action'] as 'joined' | 'left', agentName: payload['agentName'] as string };
    case 'input':
      return { ...base, type: 'input', input: payload['input'] as InputRequest };
    case 'status':
      return { ...base, type: 'status', status: payload['status'] as VisitorStatus, reason: (payload['reason'] as string | null) ?? null };
    case 'record':
      return { ...base, type: 'record', event: payload['event'] as RecordEvent, data: payload['data'] as Record<string, string> };
  }
}

/** The events of `rows` after `afterSeq` (a batch row may hold some at or before it), at most `limit`. */
function eventsAfter(rows: readonly EventRow[], afterSeq: number, limit = Infinity): ConversationEvent[] {
  const events: ConversationEvent[] = [];
  for (const row of rows) {
    for (const event of eventsOf(row)) {
      if (event.seq <= afterSeq) continue;
      if (events.length >= limit) return events;
      events.push(event);
    }
  }
  return events;
}

/** A stream's read of what is new: built once (see hotQuery), as every wake-up of every stream runs it. */
const selectPage = hotQuery<Selectable<ConversationEventsTable>>((db, [conversationId, afterSeq, limit]) =>
  db
    .selectFrom('conversation_events')
    .selectAll()
    .where('conversation_id', '=', conversationId as string)
    .where('seq', '>', afterSeq as number)
    .orderBy('seq')
    .limit(limit as number),
);

/** Events after `afterSeq` (up to `throughSeq` when given), oldest first. */
export async function readEvents(
  db: Kysely<Database>,
  conversationId: string,
  afterSeq: number,
  options: { readonly throughSeq?: number; readonly limit?: number } = {},
): Promise<ConversationEvent[]> {
  // Rows are keyed by their last event: `seq > afterSeq` finds every row holding an event after
  // afterSeq, and a limit of rows reads at least as many events (each row holds one or more).
  if (options.throughSeq === undefined && options.limit !== undefined) {
    return eventsAfter((await selectPage(db, [conversationId, afterSeq, options.limit])).rows, afterSeq, options.limit);
  }
  let query = db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', conversationId).where('seq', '>', afterSeq);
  // throughSeq is a conversation's last_seq, which ends a write: no batch row holds events on both sides of it.
  if (options.throughSeq !== undefined) query = query.where('seq', '<=', options.throughSeq);
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.orderBy('seq').execute();
  return eventsAfter(rows, afterSeq, options.limit);
}

/** What the conversation waits for: its newest input event, while it waits for the visitor. */
export function currentInput(status: VisitorStatus, events: readonly ConversationEvent[]): InputRequest | null {
  if (status !== 'waiting_input') return null;
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.type === 'input') return event.input;
  }
  return null;
}
