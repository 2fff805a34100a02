import type { Locale } from '../vocabulary/locales.ts';
// Type-only: the widget bundles this file, and variables.ts brings zod along.
import type { VisitorField } from '../vocabulary/variables.ts';
import { readEmail } from './email.ts';
import { readName } from './name.ts';
import { readPhone } from './phone.ts';
import type { AnswerReader } from './index.ts';
import type { HintCode } from './result.ts';

/**
 * How the visitor fields a site passes in (`Renkei.identify`, the start of a conversation) are
 * read: by the same readers as the answers to an `ask` of that kind. A company is a name.
 */
export const VISITOR_READERS: Readonly<Record<VisitorField, AnswerReader>> = {
  name: readName,
  email: readEmail,
  phone: readPhone,
  company: readName,
};

export type VisitorRead =
  { readonly ok: true; readonly values: Partial<Record<VisitorField, string>> } | { readonly ok: false; readonly field: VisitorField; readonly code: HintCode };

/**
 * Reads every given field, normalised; an empty or absent field is "not given". One refused
 * field refuses them all, so a site's mistake never half-applies.
 */
export function readVisitor(fields: Partial<Record<VisitorField, string>>, locale: Locale): VisitorRead {
  const values: Partial<Record<VisitorField, string>> = {};
  for (const field of Object.keys(VISITOR_READERS) as VisitorField[]) {
    const raw = fields[field];
    if (raw === undefined || raw.trim() === '') continue;
    const read = VISITOR_READERS[field](raw, locale);
    if (!read.ok) return { ok: false, field, code: read.code };
    values[field] = read.value;
  }
  return { ok: true, values };
}
