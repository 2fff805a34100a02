import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { MAX_PAUSE_MS, OPEN, PAUSED, WANTED } from './checkpoint-gate.ts';

/**
 * SQLite copies its write-ahead log into the database file (a checkpoint) on the connection that
 * commits, inside the commit, whenever the log has grown past 1,000 pages: the write, and its
 * fsync, blocked the server's event loop for a quarter of its busy time under load. A server
 * process checkpoints in a thread of its own instead, on a second connection to the same file,
 * and the server's connection never does (`wal_autocheckpoint = 0`). Durability is unchanged: a
 * commit is durable once in the log (WAL with synchronous=NORMAL survives a process crash), and
 * the checkpoint only moves committed pages into the file.
 *
 * Other processes on the same file (the CLI) keep SQLite's automatic checkpoints.
 */
export interface Checkpointer {
  /**
   * Called before each write transaction of the group commit: while the thread makes the log
   * start over, a promise settled when it is done (writes wait; the event loop does not).
   */
  beforeWrite(): Promise<void> | undefined;
  /** Ends the thread after its current checkpoint; its connection is closed when this settles. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
  /** How often the thread copies the log into the file (default 100 ms). */
  readonly intervalMs?: number;
  /** Frames of log past which the thread makes it start over, writes waiting (default 8,192: 32 MB of 4 kB pages). */
  readonly restartFrames?: number;
  /** The thread ended without being asked to (the process then checkpoints as SQLite does by default). */
  readonly onEnded: () => void;
}

/**
 * Measured on a server under a hundred visitors' load (about 10,000 turns/s): a tick copies what
 * the log gained in one pass, and the log restarts by itself or past 8,192 frames about twice a
 * second, so the log file stays under about 60 MB. The restart holds writes back for a few
 * milliseconds, where SQLite's own checkpoint held the event loop every 1,000 frames.
 */
const DEFAULT_INTERVAL_MS = 100;
const DEFAULT_RESTART_FRAMES = 8_192;

export async function startCheckpointer(options: CheckpointerOptions): Promise<Checkpointer> {
  const shared = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const gate = new Int32Array(shared);
  const worker = new Worker(new URL('./checkpoint-worker.ts', import.meta.url), {
    workerData: {
      path: options.path,
      intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
      restartFrames: options.restartFrames ?? DEFAULT_RESTART_FRAMES,
      busyTimeoutMs: options.busyTimeoutMs,
      gate: shared,
    },
  });
  let stopping = false;
  const exited = once(worker, 'exit');
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', (message: { readonly error?: string }) => {
      if (message.error === undefined) resolve();
      else reject(new Error(`the checkpoint thread cannot open the database: ${message.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the checkpoint thread ended (exit code ${code})`)));
  });
  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  // An uncaught error ends the thread too, and 'exit' follows it.
  worker.on('error', () => undefined);
  worker.on('exit', () => {
    // Writes waiting for a thread that is gone go on at once.
    Atomics.store(gate, 0, OPEN);
    Atomics.notify(gate, 0);
    if (!stopping) options.onEnded();
  });
  // A server stops the thread when it closes its store; nothing else should wait for it.
  worker.unref();
  let paused: Promise<void> | undefined;
  return {
    beforeWrite() {
      if (paused) return paused;
      if (Atomics.compareExchange(gate, 0, WANTED, PAUSED) !== WANTED) return undefined;
      Atomics.notify(gate, 0);
      const wait = Atomics.waitAsync(gate, 0, PAUSED, MAX_PAUSE_MS);
      if (!wait.async) return undefined;
      paused = wait.value.then(() => {
        paused = undefined;
      });
      return paused;
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      // Held again until it has closed its connection: else a process with nothing else to do
      // would leave before the thread's exit, and its closing of the store would never settle.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
