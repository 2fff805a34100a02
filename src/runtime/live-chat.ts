import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import { RuntimeError, type TurnView } from './api.ts';
import type { RuntimeContext } from './context.ts';
import type { ConversationRow } from './conversations.ts';
import { eventRows, type EventDraft } from './events.ts';

/** Hand-off statuses in which the visitor and an agent may still talk. */
export const OPEN_HANDOFF = ['waiting', 'claimed'] as const;

/**
 * Appends events to a handed-off conversation without the engine: the visitor's and the agent's
 * lines. The row's `last_seq` is raised in one UPDATE (which holds the row until commit), so lines
 * written at once by the visitor and the agent on different processes each get their own seq and
 * neither has to retry. Undefined when the conversation is no longer handed off.
 */
export async function appendLive(
  trx: Transaction<Database>,
  conversationId: string,
  drafts: readonly EventDraft[],
  now: Date,
): Promise<{ firstSeq: number; lastSeq: number } | undefined> {
  const at = now.toISOString();
  const updated = await trx
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '+', drafts.length), row_version: eb('row_version', '+', 1), updated_at: at }))
    .where('id', '=', conversationId)
    .where('status', '=', 'handoff')
    .executeTakeFirst();
  if (!updated.numUpdatedRows) return undefined;
  const row = await trx.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirstOrThrow();
  const firstSeq = row.last_seq - drafts.length + 1;
  await trx
    .insertInto('conversation_events')
    .values(eventRows(conversationId, firstSeq, at, drafts))
    .execute();
  return { firstSeq, lastSeq: row.last_seq };
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
    if (appended) await ctx.notifier.conversationChanged(trx, row.id);
    return appended;
  });
  if (!written) throw new RuntimeError('conversation_over', 'the conversation is over (handoff)');
  return { conversationId: row.id, status: 'handoff', messages: [], records: [], input: null, lastEventId: written.lastSeq };
}
