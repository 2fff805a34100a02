import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCALES } from '../src/vocabulary/locales.ts';
import { renderBlockReference } from './block-reference.ts';

/** Writes docs/blocks.md and docs/ja/blocks.md from the block declarations (`npm run docs:blocks`). */
const PATHS = {
  en: fileURLToPath(new URL('../docs/blocks.md', import.meta.url)),
  ja: fileURLToPath(new URL('../docs/ja/blocks.md', import.meta.url)),
} as const;

for (const locale of LOCALES) {
  mkdirSync(dirname(PATHS[locale]), { recursive: true });
  writeFileSync(PATHS[locale], renderBlockReference(locale));
  console.log(`wrote ${PATHS[locale]}`);
}
