import type { Holder } from './holder.ts';
import { affected, inChunks, scanPages, sumChunks } from './scan.ts';
import { mentions } from './subject.ts';

/*
 * What the hand-off to a person adds to a conversation: its place in the inbox (who holds it) and
 * the team's internal notes. The live chat itself is in the transcript (conversation_events): the
 * visitor's lines as `visitor` events, the agent's as `message` events.
 */

export const handoffsHolder: Holder = {
  table: 'handoffs',
  section: 'handoffs',
  async collect(db, found) {
    const rows = await inChunks(found.conversations, (chunk) =>
      db.selectFrom('handoffs').selectAll().where('conversation_id', 'in', chunk).orderBy('created_at').execute(),
    );
    return {
      keys: rows.map((r) => r.conversation_id),
      rows: rows.map((r) => ({
        conversationId: r.conversation_id,
        botId: r.bot_id,
        blockId: r.block_id,
        reason: r.reason,
        status: r.status,
        agentId: r.agent_id,
        createdAt: r.created_at,
        claimedAt: r.claimed_at,
        updatedAt: r.updated_at,
      })),
    };
  },
  erase: (trx, section) =>
    sumChunks(section.keys, async (chunk) => affected(await trx.deleteFrom('handoffs').where('conversation_id', 'in', chunk).executeTakeFirst())),
  purgeConversations: (trx, ids) =>
    sumChunks(ids, async (chunk) => affected(await trx.deleteFrom('handoffs').where('conversation_id', 'in', chunk).executeTakeFirst())),
};

/** Notes are written by agents, who may well copy the visitor's phone number into one: they are searched too. */
export const inboxNotesHolder: Holder = {
  table: 'inbox_notes',
  section: 'inboxNotes',
  async conversationsMentioning(db, subject) {
    const ids = new Set<string>();
    await scanPages(
      (after, limit) => {
        let query = db.selectFrom('inbox_notes').select(['id', 'conversation_id', 'text']).orderBy('id').limit(limit);
        if (after !== undefined) query = query.where('id', '>', after);
        return query.execute();
      },
      (row) => row.id,
      (row) => {
        if (mentions(subject, row.text)) ids.add(row.conversation_id);
      },
    );
    return ids;
  },
  async collect(db, found) {
    const rows = await inChunks(found.conversations, (chunk) =>
      db.selectFrom('inbox_notes').selectAll().where('conversation_id', 'in', chunk).orderBy('created_at').orderBy('id').execute(),
    );
    return {
      keys: rows.map((r) => r.id),
      rows: rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, author: r.author, text: r.text, createdAt: r.created_at })),
    };
  },
  erase: (trx, section) => sumChunks(section.keys, async (chunk) => affected(await trx.deleteFrom('inbox_notes').where('id', 'in', chunk).executeTakeFirst())),
  purgeConversations: (trx, ids) =>
    sumChunks(ids, async (chunk) => affected(await trx.deleteFrom('inbox_notes').where('conversation_id', 'in', chunk).executeTakeFirst())),
};
