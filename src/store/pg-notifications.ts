import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { StoreError } from './errors.ts';
import { checkChannel, checkPayload, deliver, scopedChannel, type Notifications } from './notifications.ts';
import type { Database } from './schema.ts';

/** The listener's connection name in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'renkei-listener';
/**
 * How long a watcher's connection outlives its last watch: a process whose replies wait for
 * integrations one after the other keeps one connection instead of opening one per reply.
 */
const WATCHER_IDLE_MS = 30_000;
/** A watcher's connection while it watches nothing. */
export const WATCHER_IDLE_NAME = 'renkei-watcher-idle';
/**
 * How long a watcher's row counts for writers after its last renewal (migration 013). Renewed
 * every third of it: a row a killed process left stops counting within this long.
 */
export const WATCHER_LEASE_MS = 30_000;
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

type Handler = (payload: string) => void;

/**
 * LISTEN needs a connection of its own that stays open (a pooled one goes back to the pool and
 * hears nothing). One per store, opened at the first `listen`. When it drops, it is opened
 * again with a growing delay and LISTENs again to every channel still wanted.
 */
class Listener {
  readonly #config: pg.ClientConfig;
  readonly #handlers = new Map<string, Set<Handler>>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;
  /** The store's notification_watchers table, schema-qualified (see migration 011). */
  readonly #watchers: string;
  readonly #watcher: boolean;
  readonly #leaseMs: number;
  #idle: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;

  /**
   * `watcher`: this connection tells writers that someone listens (Notifications.watch): it has
   * a row in the watchers table while it listens to something. It carries `applicationName` only
   * then too (for whoever looks at pg_stat_activity), goes by WATCHER_IDLE_NAME otherwise, and
   * ends once it has listened to nothing for WATCHER_IDLE_MS.
   */
  constructor(config: pg.ClientConfig, applicationName: string, watchers: string, watcher = false, leaseMs = WATCHER_LEASE_MS) {
    this.#config = { ...config, application_name: applicationName };
    this.#watchers = watchers;
    this.#watcher = watcher;
    this.#leaseMs = leaseMs;
  }

