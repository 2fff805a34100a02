import { accept, normalize, refuse, type AnswerResult } from './result.ts';

/** Stored in the WHATWG serialisation (`https://Example.com` → `https://example.com/`), safe to link to. */
export function readUrl(raw: string): AnswerResult {
  const value = normalize(raw);
  if (!value) return refuse('empty');
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return refuse('url');
  return accept(url.href);
}
