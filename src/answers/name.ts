import { accept, normalize, refuse, type AnswerResult } from './result.ts';

export const NAME_MAX_LENGTH = 200;

/** Names are not judged (`O'Brien`, `<b>`, `%x%` are kept): they are only ever shown as text. */
export function readName(raw: string): AnswerResult {
  const value = normalize(raw);
  if (!value) return refuse('empty');
  // Counted in code points so that a name in kanji or with emoji gets the same 200 as one in ASCII.
  let length = 0;
  for (const _ of value) length++;
  return length > NAME_MAX_LENGTH ? refuse('too_long') : accept(value);
}
