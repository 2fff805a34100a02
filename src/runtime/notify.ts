import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { ConversationEvent } from './api.ts';
import { eventsOf, type EventRow } from './events.ts';
import type { Store, SyncTransaction } from '../store/store.ts';

/** A conversation changed; the payload is its id, then a space and its last seq when the change appended events. */
export const CONVERSATION_CHANNEL = 'renkei_conversation';
/** An effect became claimable (created, released); workers claim. */
export const EFFECTS_CHANNEL = 'renkei_effects';
/** The inbox changed (a hand-off arrived, was claimed, released, closed) or a team notification was queued. */
export const INBOX_CHANNEL = 'renkei_inbox';
/** Someone is typing in a conversation; the payload is `<conversation id> <who>` (`visitor`, or `agent:<name>`). Never stored. */
export const TYPING_CHANNEL = 'renkei_typing';

type Log = (error: unknown, what: string) => void;

/**
 * What a wake-up of a conversation's waiters says. Empty: something changed (look in the
 * database). `lastSeq`: a write appended events up to that seq. `events`: the events a commit of
 * this process appended, oldest first, handed over so that a stream need not read them back.
 */
export interface ConversationChange {
  readonly lastSeq?: number;
  readonly events?: readonly ConversationEvent[];
}

function changeOf(payload: string): { id: string; change: ConversationChange } {
  const space = payload.indexOf(' ');
  if (space < 0) return { id: payload, change: {} };
  const lastSeq = Number(payload.slice(space + 1));
  return { id: payload.slice(0, space), change: Number.isSafeInteger(lastSeq) ? { lastSeq } : {} };
}

/**
 * The runtime's wake-ups over `store.notifications` (LISTEN/NOTIFY on PostgreSQL, in-process on
 * SQLite), fanned out to local waiters (a waiting reply, a follow stream, the worker loop), so a
 * thousand open streams cost one LISTEN. The effects, inbox and typing channels are listened to from `open`; the
 * conversations channel is watched only while something of this process waits for a
 * conversation, so on PostgreSQL a turn nobody waits for notifies nobody (see Notifications.watch).
 * Wake-ups only: everyone who waits re-reads the database and polls as a safety net.
 */
export class Notifier {
  readonly #store: Store;
  readonly #log: Log;
  readonly #conversations = new Map<string, Set<(change: ConversationChange) => void>>();
  readonly #effects = new Set<() => void>();
  readonly #inbox = new Set<() => void>();
  readonly #typing = new Map<string, Set<(who: string) => void>>();
  #unlisten: (() => Promise<void>)[] = [];
  #opened: Promise<void> | undefined;
  /** The watch of the conversations channel, while some conversation has a waiter. */
  #watching: Promise<() => Promise<void>> | undefined;
  #closed = false;

  constructor(store: Store, log: Log) {
    this.#store = store;
    this.#log = log;
  }

