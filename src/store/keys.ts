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

/** Time-ordered ids (UUIDv7, monotonic within a process), so "newest first" holds within a millisecond too. */
export function newId(): string {
  return uuidv7();
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** A request field as stored: trimmed, and NULL when empty ("not given"). */
export function optional(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
