import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES } from '../src/connectors/registry.ts';
import type { Locale } from '../src/vocabulary/locales.ts';
import { documentedProviders, renderProviderTable, withProviderTables } from '../scripts/provider-reference.ts';

const PAGES: Readonly<Record<Locale, string>> = {
  en: fileURLToPath(new URL('../docs/integrations.md', import.meta.url)),
  ja: fileURLToPath(new URL('../docs/ja/integrations.md', import.meta.url)),
};

describe("the providers' settings tables", () => {
  it.each(['en', 'ja'] as const)('are what `npm run docs:providers` generates from the declarations (%s)', (locale) => {
    const page = readFileSync(PAGES[locale], 'utf8');
    expect(page, 'docs are stale: run `npm run docs:providers`').toBe(withProviderTables(page, locale));
  });

  it('name every setting and secret with its CLI option and admin API key', () => {
    const zoho = documentedProviders().find((p) => p.name === 'zoho');
    expect(zoho).toBeDefined();
    const table = renderProviderTable(zoho!, 'en');
    for (const [flag, key] of [
      ['--dc', 'settings.dc'],
      ['--client-id', 'settings.clientId'],
      ['--client-secret', 'secrets.clientSecret'],
    ]) {
      expect(table).toContain(`| \`${flag}\` | \`${key}\``);
    }
    expect(table).toContain('RENKEI_ZOHO_REFRESH_TOKEN');
    expect(documentedProviders().map((p) => p.name)).not.toContain('builtin');
    expect(PROVIDER_NAMES).toContain('builtin');
  });

  it('refuse a page that has no section for a provider with settings', () => {
    expect(() => withProviderTables('# Integrations\n', 'en')).toThrow(/provider-settings:zoho/);
  });
});