  /**
   * Subscribes to the effects, inbox and typing channels; once it resolves, no notification of them
   * is missed. The inbox and typing channels are sent seldom (a hand-off, a claim, a person typing
   * in a live chat), so listening to them from the start costs no turn anything.
   */
  open(): Promise<void> {
    this.#opened ??= (async () => {
      this.#unlisten.push(
        await this.#store.notifications.listen(EFFECTS_CHANNEL, () => {
          for (const fn of this.#effects) fn();
        }),
      );
      this.#unlisten.push(
        await this.#store.notifications.listen(INBOX_CHANNEL, () => {
          for (const fn of this.#inbox) fn();
        }),
      );
      this.#unlisten.push(
        await this.#store.notifications.listen(TYPING_CHANNEL, (payload) => {
          const space = payload.indexOf(' ');
          if (space < 0) return;
          for (const fn of this.#typing.get(payload.slice(0, space)) ?? []) fn(payload.slice(space + 1));
        }),
      );
    })();
    return this.#opened;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#opened?.catch(() => undefined);
    const unlisten = this.#unlisten;
    this.#unlisten = [];
    const watching = this.#watching;
    this.#watching = undefined;
    if (watching) unlisten.push(await watching.catch(() => async () => undefined));
    for (const off of unlisten) await off().catch((error: unknown) => this.#log(error, 'unlisten'));
  }

  /**
   * Sent when `trx` commits, to the processes that watch conversations (a waiter never wakes to a
   * change it cannot read yet). `appended`: the events the transaction appended, which this
   * process's waiters get with the wake-up where the store can run something at the commit.
   */
  conversationChanged(trx: Transaction<Database>, id: string, appended: readonly EventRow[] = []): Promise<void> {
    const last = appended.at(-1);
    if (!last) return this.#store.notifications.notifyWatchers(trx, CONVERSATION_CHANNEL, id);
    if (this.#conversations.has(id)) {
      this.#store.notifications.afterCommit(trx, `events\u0000${id}\u0000${last.seq}`, this.#handOver(id, appended));
    }
    return this.#store.notifications.notifyWatchers(trx, CONVERSATION_CHANNEL, `${id} ${last.seq}`);
  }

  /** conversationChanged, from synchronous work inside its transaction (Store.transactSync). */
  conversationChangedOnCommit(trx: SyncTransaction, id: string, appended: readonly EventRow[]): void {
    const last = appended.at(-1);
    if (!last) return trx.notify(CONVERSATION_CHANNEL, id);
    if (this.#conversations.has(id)) trx.afterCommit(`events\u0000${id}\u0000${last.seq}`, this.#handOver(id, appended));
    trx.notify(CONVERSATION_CHANNEL, `${id} ${last.seq}`);
  }

  /** Hands a commit's appended events to this process's waiters of the conversation. */
  #handOver(id: string, appended: readonly EventRow[]): () => void {
    return () => {
      const waiters = this.#conversations.get(id);
      if (!waiters) return;
      // Read back as the database would answer them: what a stream sends is the same either way.
      const events = appended.flatMap(eventsOf);
      for (const fn of waiters) fn({ events });
    };
  }

  effectsQueued(trx: Transaction<Database>): Promise<void> {
    return this.#store.notifications.notifyInTransaction(trx, EFFECTS_CHANNEL, '');
  }

  /** Outside a transaction (leases released on stop). A lost wake-up costs a poll interval, so failures are only logged. */
  effectsReleased(): void {
    this.#store.notifications.notify(EFFECTS_CHANNEL, '').catch((error: unknown) => this.#log(error, `notify ${EFFECTS_CHANNEL}`));
  }

  inboxChanged(trx: Transaction<Database>): Promise<void> {
    return this.#store.notifications.notifyInTransaction(trx, INBOX_CHANNEL, '');
  }

  /** Typing is a passing signal: sent now, lost if nobody listens, never stored. */
  typing(conversationId: string, who: string): void {
    // A notification payload is bounded: a long display name is cut, the conversation id never.
    const payload = `${conversationId} ${who.slice(0, 200)}`;
    this.#store.notifications.notify(TYPING_CHANNEL, payload).catch((error: unknown) => this.#log(error, `notify ${TYPING_CHANNEL}`));
  }

  onInbox(fn: () => void): () => void {
    this.#inbox.add(fn);
    return () => this.#inbox.delete(fn);
  }

  onTyping(conversationId: string, fn: (who: string) => void): () => void {
    let set = this.#typing.get(conversationId);
    if (!set) this.#typing.set(conversationId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.#typing.get(conversationId) === set) this.#typing.delete(conversationId);
    };
  }

  /**
   * Calls `fn` when conversation `id` changes (see ConversationChange). Resolves once this process
   * hears the changes (read the conversation after that, and no change is missed) to the function
   * that stops it. When the channel cannot be watched (the database is away), resolves anyway: the
   * waiter's poll remains.
   */
  async onConversation(id: string, fn: (change: ConversationChange) => void): Promise<() => void> {
    let set = this.#conversations.get(id);
    if (!set) this.#conversations.set(id, (set = new Set()));
    set.add(fn);
    const off = (): void => {
      set.delete(fn);
      if (set.size === 0 && this.#conversations.get(id) === set) this.#conversations.delete(id);
      if (this.#conversations.size === 0) this.#unwatch();
    };
    if (!this.#closed) {
      this.#watching ??= this.#store.notifications.watch(CONVERSATION_CHANNEL, (payload) => {
        const { id: changed, change } = changeOf(payload);
        for (const wake of this.#conversations.get(changed) ?? []) wake(change);
      });
      await this.#watching.catch((error: unknown) => {
        this.#log(error, `watch ${CONVERSATION_CHANNEL}`);
        this.#watching = undefined;
      });
    }
    return off;
  }

  #unwatch(): void {
    const watching = this.#watching;
    this.#watching = undefined;
    void watching?.then((stop) => stop()).catch((error: unknown) => this.#log(error, `unwatch ${CONVERSATION_CHANNEL}`));
  }

  onEffects(fn: () => void): () => void {
    this.#effects.add(fn);
    return () => this.#effects.delete(fn);
  }
}

/**
 * A wake-up flag a loop sleeps on: `wake()` ends the current or the next `sleep`, so a wake-up
 * that arrives while the loop is busy is not lost.
 */
export class Waker {
  #pending = false;
  #resolve: (() => void) | undefined;

  readonly wake = (): void => {
    this.#pending = true;
    this.#resolve?.();
  };

  /** Sleeps up to `ms`, less when woken or when `signal` aborts. */
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (!this.#pending && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.#resolve = undefined;
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        signal?.addEventListener('abort', done, { once: true });
        this.#resolve = done;
      });
    }
    this.#pending = false;
  }
}
