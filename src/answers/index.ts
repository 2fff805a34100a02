import type { AskKind } from '../vocabulary/ask-kinds.ts';
import type { Locale } from '../vocabulary/locales.ts';
import { readDate } from './date.ts';
import { readEmail } from './email.ts';
import { readName } from './name.ts';
import { readNumber } from './number.ts';
import { readPhone } from './phone.ts';
import type { AnswerResult } from './result.ts';
import { readText } from './text.ts';
import { readUrl } from './url.ts';

export type { AnswerResult, HintCode } from './result.ts';
export { HINT_CODES, normalize, stripControls } from './result.ts';
export { parseNumber } from './number.ts';

export type AnswerReader = (raw: string, locale: Locale) => AnswerResult;

/** How each `ask` kind reads an answer (DESIGN.md "How answers are read"). */
export const ANSWERS: Record<AskKind, AnswerReader> = {
  text: readText,
  name: readName,
  email: readEmail,
  phone: readPhone,
  number: readNumber,
  date: readDate,
  url: readUrl,
};
