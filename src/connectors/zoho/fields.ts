import type { FieldDeclaration } from '../declaration.ts';
import { oneOf, optionalOrigin, optionalText, requiredText } from '../declaration.ts';
import { DATA_CENTRES } from './data-centres.ts';

/** The settings of a `zoho` integration: what `renkei integrations set ROLE zoho` and the admin store. */
export const ZOHO_SETTINGS = {
  dc: {
    schema: oneOf(DATA_CENTRES),
    label: { en: 'Data centre', ja: 'データセンター' },
    help: {
      en: 'Where your Zoho account lives: the domain you sign in at (zoho.eu → eu, zohocloud.ca → ca).',
      ja: 'Zoho アカウントのあるデータセンター。サインインするドメインで決まります（zoho.jp → jp、zohocloud.ca → ca）。',
    },
    required: true,
    choices: DATA_CENTRES,
    bindsSecrets: true,
  },
  clientId: {
    schema: requiredText(),
    label: { en: 'Client ID', ja: 'クライアント ID' },
    help: { en: "The Self Client's client ID, from the API console.", ja: 'API コンソールにある Self Client のクライアント ID。' },
    required: true,
    bindsSecrets: true,
  },
  orgId: {
    schema: optionalText(),
    label: { en: 'Desk organisation ID', ja: 'Desk 組織 ID' },
    help: {
      en: 'The Zoho Desk organisation (portal); may be left out when the account sees only one.',
      ja: 'Zoho Desk の組織（ポータル）。アカウントから見える組織が 1 つだけなら省略できます。',
    },
    required: false,
    roles: ['helpdesk'],
    bindsSecrets: true,
  },
  accountsUrl: {
    schema: optionalOrigin(),
    label: { en: 'Accounts URL', ja: 'Accounts URL' },
    help: {
      en: "The accounts server's origin, instead of the data centre's (a test double, a proxy).",
      ja: 'データセンターのものに代えて使うアカウントサーバーのオリジン（テスト用の代替サーバー、プロキシ）。',
    },
    required: false,
    bindsSecrets: true,
    baseUrl: true,
  },
  apiUrl: {
    schema: optionalOrigin(),
    label: { en: 'API URL', ja: 'API URL' },
    help: {
      en: "One origin for the CRM, Desk and Campaigns APIs, instead of the data centre's.",
      ja: 'データセンターのものに代えて CRM、Desk、Campaigns の API に使う 1 つのオリジン。',
    },
    required: false,
    bindsSecrets: true,
    baseUrl: true,
  },
  defaultCompany: {
    schema: optionalText(),
    label: { en: 'Default company', ja: '既定の会社名' },
    help: {
      en: 'The company of a lead whose visitor gave none (default "Unknown").',
      ja: '訪問者が会社名を答えなかった見込み客の会社名（既定は "Unknown"）。',
    },
    required: false,
    roles: ['crm'],
  },
} as const satisfies Readonly<Record<string, FieldDeclaration>>;

/** Its secrets: sealed at rest, write-only. */
export const ZOHO_SECRETS = {
  clientSecret: {
    schema: requiredText(),
    label: { en: 'Client secret', ja: 'クライアントシークレット' },
    help: { en: "The Self Client's client secret.", ja: 'Self Client のクライアントシークレット。' },
    required: true,
    env: 'RENKEI_ZOHO_CLIENT_SECRET',
  },
  refreshToken: {
    schema: requiredText(),
    label: { en: 'Refresh token', ja: 'リフレッシュトークン' },
    help: { en: 'A refresh token from a grant with the scopes of the roles it serves.', ja: '担当するロールのスコープで発行したリフレッシュトークン。' },
    required: true,
    env: 'RENKEI_ZOHO_REFRESH_TOKEN',
  },
} as const satisfies Readonly<Record<string, FieldDeclaration>>;
