import { readFile } from 'node:fs/promises';
import { loadBotText, where, type LoadResult } from './load-text.ts';
import { makeProblem } from './problem.ts';
import type { KnownValues } from './choice-values.ts';

export { loadBotText, MAX_EXPANDED_CHARS, type LoadResult } from './load-text.ts';

/** Reads and loads a bot file; a missing or unreadable file is a problem, not an exception. */
export async function loadBotFile(path: string, known?: KnownValues): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return { bot: null, problems: [makeProblem('file_unreadable', { reason: readFailure(e) }, where(path, null))] };
  }
  return loadBotText(text, path, known);
}

function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}
