import type { Selectable, Transaction } from 'kysely';
import type { ConversationState } from '../../engine/types.ts';
import { EVENT_BATCH, type ConversationEventsTable, type Database } from '../schema.ts';
import type { Holder } from './holder.ts';
import { affected, inChunks, parsedJson, scanPages, sumChunks } from './scan.ts';
import { mayMentionJson, mentionsIn } from './subject.ts';

/*
 * The conversation and what hangs off it: its transcript, its integration calls (the outbox) and
 * their attempt log. A conversation is the person's when the subject is among its variables or in
 * a line the visitor typed; everything else of that conversation then belongs to them too.
 */

/** Why an erased conversation ended: its status event and state say so. */
export const ERASED_REASON = 'erased';

/** Transcript lines typed by a person (the bot's lines only repeat what the variables hold). */
export const TYPED_EVENT_TYPES = ['visitor'] as const;

export const conversationsHolder: Holder = {
  table: 'conversations',
  section: 'conversations',
  async conversationsMentioning(db, subject) {
    const ids = new Set<string>();
    await scanPages(
      (after, limit) => {
        let query = db.selectFrom('conversations').select(['id', 'state']).orderBy('id').limit(limit);
        if (after !== undefined) query = query.where('id', '>', after);
        return query.execute();
      },
      (row) => row.id,
      (row) => {
        if (mayMentionJson(subject, row.state) && mentionsIn(subject, parsedJson(row.state))) ids.add(row.id);
      },
    );
    return ids;
  },
  async collect(db, found) {
    const rows = await inChunks(found.conversations, (chunk) =>
      db.selectFrom('conversations').selectAll().where('id', 'in', chunk).orderBy('created_at').orderBy('id').execute(),
    );
    return {
      keys: rows.map((r) => r.id),
      rows: rows.map((r) => ({
        id: r.id,
        botId: r.bot_id,
        botVersion: r.bot_version,
        status: r.status,
        locale: r.locale,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        variables: (parsedJson(r.state) as Partial<ConversationState> | null)?.vars ?? {},
      })),
    };
  },
  /**
   * The row stays, so analytics still count the conversation, but its state keeps nothing of the
   * visitor: no variables, ended. One status event tells a stream that is still open that it ended.
   */
  async erase(trx, section, _found, at) {
    const stamp = at.toISOString();
    let erased = 0;
    for (const id of section.keys) {
      const row = await trx.selectFrom('conversations').select(['state', 'last_seq']).where('id', '=', id).executeTakeFirst();
      if (!row) continue;
      const state = parsedJson(row.state) as ConversationState;
      const redacted: ConversationState = {
        conversationId: state.conversationId,
        botId: state.botId,
        status: 'ended',
        at: null,
        vars: {},
        attempts: 0,
        effects: state.effects,
        pendingEffect: null,
        reason: ERASED_REASON,
      };
      const seq = row.last_seq + 1;
      const updated = await trx
        .updateTable('conversations')
        .set((eb) => ({
          state: JSON.stringify(redacted),
          status: 'ended',
          row_version: eb('row_version', '+', 1),
          last_seq: seq,
          updated_at: stamp,
        }))
        .where('id', '=', id)
        .executeTakeFirst();
      // Purged meanwhile (PostgreSQL): no event for a conversation that is gone (no foreign key stops it, see migration 011).
      if (!updated.numUpdatedRows) continue;
      await trx
        .insertInto('conversation_events')
        .values({ conversation_id: id, seq, type: 'status', payload: JSON.stringify({ status: 'ended', reason: ERASED_REASON }), created_at: stamp })
        .execute();
      erased++;
    }
    return erased;
  },
  purgeConversations: (trx, ids) =>
    sumChunks(ids, async (chunk) => affected(await trx.deleteFrom('conversations').where('id', 'in', chunk).executeTakeFirst())),
};

/** The events a row holds, numbered: one, or a batch's (see ConversationEventsTable). */
function eventsIn(
  row: Pick<Selectable<ConversationEventsTable>, 'seq' | 'type' | 'payload'>,
): { seq: number; type: string; payload: Record<string, unknown> }[] {
  const parsed = parsedJson(row.payload);
  if (row.type !== EVENT_BATCH) return [{ seq: row.seq, type: row.type, payload: parsed as Record<string, unknown> }];
  const members = Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [];
  return members.map((member, i) => {
    const { type, ...payload } = member;
    return { seq: row.seq - members.length + 1 + i, type: String(type), payload };
  });
}

/** What a person typed in a row of the transcript (a batch holds the bot's lines too). */
function typedPayloadsOf(row: Pick<Selectable<ConversationEventsTable>, 'type' | 'payload'>): unknown[] {
  return eventsIn({ ...row, seq: 0 })
    .filter((event) => (TYPED_EVENT_TYPES as readonly string[]).includes(event.type))
    .map((event) => event.payload);
}

