import type { FieldDeclaration } from '../declaration.ts';
import { optionalOrigin, optionalText, requiredText } from '../declaration.ts';

/** Salesforce's login servers: production and Developer Edition orgs, and sandboxes. */
export const PRODUCTION_LOGIN = 'https://login.salesforce.com';
export const SANDBOX_LOGIN = 'https://test.salesforce.com';

/** The settings of a `salesforce` integration: what `renkei integrations set ROLE salesforce` and the admin store. */
export const SALESFORCE_SETTINGS = {
  clientId: {
    schema: requiredText(),
    label: { en: 'Consumer key', ja: 'コンシューマー鍵' },
    help: {
      en: "The connected app's consumer key (client ID), from Setup → App Manager → the app → View → Manage Consumer Details.",
      ja: '接続アプリケーションのコンシューマー鍵（クライアント ID）。設定 → アプリケーションマネージャー → アプリ → 参照 → コンシューマーの詳細を管理 にあります。',
    },
    required: true,
    bindsSecrets: true,
  },
  loginUrl: {
    schema: optionalOrigin(),
    label: { en: 'Login URL', ja: 'ログイン URL' },
    help: {
      en: `The login server: ${PRODUCTION_LOGIN} (default; production and Developer Edition) or ${SANDBOX_LOGIN} (a sandbox).`,
      ja: `ログインサーバー。${PRODUCTION_LOGIN}（既定。本番組織と Developer Edition）または ${SANDBOX_LOGIN}（Sandbox）。`,
    },
    required: false,
    bindsSecrets: true,
    baseUrl: true,
  },
  defaultCompany: {
    schema: optionalText(),
    label: { en: 'Default company', ja: '既定の会社名' },
    help: {
      en: 'The Company of a lead whose visitor gave none, which Salesforce requires (default "Unknown").',
      ja: '訪問者が会社名を答えなかった見込み客の会社名。Salesforce では必須です（既定は "Unknown"）。',
    },
    required: false,
    roles: ['crm', 'mailing'],
  },
  leadSource: {
    schema: optionalText(),
    label: { en: 'Lead source', ja: 'リードソース' },
    help: {
      en: "The Lead Source of leads and contacts created from chats: one of the org's Lead Source values (none by default).",
      ja: 'チャットから作成する見込み客と取引先責任者のリードソース。組織のリードソースの値のいずれか（既定はなし）。',
    },
    required: false,
    roles: ['crm', 'mailing'],
  },
} as const satisfies Readonly<Record<string, FieldDeclaration>>;

/** Its secrets: sealed at rest, write-only. */
export const SALESFORCE_SECRETS = {
  clientSecret: {
    schema: requiredText(),
    label: { en: 'Consumer secret', ja: 'コンシューマーの秘密' },
    help: { en: "The connected app's consumer secret (client secret).", ja: '接続アプリケーションのコンシューマーの秘密（クライアントシークレット）。' },
    required: true,
    env: 'RENKEI_SALESFORCE_CLIENT_SECRET',
  },
  refreshToken: {
    schema: requiredText(),
    label: { en: 'Refresh token', ja: 'リフレッシュトークン' },
    help: {
      en: 'A refresh token from a grant with the scopes api and refresh_token (Connect gets one for you).',
      ja: 'スコープ api と refresh_token で発行したリフレッシュトークン（接続ボタンで取得できます）。',
    },
    required: true,
    env: 'RENKEI_SALESFORCE_REFRESH_TOKEN',
  },
} as const satisfies Readonly<Record<string, FieldDeclaration>>;
