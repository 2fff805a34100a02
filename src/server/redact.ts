/*
 * What keeps personal data and secrets out of the logs. Visitors type emails and phone numbers
 * into chats, and those can surface anywhere a message is quoted (an error about an answer, a
 * search in the admin API's query string), so free text is scrubbed as well as known keys.
 */

const EMAIL = /[^\s@"'<>(),;:[\]]+@[^\s@"'<>(),;:[\]]+\.[^\s@"'<>(),;:[\]]+/g;

/**
 * A phone number as people write it: an optional country code and area code in parentheses,
 * then digits (ASCII or full-width) with at most one separator between two of them; not glued
 * to a word, a dot, a dash or a colon on either side (so ids, versions, IP addresses and times
 * stay). A sentence's full stop after it is fine.
 */
const D = '[\\d０-９]';
const SEP = '[\\s\\-－‐‑–—−ー]';
const PHONE_CANDIDATE = new RegExp(
  `(?<![\\w０-９.+＋\\-－])(?:[+＋]${D}{1,3}${SEP}?)?(?:[(（]${D}{1,5}[)）]${SEP}?)?${D}(?:${SEP}?${D}){4,}(?![\\w０-９\\-－:]|\\.${D})`,
  'g',
);
const DATE = /^\d{4}-\d{1,2}-\d{1,2}$/;
const MIN_PHONE_DIGITS = 6;

/** Keys whose values are never logged, whatever they hold. */
const SECRET_KEY = /authorization|cookie|token|secret|password|email|phone/i;

/**
 * Query parameters whose values are never logged (`token` for EventSource, `search`, `email`,
 * `phone` for admin lookups, an OAuth callback's grant `code` and `state`).
 */
const SECRET_PARAMS = new Set(['token', 'search', 'access_token', 'email', 'phone', 'code', 'state']);

export const REDACTED = '[redacted]';

function digitCount(text: string): number {
  return (text.match(/[\d０-９]/g) ?? []).length;
}

/** The text with emails and phone-like numbers replaced. */
export function scrubText(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE_CANDIDATE, (match) => (digitCount(match) >= MIN_PHONE_DIGITS && !DATE.test(match) ? '[phone]' : match));
}

/**
 * A copy of `value` fit for a log: secret-named keys redacted, strings scrubbed, depth-limited.
 * Errors are left to the logger's error serializer (which scrubs them itself).
 */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (depth > 6) return '[deep]';
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : scrubValue(v, depth + 1);
  }
  return out;
}

/** A request URL for the log: secret query values redacted, the rest scrubbed. */
export function scrubUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return scrubText(url);
  const params = new URLSearchParams(url.slice(q + 1));
  const kept: string[] = [];
  for (const [name, value] of params) {
    kept.push(`${name}=${SECRET_PARAMS.has(name) ? REDACTED : scrubText(value)}`);
  }
  return `${scrubText(url.slice(0, q))}?${kept.join('&')}`;
}
