import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCliReference, type DocLocale } from './cli-reference.ts';

/** Writes docs/cli.md and docs/ja/cli.md from the CLI's own definitions (`npm run docs:cli`). */
export const CLI_DOCS: Readonly<Record<DocLocale, string>> = {
  en: fileURLToPath(new URL('../docs/cli.md', import.meta.url)),
  ja: fileURLToPath(new URL('../docs/ja/cli.md', import.meta.url)),
};

for (const [locale, path] of Object.entries(CLI_DOCS) as [DocLocale, string][]) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderCliReference(locale));
  console.log(`wrote ${path}`);
}
