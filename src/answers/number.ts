import { accept, normalize, refuse, type AnswerResult } from './result.ts';

// Either plain digits or digits grouped by three with `,`; `.` is the decimal point. Strict
// grouping refuses `1,5`, which a European visitor may mean as one and a half.
const NUMBER = /^([+-]?)((?:\d{1,3}(?:,\d{3})+)|\d+)(\.\d+)?$/;

/** The canonical text of a number (`１２，０００` → `12000`), or null when the text is not one. */
export function parseNumber(text: string): string | null {
  const match = NUMBER.exec(text);
  if (!match) return null;
  const sign = match[1] === '-' ? '-' : '';
  return `${sign}${match[2]!.replaceAll(',', '')}${match[3] ?? ''}`;
}

export function readNumber(raw: string): AnswerResult {
  const value = normalize(raw);
  if (!value) return refuse('empty');
  const number = parseNumber(value);
  return number === null ? refuse('number') : accept(number);
}
