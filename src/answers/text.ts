import { accept, normalize, refuse, type AnswerResult } from './result.ts';

export function readText(raw: string): AnswerResult {
  const value = normalize(raw);
  return value ? accept(value) : refuse('empty');
}
