import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/**
 * The form in which names and emails are compared: NFKC (full-width `ＴＡＲＯ＠…` is `taro@…`),
 * trimmed, lower-cased. Stored in `*_key` columns under unique indexes, so "the same email" is
 * decided by the database even when two creations race.
 */
export function normalKey(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}

/** The key of an email, or null when there is no email (NULLs never collide in a unique index). */
export function emailKey(email: string): string | null {
  const key = normalKey(email);
  return key === '' ? null : key;
}

/** Random bytes for ids, drawn from the system 8 kB at a time: one draw per id (uuid's default) costs an effect's write more than its statement. */
const POOL = new Uint8Array(16 * 512);
let drawn = POOL.length;
/** uuid's own monotonic state (updateV7State), kept here because the bytes are passed in. */
const clock = { msecs: -Infinity, seq: 0 };

/** Time-ordered ids (UUIDv7, monotonic within a process), so "newest first" holds within a millisecond too. */
export function newId(): string {
  if (drawn === POOL.length) {
    randomFillSync(POOL);
    drawn = 0;
  }
  const random = POOL.slice(drawn, (drawn += 16));
  const now = Date.now();
  if (now > clock.msecs) {
    clock.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    clock.msecs = now;
  } else {
    clock.seq = (clock.seq + 1) | 0;
    if (clock.seq === 0) clock.msecs++;
  }
  return uuidv7({ random, msecs: clock.msecs, seq: clock.seq });
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** A request field as stored: trimmed, and NULL when empty ("not given"). */
export function optional(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
