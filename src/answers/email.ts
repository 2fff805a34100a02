import { accept, normalize, refuse, type AnswerResult } from './result.ts';

// A local part, `@`, and a domain of at least two dot-separated labels. Deliberately loose on
// characters (internationalised addresses exist); the service that sends mail is the real judge.
const EMAIL = /^([^\s@]+)@((?:[^\s@.]+\.)+[^\s@.]+)$/;

export function readEmail(raw: string): AnswerResult {
  const value = normalize(raw);
  if (!value) return refuse('empty');
  const match = EMAIL.exec(value);
  if (!match || value.length > 254) return refuse('email');
  return accept(`${match[1]}@${match[2]!.toLowerCase()}`);
}
