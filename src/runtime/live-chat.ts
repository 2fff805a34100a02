import type { Transaction } from 'kysely';
import { hotQuery } from '../store/kysely/hot-query.ts';
import type { Database } from '../store/schema.ts';
import { RuntimeError, type TurnView } from './api.ts';
import type { RuntimeContext } from './context.ts';
import { insertEventRows, type ConversationRow } from './conversations.ts';
import { eventRows, type EventDraft, type EventRow } from './events.ts';

/** Hand-off statuses in which the visitor and an agent may still talk. */
export const OPEN_HANDOFF = ['waiting', 'claimed'] as const;

/** Every line of a live chat runs these: built once (see hotQuery). */
const raiseLastSeq = hotQuery<{ last_seq: number }>((db, [count, one, at, id, status]) =>
  db
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '+', count as number), row_version: eb('row_version', '+', one as number), updated_at: at as string }))
    .where('id', '=', id as string)
    .where('status', '=', status as ConversationRow['status'])
    .returning('last_seq'),
);

/**
 * Appends events to a handed-off conversation without the engine: the visitor's and the agent's
 * lines. The row's `last_seq` is raised in one UPDATE … RETURNING (which holds the row until commit), so lines
 * written at once by the visitor and the agent on different processes each get their own seq and
 * neither has to retry. Undefined when the conversation is no longer handed off.
 */
export async function appendLive(
  trx: Transaction<Database>,
  conversationId: string,
  drafts: readonly EventDraft[],
  now: Date,
): Promise<{ firstSeq: number; lastSeq: number; rows: EventRow[] } | undefined> {
  const at = now.toISOString();
  const row = (await raiseLastSeq(trx, [drafts.length, 1, at, conversationId, 'handoff'])).rows[0];
  if (!row) return undefined;
  const firstSeq = row.last_seq - drafts.length + 1;
  const rows = eventRows(conversationId, firstSeq, at, drafts);
  await insertEventRows(trx, rows);
  return { firstSeq, lastSeq: row.last_seq, rows };
}

/** The visitor's line while a person has (or will have) the conversation: kept in the transcript, the agent woken. */
export async function visitorLine(ctx: RuntimeContext, row: ConversationRow, text: string): Promise<TurnView> {
  const written = await ctx.store.transact(async (trx) => {
    const handoff = await trx
      .selectFrom('handoffs')
      .select('status')
      .where('conversation_id', '=', row.id)
      .where('status', 'in', OPEN_HANDOFF)
      .executeTakeFirst();
    // A conversation handed off before the inbox existed has nobody to read it: over, as it was then.
    if (!handoff) return undefined;
    const appended = await appendLive(trx, row.id, [{ type: 'visitor', text }], ctx.clock.now());
    if (appended) await ctx.notifier.conversationChanged(trx, row.id, appended.rows);
    return appended;
  });
  if (!written) throw new RuntimeError('conversation_over', 'the conversation is over (handoff)');
  return { conversationId: row.id, status: 'handoff', messages: [], records: [], input: null, lastEventId: written.lastSeq };
}
