import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startCheckpointer } from './kysely/checkpointer.ts';
import { scrubFiles } from './personal-data/erase.ts';
import { openStore } from './store.ts';
import { tempDir } from './test-support.ts';

const walSize = (file: string): number => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

/** A server's connection: WAL, synchronous=NORMAL, never checkpointing itself. */
function writer(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: 5_000 });
  db.exec('pragma journal_mode = wal; pragma synchronous = normal; pragma wal_autocheckpoint = 0');
  db.exec('create table if not exists t (id integer primary key, body blob not null)');
  onTestFinished(() => db.close());
  return db;
}

describe('the checkpoint thread', () => {
  it('keeps the log bounded while a writer commits batch after batch, and every row reaches the database file', async () => {
    const file = join(tempDir(), 'bounded.db');
    const db = writer(file);
    const checkpointer = await startCheckpointer({ path: file, busyTimeoutMs: 5_000, intervalMs: 10, restartFrames: 256, onEnded: () => undefined });
    const insert = db.prepare('insert into t (body) values (randomblob(8192))');
    let largest = 0;
    let written = 0;
    // About 100 MB of pages in batches of 20 rows, as the group commit writes them, asking the
    // thread before each (GroupCommit does) and never pausing otherwise: the thread copies beside it.
    let paused = 0;
    for (let batch = 0; batch < 600; batch++) {
      const pause = checkpointer.beforeWrite();
      if (pause) {
        paused++;
        await pause;
      }
      db.exec('begin immediate');
      for (let i = 0; i < 20; i++) insert.run();
      db.exec('commit');
      written += 20 * 8192;
      largest = Math.max(largest, walSize(file));
    }
    await checkpointer.stop();
    expect(written).toBeGreaterThan(90_000_000);
    // Without the thread the log would hold all of it. How far it grows between two restarts
    // depends on how soon the thread gets a core: a few MB here when the machine is quiet.
    expect(largest).toBeLessThan(written / 3);
    expect(paused).toBeGreaterThan(2);
    db.exec('pragma wal_checkpoint(truncate)');
    expect(walSize(file)).toBe(0);
    const reader = new DatabaseSync(file, { readOnly: true });
    expect(reader.prepare('select count(*) as n from t').get()).toEqual({ n: 12_000 });
    reader.close();
  }, 60_000);

  it('empties the log once the writer is idle', async () => {
    const file = join(tempDir(), 'idle.db');
    const db = writer(file);
    const checkpointer = await startCheckpointer({ path: file, busyTimeoutMs: 5_000, intervalMs: 20, onEnded: () => undefined });
    onTestFinished(() => checkpointer.stop());
    for (let i = 0; i < 200; i++) db.prepare('insert into t (body) values (randomblob(4096))').run();
    expect(walSize(file)).toBeGreaterThan(800_000);
    await until(() => walSize(file) === 0);
  });

  it('does not start when its connection cannot open the file (the store then checkpoints as SQLite does)', async () => {
    const file = join(tempDir(), 'gone.db');
    writer(file);
    let ended = 0;
    // A path that is a directory: the thread's connection cannot open it, so it never starts.
    await expect(startCheckpointer({ path: tempDir(), busyTimeoutMs: 100, onEnded: () => ended++ })).rejects.toThrow();
    expect(ended).toBe(0);
  });
});

describe('a SQLite store that checkpoints in the background (a server)', () => {
  it('never checkpoints on its own connection, serves writes and reads, and leaves no log behind when closed', async () => {
    const file = join(tempDir(), 'server.db');
    const store = await openStore(file, { checkpointInBackground: true });
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db);
    expect(rows[0]?.wal_autocheckpoint).toBe(0);
    await sql`create table notes (id integer primary key, body text not null)`.execute(store.db);
    for (let i = 0; i < 50; i++) await store.transact((trx) => sql`insert into notes (body) values (${'x'.repeat(3000)})`.execute(trx));
    await until(() => walSize(file) === 0);
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = await openStore(file);
    const { rows: counted } = await sql<{ n: number }>`select count(*) as n from notes`.execute(again.db);
    expect(counted[0]?.n).toBe(50);
    await again.close();
  });

  it('shares the file with a process that checkpoints as SQLite does (the CLI), and an erasure still empties the log', async () => {
    const file = join(tempDir(), 'shared.db');
    const server = await openStore(file, { checkpointInBackground: true });
    onTestFinished(() => server.close());
    const cli = await openStore(file);
    onTestFinished(() => cli.close());
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(cli.db);
    expect(rows[0]?.wal_autocheckpoint).toBe(1_000);
    await sql`create table notes (id integer primary key, by text not null, body text not null)`.execute(server.db);
    const write = (store: typeof server, by: string) =>
      store.transact((trx) => sql`insert into notes (by, body) values (${by}, ${'y'.repeat(2000)})`.execute(trx));
    await Promise.all(Array.from({ length: 40 }, (_, i) => write(i % 2 ? server : cli, i % 2 ? 'server' : 'cli')));
    for (const store of [server, cli]) {
      const { rows: counted } = await sql<{ by: string; n: number }>`select by, count(*) as n from notes group by by order by by`.execute(store.db);
      expect(counted).toEqual([
        { by: 'cli', n: 20 },
        { by: 'server', n: 20 },
      ]);
    }
    // personal-data/erase.ts: the erased rows' old pages must leave the log at once.
    await write(server, 'server');
    expect(walSize(file)).toBeGreaterThan(0);
    expect(await scrubFiles(server)).toBe(true);
    expect(walSize(file)).toBe(0);
  });
});
