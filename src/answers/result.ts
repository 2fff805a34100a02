/** Why an answer was refused; each code has a hint in every locale (./locales). */
export const HINT_CODES = ['empty', 'too_long', 'email', 'phone', 'phone_digits', 'number', 'date', 'date_impossible', 'url', 'choice'] as const;
export type HintCode = (typeof HINT_CODES)[number];

export type AnswerResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly code: HintCode };

export const accept = (value: string): AnswerResult => ({ ok: true, value });
export const refuse = (code: HintCode): AnswerResult => ({ ok: false, code });

/**
 * The C0 and C1 control characters and DEL, but tab and newline (a CR LF becomes a newline
 * first): a visitor has no reason to type them, and in a record shown on a terminal
 * (`renkei records`) `ESC ] … BEL` and its kind retitle the window, move the cursor or worse.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** The text without control characters (tab, newline and CR LF stay; CR LF becomes a newline). */
export const stripControls = (raw: string): string => raw.replaceAll('\r\n', '\n').replace(CONTROLS, '');

/**
 * Every answer is read this way first: control characters go, full-width letters, digits and
 * signs become their plain forms.
 */
export const normalize = (raw: string): string => stripControls(raw).normalize('NFKC').trim();
