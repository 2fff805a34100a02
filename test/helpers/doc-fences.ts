import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './cli.ts';

/** The code blocks of the documentation, for the tests that check its bots and run its shell examples. */
export const DOCS = join(ROOT, 'docs');

export function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(path);
    return e.name.endsWith('.md') ? [path] : [];
  });
}

export interface Fence {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly body: string;
  /** The HTML comment on the last non-blank line before the fence (`invalid`, `runnable`), if any. */
  readonly mark: string | null;
}

/** Fenced code blocks of a Markdown file (``` fences at the start of a line). */
export function fences(file: string): Fence[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const close = lines.findIndex((l, j) => j > i && l.startsWith(open[1]!) && l.trim() === open[1]);
    if (close === -1) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const mark = before >= 0 ? (/^<!--\s*([\w-]+)\s*-->$/.exec(lines[before]!.trim())?.[1] ?? null) : null;
    out.push({ file: relative(ROOT, file), line: i + 1, lang: open[2]!, body: lines.slice(i + 1, close).join('\n'), mark });
    i = close;
  }
  return out;
}

/** Every fence of every page under docs/. */
export const docFences = (): Fence[] => markdownFiles(DOCS).flatMap(fences);

export const where = (f: Fence): string => `${f.file}:${f.line}`;
