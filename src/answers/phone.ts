import { accept, normalize, refuse, type AnswerResult } from './result.ts';

// Dashes people type in Japanese and English text; NFKC leaves most of them alone.
const DASH_LIKE = /[ー‐‑‒–—―−－ｰ]/g;
const PHONE = /^\+?[0-9 ()-]+$/;

/** The visitor's grouping (`090-1234-5678`, `+81 (90) 1234 5678`) is kept; only the dashes are unified. */
export function readPhone(raw: string): AnswerResult {
  const value = normalize(raw).replace(DASH_LIKE, '-');
  if (!value) return refuse('empty');
  if (!PHONE.test(value)) return refuse('phone');
  let digits = 0;
  for (const ch of value) if (ch >= '0' && ch <= '9') digits++;
  return digits < 6 || digits > 20 ? refuse('phone_digits') : accept(value);
}
