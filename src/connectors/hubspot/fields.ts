import type { FieldDeclaration } from '../declaration.ts';
import { optionalOrigin, requiredText } from '../declaration.ts';

/** HubSpot's API origin; the token endpoint is `{apiUrl}/oauth/v1/token`. */
export const HUBSPOT_API_ORIGIN = 'https://api.hubapi.com';
/** Where the admin approves the app (HubSpot's install/consent page). */
export const HUBSPOT_APP_ORIGIN = 'https://app.hubspot.com';

/** The settings of a `hubspot` integration: what `renkei integrations set ROLE hubspot` and the admin store. */
export const HUBSPOT_SETTINGS = {
  clientId: {
    schema: requiredText(),
    label: { en: 'Client ID', ja: 'クライアント ID' },
    help: {
      en: "The client ID of your HubSpot app (the app's Auth tab in your developer account).",
      ja: 'HubSpot アプリのクライアント ID（開発者アカウントのアプリの「認証」タブ）。',
    },
    required: true,
    bindsSecrets: true,
  },
  apiUrl: {
    schema: optionalOrigin(),
    label: { en: 'API URL', ja: 'API URL' },
    help: {
      en: 'The origin of the HubSpot API instead of https://api.hubapi.com (a test double, a proxy); it then serves the consent page too.',
      ja: 'https://api.hubapi.com に代えて使う HubSpot API のオリジン（テスト用の代替サーバー、プロキシ）。同意画面もそこに置かれます。',
    },
    required: false,
    bindsSecrets: true,
    baseUrl: true,
  },
} as const satisfies Readonly<Record<string, FieldDeclaration>>;

/** Its secrets: sealed at rest, write-only. */
export const HUBSPOT_SECRETS = {
  clientSecret: {
    schema: requiredText(),
    label: { en: 'Client secret', ja: 'クライアントシークレット' },
    help: {
      en: 'The client secret of your HubSpot app, beside its client ID.',
      ja: 'HubSpot アプリのクライアントシークレット（クライアント ID の隣にあります）。',
    },
    required: true,
    env: 'RENKEI_HUBSPOT_CLIENT_SECRET',
  },
  refreshToken: {
    schema: requiredText(),
    label: { en: 'Refresh token', ja: 'リフレッシュトークン' },
    help: {
      en: "The refresh token of the app's installation in your account (Connect fills it in).",
      ja: 'アカウントにインストールしたアプリのリフレッシュトークン（「接続」で自動的に入ります）。',
    },
    required: true,
    env: 'RENKEI_HUBSPOT_REFRESH_TOKEN',
  },
} as const satisfies Readonly<Record<string, FieldDeclaration>>;
