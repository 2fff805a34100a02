import { emailKey } from '../keys.ts';

/**
 * Whom a find, export or erasure is about: an email address or a phone number, and how either is
 * recognised in what visitors typed and what Renkei stored.
 *
 * - An email is compared as the store keys it (keys.ts: NFKC, trimmed, lower-cased), as a whole
 *   address: `taro@example.com` is found in "write to Taro@Example.com." but not in
 *   `xtaro@example.com` nor in `taro@example.com.au`.
 * - A phone number is compared by its digits, whatever the grouping or width the visitor typed:
 *   `090-1234-5678`, `(090) 1234 5678` and `０９０１２３４５６７８` are one number. A number written
 *   with its country code (`+81 90-1234-5678`) is the same as the national one with its trunk
 *   prefix 0 (`090-1234-5678`), the convention of Japan and most of Europe. A national number says
 *   nothing of its country, so it matches that number under any country code: a find shows what
 *   it matched before anything is erased.
 */
export type Subject = { readonly kind: 'email'; readonly value: string } | { readonly kind: 'phone'; readonly value: string; readonly international: boolean };

export const SUBJECT_KINDS = ['email', 'phone'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** A query that names nobody: which field, and what is wrong with it. */
export class SubjectError extends Error {
  override readonly name = 'SubjectError';
  readonly field: SubjectKind | 'query';
  constructor(field: SubjectKind | 'query', message: string) {
    super(message);
    this.field = field;
  }
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u;
const DASHES = /[ー‐‑‒–—―−－]/gu;
const PHONE_SHAPE = /^\+?[\d\s().-]+$/u;
export const PHONE_DIGITS = { min: 6, max: 20 } as const;

/** The subject of a query that gives exactly one of `email` and `phone`. */
export function subjectOf(query: { readonly email?: string | undefined; readonly phone?: string | undefined }): Subject {
  const email = query.email?.trim() || undefined;
  const phone = query.phone?.trim() || undefined;
  if (email !== undefined && phone !== undefined) throw new SubjectError('query', 'give an email or a phone number, not both');
  if (email !== undefined) {
    const key = emailKey(email);
    if (key === null || !EMAIL_SHAPE.test(key) || key.length > 320) {
      throw new SubjectError('email', 'email must be an address such as taro@example.com');
    }
    return { kind: 'email', value: key };
  }
  if (phone !== undefined) {
    const text = phone.normalize('NFKC').replace(DASHES, '-').trim();
    const digits = text.replace(/\D/g, '');
    if (!PHONE_SHAPE.test(text) || digits.length < PHONE_DIGITS.min || digits.length > PHONE_DIGITS.max) {
      throw new SubjectError(
        'phone',
        `phone must be a phone number of ${PHONE_DIGITS.min} to ${PHONE_DIGITS.max} digits, such as 090-1234-5678 or +81 90-1234-5678`,
      );
    }
    return { kind: 'phone', value: digits, international: text.startsWith('+') };
  }
  throw new SubjectError('query', 'give an email (email=…) or a phone number (phone=…)');
}

/** The subject as the query named it, for a document or a message: `email` or `phone`, and its normal form. */
export function describeSubject(subject: Subject): { readonly kind: SubjectKind; readonly value: string } {
  return { kind: subject.kind, value: subject.kind === 'phone' && subject.international ? `+${subject.value}` : subject.value };
}

/** Whether `text` mentions the subject (see the rules above). */
export function mentions(subject: Subject, text: string): boolean {
  if (text === '') return false;
  return subject.kind === 'email' ? mentionsEmail(subject.value, text) : mentionsPhone(subject, text);
}

/** Printable ASCII, which NFKC leaves as it is. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * False when JSON text certainly does not mention the subject, before it is parsed, so scans of a
 * large database skip most rows: plain ASCII text without the email in it (lower-cased), or
 * without the phone number's last digits among its digits (every form of a number ends with them,
 * and separators only ever stand between its digits).
 */
export function mayMentionJson(subject: Subject, json: string): boolean {
  // A `\u` escape may decode to a full-width character, which NFKC folds: only the parsed text can tell.
  if (!PRINTABLE_ASCII.test(json) || json.includes('\\u')) return true;
  if (subject.kind === 'email') return json.toLowerCase().includes(subject.value);
  return json.replace(/\D/g, '').includes(subject.value.slice(-(PHONE_DIGITS.min - 1)));
}

/** Whether any string inside a JSON value (object keys excluded) mentions the subject. */
export function mentionsIn(subject: Subject, value: unknown): boolean {
  if (typeof value === 'string') return mentions(subject, value);
  if (Array.isArray(value)) return value.some((v) => mentionsIn(subject, v));
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => mentionsIn(subject, v));
  return false;
}

/*
 * What may continue an address on either side. ASCII only: Japanese text glues an address to the
 * words around it (`メールはtaro@example.comです`), and those are not part of it.
 */
const LOCAL_CHAR = /[a-z0-9._%+-]/;
const DOMAIN_CHAR = /[a-z0-9_-]/;

function mentionsEmail(key: string, text: string): boolean {
  const folded = text.normalize('NFKC').toLowerCase();
  for (let at = folded.indexOf(key); at !== -1; at = folded.indexOf(key, at + 1)) {
    const before = folded[at - 1];
    const after = folded[at + key.length];
    const next = folded[at + key.length + 1];
    if (before !== undefined && LOCAL_CHAR.test(before)) continue;
    if (after !== undefined && (DOMAIN_CHAR.test(after) || (after === '.' && next !== undefined && DOMAIN_CHAR.test(next)))) continue;
    return true;
  }
  return false;
}

interface Phone {
  readonly digits: string;
  readonly international: boolean;
}

/** Runs of digits with the separators people group them with; `+` only in front. */
const PHONE_RUN = /\+?[(]?\d(?:[\d(). \t-]*\d)?/gu;

function mentionsPhone(subject: Extract<Subject, { kind: 'phone' }>, text: string): boolean {
  const wanted: Phone = { digits: subject.value, international: subject.international };
  const normal = text.normalize('NFKC').replace(DASHES, '-');
  for (const [run] of normal.matchAll(PHONE_RUN)) {
    const groups = run.match(/\d+/g) ?? [];
    // Two numbers may share a run ("090 1234 5678 03 1234 5678"): try every span of whole groups.
    for (let i = 0; i < groups.length; i++) {
      let digits = '';
      for (let j = i; j < groups.length && digits.length <= wanted.digits.length + 3; j++) {
        digits += groups[j]!;
        if (samePhone(wanted, { digits, international: i === 0 && run.startsWith('+') })) return true;
      }
    }
  }
  return false;
}

/** The same number: equal digits, or an international form and a national one with its trunk prefix 0. */
export function samePhone(a: Phone, b: Phone): boolean {
  if (a.digits === b.digits) return a.digits.length >= PHONE_DIGITS.min;
  if (a.international === b.international) return false;
  const [international, national] = a.international ? [a, b] : [b, a];
  if (!national.digits.startsWith('0') || national.digits.startsWith('00')) return false;
  const rest = national.digits.slice(1);
  const countryCode = international.digits.length - rest.length;
  return rest.length >= PHONE_DIGITS.min - 1 && countryCode >= 1 && countryCode <= 3 && international.digits.endsWith(rest);
}
