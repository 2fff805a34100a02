import { DatabaseSync } from 'node:sqlite';

/**
 * Reads a running server's SQLite file from the test, as an operator with `sqlite3` would: a
 * read-only connection per question, so it never holds a snapshot or a lock the server waits on.
 */
export function peek<T>(file: string, read: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export interface EffectCounts {
  readonly pending: number;
  readonly running: number;
  readonly done: number;
}

/** The outbox by status. */
export function effectCounts(file: string): EffectCounts {
  const rows = peek(file, (db) => db.prepare('select status, count(*) as n from effects group by status').all()) as Array<{
    status: string;
    n: number;
  }>;
  const of = (status: string): number => rows.find((r) => r.status === status)?.n ?? 0;
  return { pending: of('pending'), running: of('running'), done: of('done') };
}

/** Conversations by visitor-visible status. */
export function conversationCounts(file: string): Record<string, number> {
  const rows = peek(file, (db) => db.prepare('select status, count(*) as n from conversations group by status').all()) as Array<{
    status: string;
    n: number;
  }>;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
