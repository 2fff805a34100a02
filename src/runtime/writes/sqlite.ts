import type { AdvanceWriter } from './advance-writer.ts';
import { writeAdvance } from '../conversations.ts';

/**
 * SQLite: the statements of writeAdvance inside the store's transaction, which group commit
 * shares with the other turns that reached their write at the same moment (no round trips to save
 * in-process, one commit for many turns).
 */
export const sqliteAdvance: AdvanceWriter = (store, row, result, drafts, timing) => store.transact((trx) => writeAdvance(trx, row, result, drafts, timing));
