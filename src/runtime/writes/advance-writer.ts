import type { AdvanceResult } from '../../engine/types.ts';
import type { Store, StoreDialect } from '../../store/store.ts';
import type { ConversationRow, WriteContext, Written } from '../conversations.ts';
import type { EventDraft } from '../events.ts';
import { postgresAdvance } from './postgres.ts';
import { sqliteAdvance } from './sqlite.ts';

/**
 * A visitor turn's write: the conversation's new state only if nobody wrote it since `row` was
 * read (else VersionConflict, and nothing is written), its events, the effect it queued, and the
 * wake-ups, all committed together. Each dialect writes it its own way.
 */
export type AdvanceWriter = (
  store: Store,
  row: ConversationRow,
  result: AdvanceResult,
  drafts: readonly EventDraft[],
  timing: WriteContext,
) => Promise<Written>;

export const ADVANCE_WRITERS: Readonly<Record<StoreDialect, AdvanceWriter>> = {
  sqlite: sqliteAdvance,
  postgres: postgresAdvance,
};
