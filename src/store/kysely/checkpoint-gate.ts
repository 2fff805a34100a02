/**
 * How the checkpoint thread and the server's thread agree on a moment without writes, through one
 * shared integer: the thread asks (WANTED), the server's group commit answers at its next batch
 * (PAUSED: no write transaction open, its event loop free to go on serving), and the thread lets
 * it go (OPEN) once it has made the log start over. SQLite's own busy handler would make the
 * thread wait for a gap between two batches in sleeps of 1 ms and more, which a busy server never
 * leaves, or make the server's thread sleep in the lock while the thread copies.
 */
export const OPEN = 0;
export const WANTED = 1;
export const PAUSED = 2;

/** The longest a server's writes wait for the thread (it ended, or the disk hangs). */
export const MAX_PAUSE_MS = 1_000;
/** The longest the thread waits for the server's next batch before it checkpoints regardless. */
export const MAX_ASK_MS = 50;
