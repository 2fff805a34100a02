import { DatabaseSync } from 'node:sqlite';
import { sql, type Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from './schema.ts';
import type { Store } from './store.ts';
import { STORE_TARGETS, tempStore } from './test-support.ts';

const AT = '2026-01-01T00:00:00.000Z';

function addBot(trx: Transaction<Database>, id: string): Promise<unknown> {
  return trx.insertInto('bots').values({ id, name: id, latest_version: 0, created_at: AT, updated_at: AT }).execute();
}

async function botIds(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('bots').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}

describe.each(STORE_TARGETS)('store.transact on %s', (kind) => {
  it('commits transactions asked for at once, each with what it returned', async () => {
    const store = await tempStore(kind);
    const ids = Array.from({ length: 300 }, (_, i) => `bot-${String(i).padStart(3, '0')}`);
    const results = await Promise.all(ids.map((id) => store.transact(async (trx) => (await addBot(trx, id), id))));
    expect(results).toEqual(ids);
    expect(await botIds(store)).toEqual(ids);
  });

  it('rolls back only the transaction that failed, with its notifications, and gives its caller the error', async () => {
    const store = await tempStore(kind);
    const heard: string[] = [];
    await store.notifications.listen('changed', (payload) => heard.push(payload));
    const [first, failed, last] = await Promise.allSettled([
      store.transact(async (trx) => {
        await addBot(trx, 'kept-1');
        await store.notifications.notifyInTransaction(trx, 'changed', 'kept-1');
      }),
      store.transact(async (trx) => {
        await addBot(trx, 'dropped');
        await store.notifications.notifyInTransaction(trx, 'changed', 'dropped');
        await addBot(trx, 'kept-1'); // the first transaction's id: a unique violation
      }),
      store.transact(async (trx) => {
        await addBot(trx, 'kept-2');
        await store.notifications.notifyInTransaction(trx, 'changed', 'kept-2');
      }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(last.status).toBe('fulfilled');
    expect(failed.status).toBe('rejected');
    expect(String((failed as PromiseRejectedResult).reason)).toMatch(/unique|duplicate/i);
    expect(await botIds(store)).toEqual(['kept-1', 'kept-2']);
    // A notification arrives after those committed before it: once a later one is heard, the
    // rolled-back one can no longer come (no fixed wait that a loaded machine outlasts).
    await store.notifications.notify('changed', 'later');
    await expect.poll(() => heard.includes('later')).toBe(true);
    expect([...heard].sort()).toEqual(['kept-1', 'kept-2', 'later']);
  });
});

describe('store.transact on sqlite (group commit)', () => {
  it('answers a caller only once its transaction is on disk for any other connection to read', async () => {
    const store = await tempStore('sqlite');
    const other = new DatabaseSync(store.file, { readOnly: true });
    try {
      const seen = await Promise.all(
        ['a', 'b', 'c'].map(async (id) => {
          await store.transact((trx) => addBot(trx, id));
          return other.prepare('select id from bots where id = ?').get(id)?.['id'];
        }),
      );
      expect(seen).toEqual(['a', 'b', 'c']);
    } finally {
      other.close();
    }
  });

  it('fails every transaction of a batch whose commit fails, and keeps none of them', async () => {
    const store = await tempStore('sqlite');
    const results = await Promise.allSettled([
      store.transact((trx) => addBot(trx, 'innocent')),
      store.transact(async (trx) => {
        // A deferred foreign key is checked at the commit, which then fails for the whole batch.
        await sql`pragma defer_foreign_keys = on`.execute(trx);
        await trx
          .insertInto('bot_versions')
          .values({ bot_id: 'no-such-bot', version: 1, source: '', format: 'yaml', definition: '{}', created_at: AT, published_at: null })
          .execute();
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/foreign key/i);
    expect(await botIds(store)).toEqual([]);
    // The connection is usable again afterwards.
    await store.transact((trx) => addBot(trx, 'after'));
    expect(await botIds(store)).toEqual(['after']);
  });

  it('runs synchronous work in the same batches: one that throws is rolled back alone, with its notifications', async () => {
    const store = await tempStore('sqlite');
    const heard: string[] = [];
    await store.notifications.listen('changed', (payload) => heard.push(payload));
    const insert = 'insert into bots (id, name, latest_version, created_at, updated_at) values (?, ?, 0, ?, ?)';
    const [kept, failed, mixed] = await Promise.allSettled([
      store.transactSync!((trx) => {
        trx.notify('changed', 'sync-kept');
        return trx.run(insert, ['sync-kept', 'x', AT, AT]);
      }),
      store.transactSync!((trx) => {
        trx.run(insert, ['sync-dropped', 'x', AT, AT]);
        trx.notify('changed', 'sync-dropped');
        trx.run(insert, ['sync-kept', 'x', AT, AT]); // a unique violation
      }),
      store.transact(async (trx) => {
        await addBot(trx, 'async-kept');
        await store.notifications.notifyInTransaction(trx, 'changed', 'async-kept');
      }),
    ]);
    expect(kept).toEqual({ status: 'fulfilled', value: 1 });
    expect(mixed.status).toBe('fulfilled');
    expect(String((failed as PromiseRejectedResult).reason)).toMatch(/unique/i);
    expect(await botIds(store)).toEqual(['async-kept', 'sync-kept']);
    await store.notifications.notify('changed', 'later');
    await expect.poll(() => heard.includes('later')).toBe(true);
    expect([...heard].sort()).toEqual(['async-kept', 'later', 'sync-kept']);
  });

  it('reads together what is asked at once, each read its own rows or its own error, and waits for a transaction holding the connection', async () => {
    const store = await tempStore('sqlite');
    const read = 'select id from bots where id = ?';
    await store.transact((trx) => addBot(trx, 'a'));
    const [a, broken, none] = await Promise.allSettled([
      store.readSoon!(read, ['a']),
      store.readSoon!('select id from nowhere', []),
      store.readSoon!(read, ['b']),
    ]);
    expect(a).toEqual({ status: 'fulfilled', value: [{ id: 'a' }] });
    expect(String((broken as PromiseRejectedResult).reason)).toMatch(/no such table/);
    expect(none).toEqual({ status: 'fulfilled', value: [] });

    let during: Promise<unknown> | undefined;
    await expect(
      store.transact(async (trx) => {
        await addBot(trx, 'b');
        during = store.readSoon!(read, ['b']);
        // Past the turn of the event loop where the read runs when the connection is free.
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await during).toEqual([]);
    await store.transact((trx) => addBot(trx, 'b'));
    expect(await store.readSoon!(read, ['b'])).toEqual([{ id: 'b' }]);
  });
});
