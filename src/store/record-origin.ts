import type { Kysely } from 'kysely';
import type { RecordKind } from './record-schemas.ts';
import type { Database } from './schema.ts';

/** The conversation an integration block created a record in, as far as this database knows it. */
export interface RecordOrigin {
  /** The integration call that created it (the connector's idempotency key); null when none was given. */
  readonly effectId: string | null;
  /** Made by the builder's preview: such conversations are never stored. */
  readonly preview: boolean;
  /** The stored conversation; null for a preview, a `renkei chat` session, or one deleted since. */
  readonly conversation: { readonly id: string; readonly botId: string; readonly botVersion: number; readonly startedAt: string } | null;
}

/** The preview's conversation ids (src/server/routes/admin-preview.ts), which its effect ids begin with. */
const PREVIEW_PREFIX = 'preview-';

/** Where a built-in record came from; undefined when there is no such record. */
export async function recordOrigin(db: Kysely<Database>, kind: RecordKind, id: string): Promise<RecordOrigin | undefined> {
  const row = await db.selectFrom(kind).select('effect_id').where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const effectId = row.effect_id;
  if (effectId === null) return { effectId, preview: false, conversation: null };
  const conversation = await db
    .selectFrom('effects')
    .innerJoin('conversations', 'conversations.id', 'effects.conversation_id')
    .select(['conversations.id', 'conversations.bot_id', 'conversations.bot_version', 'conversations.created_at'])
    .where('effects.id', '=', effectId)
    .executeTakeFirst();
  return {
    effectId,
    preview: effectId.startsWith(PREVIEW_PREFIX),
    conversation: conversation
      ? { id: conversation.id, botId: conversation.bot_id, botVersion: conversation.bot_version, startedAt: conversation.created_at }
      : null,
  };
}
