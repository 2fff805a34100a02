import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locale } from '../src/vocabulary/locales.ts';
import { withProviderTables } from './provider-reference.ts';

/** Writes each provider's settings table into docs/integrations.md and docs/ja/integrations.md (`npm run docs:providers`). */
export const PROVIDER_DOCS: Readonly<Record<Locale, string>> = {
  en: fileURLToPath(new URL('../docs/integrations.md', import.meta.url)),
  ja: fileURLToPath(new URL('../docs/ja/integrations.md', import.meta.url)),
};

for (const [locale, path] of Object.entries(PROVIDER_DOCS) as [Locale, string][]) {
  writeFileSync(path, withProviderTables(readFileSync(path, 'utf8'), locale));
  console.log(`wrote ${path}`);
}
