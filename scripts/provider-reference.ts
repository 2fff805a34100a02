import type { FieldDeclaration, ProviderDeclaration } from '../src/connectors/declaration.ts';
import { PROVIDERS } from '../src/connectors/registry.ts';
import type { Locale } from '../src/vocabulary/locales.ts';

/**
 * The settings tables of docs/integrations.md and docs/ja/integrations.md, rendered from each
 * provider's declaration (`npm run docs:providers`). A provider's table sits between
 * `<!-- provider-settings:NAME -->` and `<!-- /provider-settings:NAME -->`; test/docs.test.ts fails
 * while a table is stale or a provider with settings has none.
 */

const WORDS = {
  en: {
    head: '| CLI option | admin API | required | what it is |',
    setting: 'setting',
    secret: 'secret — write-only, stored encrypted',
    yes: 'yes',
    no: 'no',
    only: (roles: string) => `${roles} only. `,
    choices: (values: string) => ` One of ${values}.`,
    env: (name: string) => ` The CLI reads \`$${name}\` when the option is not given.`,
    binds: ' Changing it drops the stored secrets unless new ones are given with it.',
    baseUrl: " Through the admin API only the service's own hosts, unless the server runs with `RENKEI_CUSTOM_SERVICE_URLS=1`.",
  },
  ja: {
    head: '| CLI オプション | 管理 API | 必須 | 内容 |',
    setting: '設定',
    secret: 'シークレット（書き込み専用、暗号化して保存）',
    yes: 'はい',
    no: 'いいえ',
    only: (roles: string) => `${roles} のみ。`,
    choices: (values: string) => ` ${values} のいずれか。`,
    env: (name: string) => ` オプションがないとき、CLI は \`$${name}\` を読みます。`,
    binds: ' 変えると、新しいシークレットを同時に渡さない限り、保存済みのシークレットは破棄されます。',
    baseUrl: ' 管理 API では、サーバーを `RENKEI_CUSTOM_SERVICE_URLS=1` で起動しない限り、そのサービス自身のホストだけです。',
  },
} as const;

const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const cell = (text: string): string => text.replace(/\|/g, '\\|');

function row(key: string, field: FieldDeclaration, secret: boolean, locale: Locale): string {
  const w = WORDS[locale];
  const what = [
    field.roles ? w.only(field.roles.map((r) => `\`${r}\``).join(', ')) : '',
    `${field.label[locale]}: ${field.help[locale]}`,
    field.choices ? w.choices(field.choices.map((c) => `\`${c}\``).join(', ')) : '',
    field.env ? w.env(field.env) : '',
    field.bindsSecrets ? w.binds : '',
    field.baseUrl ? w.baseUrl : '',
  ].join('');
  const api = `\`${secret ? 'secrets' : 'settings'}.${key}\` (${secret ? w.secret : w.setting})`;
  return `| \`${flagOf(key)}\` | ${api} | ${field.required ? w.yes : w.no} | ${cell(what)} |`;
}

/** One provider's table of settings and secrets. */
export function renderProviderTable(provider: ProviderDeclaration, locale: Locale): string {
  const rows = [
    ...Object.entries(provider.settings).map(([key, field]) => row(key, field, false, locale)),
    ...Object.entries(provider.secrets).map(([key, field]) => row(key, field, true, locale)),
  ];
  return [WORDS[locale].head, '|---|---|---|---|', ...rows].join('\n');
}

/** The providers whose docs need a settings table: those with anything to set. */
export function documentedProviders(): ProviderDeclaration[] {
  return PROVIDERS.filter((p) => Object.keys(p.settings).length + Object.keys(p.secrets).length > 0);
}

/** `page` with every provider's table rendered between its markers; a missing marker is an error. */
export function withProviderTables(page: string, locale: Locale): string {
  let out = page;
  for (const provider of documentedProviders()) {
    const open = `<!-- provider-settings:${provider.name} -->`;
    const close = `<!-- /provider-settings:${provider.name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) {
      throw new Error(`integrations.md (${locale}) has no ${open} … ${close} section for the ${provider.name} provider's settings`);
    }
    out = `${out.slice(0, start + open.length)}\n${renderProviderTable(provider, locale)}\n${out.slice(end)}`;
  }
  return out;
}
