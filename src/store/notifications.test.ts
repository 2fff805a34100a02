import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { MAX_PAYLOAD_BYTES, scopedChannel } from './notifications.ts';
import { LISTENER_APPLICATION_NAME } from './pg-notifications.ts';
import { openStore, type Store } from './store.ts';
import { describePostgres, STORE_TARGETS, tempStore } from './test-support.ts';

/** Collects what a channel receives; `next` waits (briefly) for the next one. */
async function inbox(store: Store, channel: string) {
  const received: string[] = [];
  const waiting: Array<() => void> = [];
  const stop = await store.notifications.listen(channel, (payload) => {
    received.push(payload);
    for (const wake of waiting.splice(0)) wake();
  });
  const until = async (count: number, ms = 2_000): Promise<string[]> => {
    const deadline = Date.now() + ms;
    while (received.length < count && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return received;
  };
  return { received, until, stop };
}

/** Long enough for a notification that was going to come to have come (PostgreSQL delivers in about a millisecond). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe.each(STORE_TARGETS)('notifications on %s', (kind) => {
  it('delivers a payload to every listener of the channel, and nothing once it stops', async () => {
    const store = await tempStore(kind);
    const a = await inbox(store, 'conversation');
    const b = await inbox(store, 'conversation');
    const other = await inbox(store, 'effects');
    await store.notifications.notify('conversation', '{"id":"c-1"}');
    expect(await a.until(1)).toEqual(['{"id":"c-1"}']);
    expect(await b.until(1)).toEqual(['{"id":"c-1"}']);
    await a.stop();
    await a.stop();
    await store.notifications.notify('conversation', 'second');
    expect(await b.until(2)).toEqual(['{"id":"c-1"}', 'second']);
    await settle();
    expect(a.received).toEqual(['{"id":"c-1"}']);
    expect(other.received).toEqual([]);
  });

  it('reaches another store opened on the same database', async () => {
    const store = await tempStore(kind);
    const other = await openStore(store.target);
    try {
      const heard = await inbox(other, 'wake');
      await store.notifications.notify('wake', 'from the first store');
      expect(await heard.until(1)).toEqual(['from the first store']);
    } finally {
      await other.close();
    }
  });

  it('sends what a transaction notifies when it commits, once per distinct payload', async () => {
    const store = await tempStore(kind);
    const heard = await inbox(store, 'turns');
    await store.db.transaction().execute(async (trx) => {
      await store.notifications.notifyInTransaction(trx, 'turns', 'a');
      await store.notifications.notifyInTransaction(trx, 'turns', 'b');
      await store.notifications.notifyInTransaction(trx, 'turns', 'a');
      await settle();
      expect(heard.received).toEqual([]);
    });
    expect(await heard.until(2)).toEqual(['a', 'b']);
    await settle();
    expect(heard.received).toEqual(['a', 'b']);
  });

  it('never sends what a rolled-back transaction or savepoint notified', async () => {
    const store = await tempStore(kind);
    const heard = await inbox(store, 'turns');
    await expect(
      store.db.transaction().execute(async (trx) => {
        await store.notifications.notifyInTransaction(trx, 'turns', 'rolled back');
        throw new Error('conflict');
      }),
    ).rejects.toThrow('conflict');
    const trx = await store.db.startTransaction().execute();
    await store.notifications.notifyInTransaction(trx, 'turns', 'kept');
    const inner = await trx.savepoint('inner').execute();
    await store.notifications.notifyInTransaction(inner, 'turns', 'undone');
    await inner.rollbackToSavepoint('inner').execute();
    await trx.commit().execute();
    expect(await heard.until(1)).toEqual(['kept']);
    await settle();
    expect(heard.received).toEqual(['kept']);
  });

  it('sends a payload of the largest size, and refuses a larger one or a bad channel name', async () => {
    const store = await tempStore(kind);
    const heard = await inbox(store, 'big');
    const largest = 'é'.repeat((MAX_PAYLOAD_BYTES - 1) / 2) + 'x';
    expect(Buffer.byteLength(largest)).toBe(MAX_PAYLOAD_BYTES);
    await store.notifications.notify('big', largest);
    expect((await heard.until(1))[0]).toBe(largest);
    await expect(store.notifications.notify('big', `${largest}x`)).rejects.toMatchObject({
      kind: 'invalid',
      message: `a notification payload is at most ${MAX_PAYLOAD_BYTES} bytes, this one has ${MAX_PAYLOAD_BYTES + 1}: send an id and let the listener read the rest`,
    });
    for (const bad of ['', 'has space', 'quote"d', 'x'.repeat(64), 'semi;colon']) {
      await expect(store.notifications.notify(bad, 'p')).rejects.toThrow('is not a notification channel name');
      await expect(store.notifications.listen(bad, () => {})).rejects.toThrow('is not a notification channel name');
    }
    await expect(store.db.transaction().execute((trx) => store.notifications.notifyInTransaction(trx, 'no good', 'p'))).rejects.toThrow(
      'is not a notification channel name',
    );
    await expect(store.notifications.notifyInTransaction(store.db as never, 'big', 'p')).rejects.toThrow('notifyInTransaction needs a transaction');
  });

  it('keeps delivering to the other listeners when one throws, and warns', async () => {
    const store = await tempStore(kind);
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      await store.notifications.listen('fragile', () => {
        throw new Error('listener bug');
      });
      const heard = await inbox(store, 'fragile');
      await store.notifications.notify('fragile', 'p');
      expect(await heard.until(1)).toEqual(['p']);
      expect(warnings).toHaveBeenCalledWith(expect.stringContaining('listener bug'), 'RenkeiStore');
    } finally {
      warnings.mockRestore();
    }
  });

  it('refuses to notify or listen once the store is closed, and its listeners hear nothing more', async () => {
    const store = await tempStore(kind);
    const other = await openStore(store.target);
    const heard = await inbox(other, 'late');
    await other.close();
    await store.notifications.notify('late', 'after close');
    await settle();
    expect(heard.received).toEqual([]);
    await expect(other.notifications.notify('late', 'p')).rejects.toThrow('the store is closed');
    await expect(other.notifications.listen('late', () => {})).rejects.toThrow('the store is closed');
  });
});

describePostgres('notifications on PostgreSQL', () => {
  it('keeps stores in two schemas of one database from hearing each other', async () => {
    const one = await tempStore('postgres');
    const two = await tempStore('postgres');
    const heard = await inbox(two, 'events');
    await one.notifications.notify('events', 'for one only');
    await settle();
    expect(heard.received).toEqual([]);
  });

  it('names channels after the schema, hashing a name too long for PostgreSQL', () => {
    expect(scopedChannel('t_abc', 'events')).toBe('t_abc:events');
    const long = scopedChannel('s'.repeat(40), 'c'.repeat(40));
    expect(long).toMatch(/^h:[0-9a-f]{40}$/);
    expect(scopedChannel('s'.repeat(40), 'c'.repeat(40))).toBe(long);
    expect(scopedChannel('s'.repeat(40), `${'c'.repeat(39)}d`)).not.toBe(long);
  });

  it('hears a notification sent by another process', async () => {
    const store = await tempStore('postgres');
    const heard = await inbox(store, 'cross');
    const storeModule = fileURLToPath(new URL('./store.ts', import.meta.url));
    const script = `
      const { openStore } = await import(${JSON.stringify(storeModule)});
      const store = await openStore(process.argv[1]);
      await store.notifications.notify('cross', 'from pid ' + process.pid);
      await store.close();
    `;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, store.target], { timeout: 20_000 });
    expect(await heard.until(1)).toEqual([expect.stringMatching(/^from pid \d+$/)]);
  });

  it('listens again after its connection is killed', async () => {
    const store = await tempStore('postgres');
    const schema = new URL(store.target).searchParams.get('schema') ?? '';
    const heard = await inbox(store, 'survive');
    const killed = await sql<{ pid: number }>`
      select pg_terminate_backend(pid), pid from pg_stat_activity
      where application_name = ${LISTENER_APPLICATION_NAME} and query like ${`%"${schema}:survive"%`}
    `.execute(store.db);
    expect(killed.rows).toHaveLength(1);
    // Notifications sent while it reconnects are lost (they are wake-ups): send until one arrives.
    const deadline = Date.now() + 5_000;
    while (heard.received.length === 0 && Date.now() < deadline) {
      await store.notifications.notify('survive', 'after the reconnect');
      await heard.until(1, 100);
    }
    expect(heard.received[0]).toBe('after the reconnect');
  });
});

describe.each(STORE_TARGETS)('watched channels on %s', (kind) => {
  it('delivers to a watcher in another store, and its notifications only while some process watches', async () => {
    const store = await tempStore(kind);
    const other = await openStore(store.target);
    try {
      const heard: string[] = [];
      const stop = await other.notifications.watch('turns', (payload) => heard.push(payload));
      await store.db.transaction().execute((trx) => store.notifications.notifyWatchers(trx, 'turns', 'c-1'));
      await vi.waitFor(() => expect(heard).toEqual(['c-1']), { timeout: 2_000 });
      await stop();
      // A plain listener is not a watcher: on PostgreSQL nothing is sent once no process watches.
      const plain = await inbox(store, 'turns');
      await vi.waitFor(
        async () => {
          await store.db.transaction().execute((trx) => store.notifications.notifyWatchers(trx, 'turns', 'c-2'));
          await settle();
          expect(plain.received).toEqual(kind === 'postgres' ? [] : ['c-2']);
        },
        { timeout: 5_000 },
      );
      expect(heard).toEqual(['c-1']);
    } finally {
      await other.close();
    }
  });
});

describePostgres('watcher connections on postgres', () => {
  it('show the watching process under the channel name only while it watches', async () => {
    const observer = await tempStore('postgres');
    const watching = await openStore(observer.target);
    const channel = observer.notifications.databaseChannel('turns');
    const watchers = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = ${channel}`.execute(observer.db)).rows[0]?.n;
    expect(await watchers()).toBe(0);
    const stop = await watching.notifications.watch('turns', () => undefined);
    const again = await watching.notifications.watch('turns', () => undefined);
    expect(await watchers()).toBe(1);
    await stop();
    expect(await watchers()).toBe(1);
    await again();
    expect(await watchers()).toBe(0);
    const third = await watching.notifications.watch('turns', () => undefined);
    expect(await watchers()).toBe(1);
    await third();
    await watching.close();
    expect(await watchers()).toBe(0);
  });

  it('keep a row for writers to find only while they watch, and a row a dead process left is swept', async () => {
    const observer = await tempStore('postgres');
    const channel = observer.notifications.databaseChannel('turns');
    const rows = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from notification_watchers where channel = ${channel}`.execute(observer.db)).rows[0]?.n;
    // What a process killed while it watched leaves: the row of a connection that no longer exists.
    await sql`insert into notification_watchers (channel, pid, started) values (${channel}, 0, now())`.execute(observer.db);
    expect(await rows()).toBe(1);

    const watching = await openStore(observer.target);
    const stop = await watching.notifications.watch('turns', () => undefined);
    expect(await rows()).toBe(1); // its own; the dead one is gone
    await stop();
    expect(await rows()).toBe(0);
    await watching.notifications.watch('turns', () => undefined);
    expect(await rows()).toBe(1);
    // Closed while watching (a process stopping with streams open): writers stop notifying at once.
    await watching.close();
    expect(await rows()).toBe(0);
  });

  /** Whether writers notify `channel` now: a watched notification, then a plain one that always comes, heard by a plain listener. */
  async function writersNotify(store: Store, heard: Awaited<ReturnType<typeof inbox>>, round: string): Promise<boolean> {
    await store.db.transaction().execute((trx) => store.notifications.notifyWatchers(trx, 'turns', `watched ${round}`));
    await store.notifications.notify('turns', `plain ${round}`);
    // One connection's notifications arrive in commit order: once the plain one is here, the watched one was too, or never comes.
    await vi.waitFor(() => expect(heard.received).toContain(`plain ${round}`), { timeout: 5_000 });
    return heard.received.includes(`watched ${round}`);
  }

  it("count a watcher's row for writers only while its lease runs", async () => {
    const observer = await tempStore('postgres');
    const channel = observer.notifications.databaseChannel('turns');
    const heard = await inbox(observer, 'turns');
    // A row of a live connection (this pool's), as a watcher writes it.
    const row = (lease: string) => sql`
      insert into notification_watchers (channel, pid, started, alive_until)
      select ${channel}, pid, backend_start, now() + ${lease}::interval from pg_stat_activity where pid = pg_backend_pid()
      on conflict (channel, pid) do update set alive_until = excluded.alive_until`;
    await row('1 minute').execute(observer.db);
    expect(await writersNotify(observer, heard, '1')).toBe(true);
    // Not renewed in time (its process hangs or is gone): writers stop counting it, though its connection lives.
    await sql`update notification_watchers set alive_until = now() - interval '1 second' where channel = ${channel}`.execute(observer.db);
    expect(await writersNotify(observer, heard, '2')).toBe(false);
  });

  it('lose the row of a killed process by themselves: writers stop notifying and a live watcher deletes it, with no process starting', async () => {
    const observer = await tempStore('postgres');
    const channel = observer.notifications.databaseChannel('turns');
    const rows = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from notification_watchers where channel = ${channel}`.execute(observer.db)).rows[0]?.n;
    // A process that goes on watching another channel, its connection open before the death.
    const live = await openStore(observer.target, { watcherLeaseMs: 600 });
    try {
      await live.notifications.watch('other', () => undefined);
      const heard = await inbox(observer, 'turns');

      // Another process watches the conversations, then is killed: nothing of it says goodbye.
      const storeModule = fileURLToPath(new URL('./store.ts', import.meta.url));
      const script = `
        const { openStore } = await import(${JSON.stringify(storeModule)});
        const store = await openStore(process.argv[1], { watcherLeaseMs: 600 });
        await store.notifications.watch('turns', () => undefined);
        process.stdout.write('watching\\n');
        setInterval(() => undefined, 1_000);
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, observer.target], { stdio: ['ignore', 'pipe', 'inherit'] });
      let said = '';
      child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
      try {
        await vi.waitFor(() => expect(said).toContain('watching'), { timeout: 20_000, interval: 50 });
        expect(await rows()).toBe(1);
        expect(await writersNotify(observer, heard, 'before')).toBe(true);
      } finally {
        child.kill('SIGKILL');
      }
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');

      await vi.waitFor(async () => expect(await rows()).toBe(0), { timeout: 10_000, interval: 100 });
      expect(await writersNotify(observer, heard, 'after')).toBe(false);
    } finally {
      await live.close();
    }
  });
});