export const transcriptHolder: Holder = {
  table: 'conversation_events',
  section: 'transcript',
  async conversationsMentioning(db, subject) {
    const ids = new Set<string>();
    // A page of conversations, then their typed lines: the primary key (conversation_id, seq) is walked in order.
    await scanPages(
      async (after, limit) => {
        let query = db.selectFrom('conversations').select('id').orderBy('id').limit(limit);
        if (after !== undefined) query = query.where('id', '>', after);
        const page = await query.execute();
        if (page.length > 0) {
          const lines = await db
            .selectFrom('conversation_events')
            .select(['conversation_id', 'type', 'payload'])
            .where('conversation_id', '>=', page[0]!.id)
            .where('conversation_id', '<=', page[page.length - 1]!.id)
            .where('type', 'in', [...TYPED_EVENT_TYPES, EVENT_BATCH])
            .execute();
          for (const line of lines) {
            if (ids.has(line.conversation_id) || !mayMentionJson(subject, line.payload)) continue;
            if (typedPayloadsOf(line).some((payload) => mentionsIn(subject, payload))) ids.add(line.conversation_id);
          }
        }
        return page;
      },
      (row) => row.id,
      () => undefined,
    );
    return ids;
  },
  async collect(db, found) {
    const rows = await inChunks(found.conversations, (chunk) =>
      db.selectFrom('conversation_events').selectAll().where('conversation_id', 'in', chunk).orderBy('conversation_id').orderBy('seq').execute(),
    );
    const lines = rows.flatMap((r) =>
      eventsIn(r).map(({ seq, type, payload }) => ({ conversationId: r.conversation_id, seq, at: r.created_at, type, ...payload })),
    );
    return { keys: lines.map((l) => `${l.conversationId}:${l.seq}`), rows: lines };
  },
  erase: (trx, _section, found) => deleteOfConversations(trx, 'conversation_events', found.conversations),
  purgeConversations: (trx, ids) => deleteOfConversations(trx, 'conversation_events', ids),
};

/** What an erased effect keeps of its outcome: the port it took (analytics), no message, no output. */
function redactedOutcome(outcome: unknown): string | null {
  if (outcome === null || typeof outcome !== 'object' || !('outcome' in outcome)) return null;
  const name = (outcome as { outcome: unknown }).outcome;
  if (name === 'success' || name === 'already_exists') return JSON.stringify({ outcome: name, outputs: {} });
  if (name === 'failure') return JSON.stringify({ outcome: name, message: '', retryable: false });
  return JSON.stringify({ outcome: name, message: '' });
}

/** The outcome of an effect the erasure stopped before it ran (or while it ran). */
const CANCELLED = JSON.stringify({ outcome: 'failure', message: 'cancelled: the personal data it carried was erased', retryable: false });

export const effectsHolder: Holder = {
  table: 'effects',
  section: 'effects',
  async collect(db, found) {
    const rows = await inChunks(found.conversations, (chunk) =>
      db.selectFrom('effects').selectAll().where('conversation_id', 'in', chunk).orderBy('created_at').orderBy('id').execute(),
    );
    return {
      keys: rows.map((r) => r.id),
      rows: rows.map((r) => ({
        id: r.id,
        conversationId: r.conversation_id,
        botId: r.bot_id,
        botVersion: r.bot_version,
        blockId: r.block_id,
        action: r.action,
        status: r.status,
        attempts: r.attempts,
        request: parsedJson(r.request),
        outcome: parsedJson(r.outcome),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      })),
    };
  },
  /**
   * The request goes; the outcome keeps only the port it took, so analytics count it as before.
   * An effect not yet done is cancelled: no worker will send the visitor's details anywhere now.
   */
  async erase(trx, section, _found, at) {
    const stamp = at.toISOString();
    const byOutcome = new Map<string | null, string[]>();
    for (const row of section.rows) {
      const id = row['id'] as string;
      const next = row['status'] === 'done' ? redactedOutcome(row['outcome']) : CANCELLED;
      byOutcome.set(next, [...(byOutcome.get(next) ?? []), id]);
    }
    let erased = 0;
    for (const [outcome, ids] of byOutcome) {
      erased += await sumChunks(ids, async (chunk) =>
        affected(
          await trx
            .updateTable('effects')
            .set({ request: '{}', outcome, status: 'done', lease_owner: null, lease_until: null, updated_at: stamp })
            .where('id', 'in', chunk)
            .executeTakeFirst(),
        ),
      );
    }
    return erased;
  },
  purgeConversations: (trx, ids) => deleteOfConversations(trx, 'effects', ids),
};

export const effectAttemptsHolder: Holder = {
  table: 'effect_attempts',
  section: 'effectAttempts',
  async collect(db, found) {
    const rows = await inChunks(found.conversations, (chunk) =>
      db.selectFrom('effect_attempts').selectAll().where('conversation_id', 'in', chunk).orderBy('started_at').orderBy('id').execute(),
    );
    return {
      keys: rows.map((r) => r.id),
      rows: rows.map((r) => ({
        id: r.id,
        effectId: r.effect_id,
        conversationId: r.conversation_id,
        blockId: r.block_id,
        action: r.action,
        provider: r.provider,
        attempt: r.attempt,
        startedAt: r.started_at,
        durationMs: r.duration_ms,
        outcome: r.outcome,
        message: r.message,
      })),
    };
  },
  /** The log keeps that a call was made, when, and how it ended; the service's message (which may quote the visitor) goes. */
  erase: (trx, section) =>
    sumChunks(section.keys, async (chunk) =>
      affected(await trx.updateTable('effect_attempts').set({ message: null }).where('id', 'in', chunk).executeTakeFirst()),
    ),
  purgeConversations: (trx, ids) => deleteOfConversations(trx, 'effect_attempts', ids),
};

type ConversationChild = 'conversation_events' | 'effects' | 'effect_attempts';

async function deleteOfConversations(trx: Transaction<Database>, table: ConversationChild, ids: readonly string[]): Promise<number> {
  return sumChunks(ids, async (chunk) => affected(await trx.deleteFrom(table).where('conversation_id', 'in', chunk).executeTakeFirst()));
}
