import type { Locale } from '../vocabulary/locales.ts';
import { accept, normalize, refuse, type AnswerResult } from './result.ts';

const YEAR_FIRST = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;
const MONTH_FIRST = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const JAPANESE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/;

/** Which forms each locale reads, as [pattern, year group, month group, day group]. */
const FORMS: Record<Locale, readonly (readonly [RegExp, number, number, number])[]> = {
  // M/D/YYYY is the US order; in Japan D/M is never written this way, so only en reads it.
  en: [
    [YEAR_FIRST, 1, 2, 3],
    [MONTH_FIRST, 3, 1, 2],
  ],
  ja: [
    [YEAR_FIRST, 1, 2, 3],
    [JAPANESE, 1, 2, 3],
  ],
};

const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= days;
}

/** Stored as `YYYY-MM-DD` whatever the locale and the form typed. */
export function readDate(raw: string, locale: Locale): AnswerResult {
  const value = normalize(raw);
  if (!value) return refuse('empty');
  for (const [pattern, y, m, d] of FORMS[locale]) {
    const match = pattern.exec(value);
    if (!match) continue;
    const year = Number(match[y]);
    const month = Number(match[m]);
    const day = Number(match[d]);
    if (!isRealDate(year, month, day)) return refuse('date_impossible');
    return accept(`${match[y]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  }
  return refuse('date');
}
