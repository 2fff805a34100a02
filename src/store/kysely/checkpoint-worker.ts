import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { MAX_ASK_MS, OPEN, WANTED } from './checkpoint-gate.ts';

/**
 * The checkpointer's thread (see checkpointer.ts): its own connection to the database file, which
 * copies the write-ahead log into the file while the server's thread goes on serving. Nothing here
 * reads or writes a table.
 */
interface Options {
  readonly path: string;
  readonly intervalMs: number;
  /**
   * Past this many frames (pages) of log, the thread makes the log start over even if the server
   * has to wait for it: RESTART blocks new writes while it copies what is left (little, after the
   * PASSIVE pass) and until the readers have moved on; the next commit then writes from the start
   * of the file.
   */
  readonly restartFrames: number;
  readonly busyTimeoutMs: number;
  /** The gate shared with the server's thread (checkpoint-gate.ts). */
  readonly gate: SharedArrayBuffer;
}

const { path, intervalMs, restartFrames, busyTimeoutMs, gate: shared } = workerData as Options;
const gate = new Int32Array(shared);
const port = parentPort;
if (!port) throw new Error('checkpoint-worker.ts runs as a worker thread');

let database: DatabaseSync;
try {
  database = new DatabaseSync(path, { timeout: busyTimeoutMs });
  // This connection never writes a page, so it never checkpoints on its own account either.
  database.exec('pragma wal_autocheckpoint = 0');
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
const passive = database.prepare('pragma wal_checkpoint(passive)');
const truncate = database.prepare('pragma wal_checkpoint(truncate)');
const restart = database.prepare('pragma wal_checkpoint(restart)');

interface Progress {
  readonly busy: number;
  /** Frames in the log. */
  readonly log: number;
  /** Of them, frames already copied into the database file. */
  readonly checkpointed: number;
}

/** How many passes a tick makes to catch up with a log that grows while it copies. */
const PASSES = 8;

let lastLog = -1;

/**
 * RESTART and TRUNCATE take the write lock while they copy the rest of the log and until readers
 * have moved off it: they run while the server's writes wait at the gate, its event loop free.
 */
function whileWritesWait(checkpoint: StatementSync): void {
  Atomics.store(gate, 0, WANTED);
  Atomics.wait(gate, 0, WANTED, MAX_ASK_MS);
  try {
    checkpoint.get();
  } finally {
    Atomics.store(gate, 0, OPEN);
    Atomics.notify(gate, 0);
  }
}

/**
 * A PASSIVE checkpoint never waits for the writer nor for readers: it copies what is in the log
 * and returns. The server's next write starts the log over from its start once everything in it is
 * copied (and nobody reads an older snapshot), so a tick copies again, for as long as the server
 * committed more while it copied — each pass has less to copy — so that such a moment comes.
 * Under a load that never leaves one, the log would grow without end: past restartFrames a
 * RESTART checkpoint bounds it. When the log has not grown since the last tick and everything in
 * it is copied, the server is idle: a TRUNCATE checkpoint empties the file.
 */
function tick(): void {
  try {
    let progress = passive.get() as unknown as Progress;
    for (let pass = 1; pass < PASSES && progress.checkpointed < progress.log; pass++) progress = passive.get() as unknown as Progress;
    const { log, checkpointed } = progress;
    if (log > restartFrames) {
      whileWritesWait(restart);
      lastLog = -1;
    } else if (log > 0 && log === checkpointed && log === lastLog) {
      whileWritesWait(truncate);
      lastLog = 0;
    } else {
      lastLog = log;
    }
  } catch {
    // SQLITE_BUSY (another connection checkpoints, or a reader held the log past the busy
    // timeout): the next tick tries again. A failing disk fails the server's own writes too.
    lastLog = -1;
  }
}

const timer = setInterval(tick, intervalMs);
port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  database.close();
  port.close();
});
port.postMessage({ ready: true });