  async listen(channel: string, handler: Handler): Promise<() => Promise<void>> {
    if (this.#closed) throw new StoreError('invalid', 'the store is closed');
    clearTimeout(this.#idle);
    this.#idle = undefined;
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
    }
    const own = (payload: string): void => handler(payload);
    handlers.add(own);
    try {
      await this.#sync(channel);
    } catch (error) {
      this.#remove(channel, own);
      throw error;
    }
    this.#startHeartbeat();
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      if (this.#remove(channel, own) && this.#client) await this.#sync(channel).catch(() => {});
      if (this.#handlers.size === 0) this.#closeWhenIdle();
    };
  }

  #closeWhenIdle(): void {
    if (!this.#watcher || this.#idle !== undefined) return;
    this.#idle = setTimeout(() => {
      this.#idle = undefined;
      const client = this.#client;
      if (this.#handlers.size > 0 || !client) return;
      this.#client = undefined; // before end(): its 'end' event is then not a lost connection
      void client.end().catch(() => {});
    }, WATCHER_IDLE_MS);
    this.#idle.unref();
  }

  /**
   * A watcher renews its rows every third of its lease, in the order of its other commands (the
   * choice of channels made when queued, as #sync's), and deletes the rows whose lease ran out or
   * whose connection is gone, whoever left them: without a new process starting, a killed
   * process's row is gone within a renewal of any watcher, and stops counting for writers within
   * a lease even when no watcher is left.
   */
  #startHeartbeat(): void {
    if (!this.#watcher || this.#heartbeat !== undefined) return;
    this.#heartbeat = setInterval(
      () => {
        const client = this.#client;
        if (!client || this.#handlers.size === 0) return;
        const renew = [...this.#handlers.keys()].map((channel) => this.#register(channel));
        void client.query([...renew, this.#sweep()].join('; ')).catch(() => {
          // A lost connection reconnects and registers again; a row not renewed meanwhile expires.
        });
      },
      Math.max(10, Math.floor(this.#leaseMs / 3)),
    );
    this.#heartbeat.unref();
  }

  /** Deletes the rows of watchers that are gone: their lease ran out, or their connection no longer exists. */
  #sweep(): string {
    return `delete from ${this.#watchers} w where w.alive_until < now()
              or not exists (select 1 from pg_stat_activity a where a.pid = w.pid and a.backend_start = w.started)`;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearTimeout(this.#idle);
    clearInterval(this.#heartbeat);
    this.#handlers.clear();
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    // Writers would go on notifying for a row left behind until another process sweeps it.
    if (this.#watcher) await client?.query(`delete from ${this.#watchers} where pid = pg_backend_pid()`).catch(() => {});
    await client?.end().catch(() => {});
  }

  /** Removes a handler; true when it was the channel's last. */
  #remove(channel: string, handler: Handler): boolean {
    const handlers = this.#handlers.get(channel);
    if (!handlers?.delete(handler) || handlers.size > 0) return false;
    this.#handlers.delete(channel);
    return true;
  }

  /**
   * LISTENs or UNLISTENs as the handlers now want. The choice is made when the command is
   * queued, and one connection runs commands in order, so the last command matches the state.
   */
  async #sync(channel: string): Promise<void> {
    const client = this.#client ?? (await this.#connect());
    const listening = this.#handlers.has(channel);
    let command = `${listening ? 'listen' : 'unlisten'} ${quote(channel)}`;
    if (this.#watcher) {
      // One query string is one transaction: the row becomes visible to writers when the LISTEN
      // takes effect, so a writer that sees it and notifies is heard.
      command = listening
        ? `set application_name to '${this.#config.application_name}'; ${command}; ${this.#register(channel)}`
        : `delete from ${this.#watchers} where channel = ${literal(channel)} and pid = pg_backend_pid(); ${command}; set application_name to '${WATCHER_IDLE_NAME}'`;
    }
    await client.query(command);
  }

  /**
   * The watcher's row for `channel`, written or renewed: its connection's pid and start, which
   * tell a live row from one a dead process left, and until when writers count it.
   */
  #register(channel: string): string {
    return `insert into ${this.#watchers} (channel, pid, started, alive_until)
              select ${literal(channel)}, pid, backend_start, now() + interval '${this.#leaseMs} milliseconds' from pg_stat_activity where pid = pg_backend_pid()
              on conflict (channel, pid) do update set started = excluded.started, alive_until = excluded.alive_until`;
  }

  #connect(): Promise<pg.Client> {
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<pg.Client> {
    const client = new pg.Client(this.#config);
    client.on('notification', ({ channel, payload }) => {
      for (const handler of [...(this.#handlers.get(channel) ?? [])]) handler(payload ?? '');
    });
    let ended = false;
    const lost = (): void => {
      ended = true;
      this.#lost(client);
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      // Rows of watchers that are gone (a process killed, a connection lost), which writers would
      // notify for: swept whenever a process starts listening or a connection comes back.
      await client.query(this.#sweep());
      for (const channel of this.#handlers.keys()) {
        await client.query(`listen ${quote(channel)}${this.#watcher ? `; ${this.#register(channel)}` : ''}`);
      }
      if (ended) throw new Error('the connection closed while listening');
      if (this.#closed) throw new StoreError('invalid', 'the store is closed');
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.#client = client;
    this.#failures = 0;
    return client;
  }

  #lost(client: pg.Client): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    void client.end().catch(() => {});
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#handlers.size === 0 || this.#retry !== undefined) return;
    const delay = Math.min(RECONNECT_FIRST_MS * 2 ** this.#failures, RECONNECT_MAX_MS);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#client) return;
      this.#connect().catch((error: unknown) => {
        this.#failures += 1;
        if (this.#failures === 1) {
          process.emitWarning(`the notification listener cannot reconnect, retrying: ${String(error)}`, 'RenkeiStore');
        }
        this.#scheduleReconnect();
      });
    }, delay);
  }
}

/** A channel name as an identifier; checkChannel and scopedChannel leave no quote in it. */
const quote = (channel: string): string => `"${channel}"`;
/** A string as an SQL literal (a scoped channel holds the schema's name, which may be anything). */
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * LISTEN/NOTIFY notifications of a store in `schema` (channels are scoped to it, see
 * scopedChannel). `notify` goes through the pool; `close` ends the listener's connection.
 */
export function pgNotifications(
  db: Kysely<Database>,
  config: pg.ClientConfig,
  schema: string,
  watcherLeaseMs = WATCHER_LEASE_MS,
): Notifications & { close(): Promise<void> } {
  const watcherTable = `"${schema.replaceAll('"', '""')}".notification_watchers`;
  const listener = new Listener(config, LISTENER_APPLICATION_NAME, watcherTable);
  // One watcher connection per watched channel, named after the channel (see Notifications.watch).
  const watchers = new Map<string, Listener>();
  let closed = false;
  // A turn asks for its two channels' names: worked out once each.
  const databaseChannels = new Map<string, string>();
  const send = async (executor: Kysely<Database>, channel: string, payload: string): Promise<void> => {
    if (closed) throw new StoreError('invalid', 'the store is closed');
    checkChannel(channel);
    checkPayload(payload);
    await sql`select pg_notify(${scopedChannel(schema, channel)}, ${payload})`.execute(executor);
  };
  return {
    notify: (channel, payload) => send(db, channel, payload),
    async notifyInTransaction(trx, channel, payload) {
      if (!trx.isTransaction) throw new StoreError('invalid', 'notifyInTransaction needs a transaction');
      await send(trx, channel, payload);
    },
    async listen(channel, onMessage) {
      checkChannel(channel);
      return listener.listen(scopedChannel(schema, channel), (payload) => deliver(onMessage, payload, channel));
    },
    async watch(channel, onMessage) {
      if (closed) throw new StoreError('invalid', 'the store is closed');
      checkChannel(channel);
      const scoped = scopedChannel(schema, channel);
      let watcher = watchers.get(scoped);
      if (!watcher) watchers.set(scoped, (watcher = new Listener(config, scoped, watcherTable, true, watcherLeaseMs)));
      return watcher.listen(scoped, (payload) => deliver(onMessage, payload, channel));
    },
    async notifyWatchers(trx, channel, payload) {
      if (!trx.isTransaction) throw new StoreError('invalid', 'notifyWatchers needs a transaction');
      if (closed) throw new StoreError('invalid', 'the store is closed');
      checkChannel(channel);
      checkPayload(payload);
      const scoped = scopedChannel(schema, channel);
      await sql`select pg_notify(${scoped}, ${payload}) where exists (select 1 from notification_watchers w where w.channel = ${scoped} and w.alive_until > now())`.execute(
        trx,
      );
    },
    // Kysely runs PostgreSQL transactions on a pooled connection with no hook at their commit.
    afterCommit: () => false,
    databaseChannel: (channel) => {
      let scoped = databaseChannels.get(channel);
      if (scoped === undefined) {
        checkChannel(channel);
        databaseChannels.set(channel, (scoped = scopedChannel(schema, channel)));
      }
      return scoped;
    },
    close: async () => {
      closed = true;
      for (const watcher of watchers.values()) await watcher.close();
      return listener.close();
    },
  };
}
