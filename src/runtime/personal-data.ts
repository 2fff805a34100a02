import { erasePerson, type Erasure, type Subject } from '../store/personal-data/index.ts';
import type { AuditEntry } from '../store/audit.ts';
import type { Store } from '../store/store.ts';
import { CONVERSATION_CHANNEL } from './notify.ts';

/**
 * Erases a person as the server and the CLI ask: the store's erasure, plus a wake-up for every
 * event stream still open on an erased conversation (it reads the `ended` status and closes), on
 * whichever process serves it.
 */
export function erasePersonNow(
  store: Store,
  subject: Subject,
  audit: Omit<AuditEntry, 'action' | 'details' | 'target'>,
): Promise<Erasure & { readonly filesScrubbed: boolean }> {
  return erasePerson(store, subject, {
    audit,
    onConversationErased: (trx, id) => store.notifications.notifyInTransaction(trx, CONVERSATION_CHANNEL, id),
  });
}
