import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Transaction } from 'kysely';
import { StoreError } from './errors.ts';
import type { Database } from './schema.ts';

/**
 * A small pub/sub over the database, to wake up whoever waits for a change (an SSE stream, a
 * worker) instead of polling. Notifications are wake-ups, not a queue: one sent while nobody
 * listens, or while a listener's connection is down, is lost — a listener re-reads the state it
 * cares about and keeps a slow poll as a safety net.
 *
 * PostgreSQL: LISTEN/NOTIFY, so every process on the database hears every notification.
 * SQLite: an in-process emitter shared by the stores of one file; only one process writes a
 * SQLite file in production, and any other process that needs changes polls.
 */
export interface Notifications {
  /** Sends now; listeners of `channel` (in any process, on PostgreSQL) receive `payload`. */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Sends when `trx` commits, and never if it rolls back (PostgreSQL: `pg_notify` inside the
   * transaction; SQLite: queued until the commit). On both, one transaction sending the same
   * payload on the same channel twice delivers it once.
   */
  notifyInTransaction(trx: Transaction<Database>, channel: string, payload: string): Promise<void>;
  /**
   * Calls `onMessage` with each payload sent on `channel` from now on (once the promise
   * resolves, a notify is certain to arrive). Resolves to the function that stops listening.
   * `onMessage` should not throw: what it throws is reported as a process warning.
   */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Like `listen`, for a channel most writes would notify while hardly anyone listens (a
   * conversation's changes, heard only by its open streams). On PostgreSQL the process shows
   * itself as a watcher of `channel` only while it watches, and `notifyWatchers` sends nothing
   * while no process does: a NOTIFY costs every notifying commit of the database a turn at one lock.
   */
  watch(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /** `notifyInTransaction` when some process watches `channel` (on SQLite: always). */
  notifyWatchers(trx: Transaction<Database>, channel: string, payload: string): Promise<void>;
  /**
   * Runs `run` in this process once `trx` commits, and never if it rolls back; true when it is
   * queued. SQLite queues it with the transaction's notifications (a later call with the same key
   * in one transaction is dropped); PostgreSQL answers false and runs nothing, and the caller
   * must do without (a waiter re-reads the database instead).
   */
  afterCommit(trx: Transaction<Database>, key: string, run: () => void): boolean;
  /** The database-wide name of `channel` (PostgreSQL: scoped to the store's schema; SQLite: the same). */
  databaseChannel(channel: string): string;
}

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; the same limit holds on SQLite. */
export const MAX_PAYLOAD_BYTES = 7999;
const CHANNEL = /^[A-Za-z0-9_-]{1,63}$/;

export function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) {
    throw new StoreError('invalid', `"${channel}" is not a notification channel name: use 1 to 63 letters, digits, "_" or "-"`);
  }
}

export function checkPayload(payload: string): void {
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new StoreError(
      'invalid',
      `a notification payload is at most ${MAX_PAYLOAD_BYTES} bytes, this one has ${bytes}: send an id and let the listener read the rest`,
    );
  }
}

/** PostgreSQL's longest identifier: a longer channel name is cut, and then two could collide. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * The PostgreSQL channel of a store's channel. Channels are database-wide while a store lives in
 * one schema, so the schema prefixes the name: two installations (or two tests) in two schemas
 * of one database never hear each other. A name too long for an identifier becomes a hash.
 */
export function scopedChannel(schema: string, channel: string): string {
  const name = `${schema}:${channel}`;
  if (Buffer.byteLength(name, 'utf8') <= MAX_IDENTIFIER_BYTES) return name;
  return `h:${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
}

/** Runs a listener without letting its error reach the code that delivered the message. */
export function deliver(onMessage: (payload: string) => void, payload: string, channel: string): void {
  try {
    onMessage(payload);
  } catch (error) {
    process.emitWarning(`a listener of the "${channel}" notification channel threw: ${String(error)}`, 'RenkeiStore');
  }
}

/**
 * What the SQLite adapter offers to run something after the current transaction commits:
 * false when no transaction is open. A later call with the same key in one transaction is
 * dropped (as PostgreSQL folds identical notifications).
 */
export type AfterCommit = (key: string, run: () => void) => boolean;

/** Emitters by SQLite file, so two stores on one file in one process hear each other. */
const HUBS = new Map<string, EventEmitter>();

function hubFor(file: string | undefined): EventEmitter {
  let hub = file === undefined ? undefined : HUBS.get(file);
  if (!hub) {
    hub = new EventEmitter();
    // Every SSE stream of a busy server listens: the default warning at 10 would be noise.
    hub.setMaxListeners(0);
    if (file !== undefined) HUBS.set(file, hub);
  }
  return hub;
}

/**
 * In-process notifications for SQLite. `file` is the absolute path of the database (undefined
 * for `:memory:`, which no other store can open).
 */
export function localNotifications(
  file: string | undefined,
  afterCommit: AfterCommit,
): Notifications & { notifyOnCommit(channel: string, payload: string): void; close(): Promise<void> } {
  const hub = hubFor(file);
  const mine = new Set<() => void>();
  let closed = false;
  const open = (): void => {
    if (closed) throw new StoreError('invalid', 'the store is closed');
  };
  const emit = (channel: string, payload: string): void => {
    hub.emit(channel, payload);
  };
  return {
    async notify(channel, payload) {
      open();
      checkChannel(channel);
      checkPayload(payload);
      emit(channel, payload);
    },
    async notifyInTransaction(trx, channel, payload) {
      open();
      checkChannel(channel);
      checkPayload(payload);
      if (!trx.isTransaction) throw new StoreError('invalid', 'notifyInTransaction needs a transaction');
      const queued = afterCommit(`${channel}\u0000${payload}`, () => emit(channel, payload));
      if (!queued) emit(channel, payload);
    },
    async notifyWatchers(trx, channel, payload) {
      await this.notifyInTransaction(trx, channel, payload);
    },
    afterCommit(trx, key, run) {
      return !closed && trx.isTransaction && afterCommit(key, run);
    },
    /** notifyInTransaction for synchronous work inside the open transaction (see Store.transactSync). */
    notifyOnCommit(channel, payload) {
      open();
      checkChannel(channel);
      checkPayload(payload);
      if (!afterCommit(`${channel}\u0000${payload}`, () => emit(channel, payload))) emit(channel, payload);
    },
    databaseChannel: (channel) => channel,
    watch(channel, onMessage) {
      return this.listen(channel, onMessage);
    },
    async listen(channel, onMessage) {
      open();
      checkChannel(channel);
      const handler = (payload: string): void => deliver(onMessage, payload, channel);
      const stop = (): void => {
        hub.off(channel, handler);
        mine.delete(stop);
      };
      hub.on(channel, handler);
      mine.add(stop);
      return async () => stop();
    },
    /** Stops this store's listeners; the others on the file keep theirs. */
    async close() {
      closed = true;
      for (const stop of [...mine]) stop();
    },
  };
}
