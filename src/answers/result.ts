/** Why an answer was refused; each code has a hint in every locale (./locales). */
export const HINT_CODES = [
  'empty',
  'too_long',
  'email',
  'phone',
  'phone_digits',
  'number',
  'date',
  'date_impossible',
  'url',
  'choice',
] as const;
export type HintCode = (typeof HINT_CODES)[number];

export type AnswerResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly code: HintCode };

export const accept = (value: string): AnswerResult => ({ ok: true, value });
export const refuse = (code: HintCode): AnswerResult => ({ ok: false, code });

/** Every answer is read this way first: full-width letters, digits and signs become their plain forms. */
export const normalize = (raw: string): string => raw.normalize('NFKC').trim();
