import { request } from 'undici';
import { z } from 'zod';
import { OAuthRefusal, type OAuthFlow } from '../declaration.ts';
import { errorCode } from '../remote/provider-said.ts';
import { dataCentre, officialOrigins, zohoOrigins } from './data-centres.ts';
import { describeNetworkError } from '../remote/network-error.ts';
import { revokeToken } from '../remote/oauth-revoke.ts';
import { zohoRevokeEndpoint } from './oauth.ts';

const TOKEN_TIMEOUT_MS = 15_000;

const granted = z.looseObject({ refresh_token: z.string().min(1).optional(), error: z.unknown().optional() });

function originsOf(settings: Readonly<Record<string, string | undefined>>) {
  const dc = dataCentre.safeParse(settings['dc']);
  if (!dc.success) throw new OAuthRefusal('the Zoho data centre (dc) is missing or unknown');
  return { dc: dc.data, origins: zohoOrigins(dc.data, { accountsUrl: settings['accountsUrl'], apiUrl: settings['apiUrl'] }) };
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The accounts server to trade the code at (and to revoke its grant at): the one Zoho's callback
 * names in `accounts-server`, only when it is the chosen data centre's own (or the configured
 * accountsUrl); else the data centre's.
 */
function accountsServer(settings: Readonly<Record<string, string | undefined>>, callback: URLSearchParams): string {
  const { dc, origins } = originsOf(settings);
  const named = callback.get('accounts-server');
  if (named === null || named === '') return origins.accounts;
  const origin = originOf(named);
  const allowed = new Set([...officialOrigins(dc).accountsUrl, origins.accounts]);
  if (origin === undefined || !allowed.has(origin)) {
    throw new OAuthRefusal(
      `Zoho's answer named the accounts server ${errorCode(named) ?? 'given'}, which is not Zoho's for the ${dc} data centre; the client secret was sent nowhere — check the data centre and connect again`,
    );
  }
  return origin;
}

/**
 * Zoho's authorization-code grant for a "Server-based Application" (Zoho Accounts' OAuth docs):
 * the consent page is `{accounts}/oauth/v2/auth` with the scopes comma-separated,
 * `access_type=offline` (or no refresh token comes back) and `prompt=consent` (a new refresh token
 * each time, so a reconnect replaces a revoked one). Zoho sends the browser back with `code`,
 * `location` and `accounts-server`; the code is traded at that accounts server's
 * `/oauth/v2/token` — only when it is the chosen data centre's own (or the configured
 * accountsUrl), so a forged callback cannot collect the client secret.
 */
export const zohoOAuthFlow: OAuthFlow = {
  grants: ['refreshToken'],
  registerHint: {
    en: 'Register this redirect URI with your app (a "Server-based Application" in Zoho\'s API console):',
    ja: 'このリダイレクト URI をアプリ（Zoho の API コンソールの「サーバーベースのアプリケーション」）に登録してください:',
  },
  consoleLabel: { en: 'Open the API console', ja: 'API コンソールを開く' },

  consoleUrl(settings) {
    const dc = dataCentre.safeParse(settings['dc']);
    if (!dc.success) return undefined;
    // The console lives beside the accounts server: api-console.zoho.<tld>, api-console.zohocloud.ca.
    return officialOrigins(dc.data).accountsUrl[0]?.replace('//accounts.', '//api-console.');
  },

  authorizeUrl(settings, { scopes, redirectUri, state }) {
    const { origins } = originsOf(settings);
    const clientId = settings['clientId'];
    if (!clientId) throw new OAuthRefusal('the client ID is missing');
    const url = new URL('/oauth/v2/auth', origins.accounts);
    url.search = new URLSearchParams({
      scope: scopes.join(','),
      client_id: clientId,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      redirect_uri: redirectUri,
      state,
    }).toString();
    return url.toString();
  },

  async exchange(settings, secrets, { code, redirectUri, callback }) {
    const accounts = accountsServer(settings, callback);
    const clientId = settings['clientId'];
    const clientSecret = secrets['clientSecret'];
    if (!clientId || !clientSecret) throw new OAuthRefusal('the client ID and client secret are required');
    const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, redirect_uri: redirectUri, code });
    let status: number;
    let text: string;
    try {
      const res = await request(new URL('/oauth/v2/token', accounts), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        headersTimeout: TOKEN_TIMEOUT_MS,
        bodyTimeout: TOKEN_TIMEOUT_MS,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new OAuthRefusal(`Zoho's accounts server could not be reached (${describeNetworkError(err)}); connect again`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = granted.safeParse(body);
    if (!parsed.success) throw new OAuthRefusal(`Zoho's accounts server gave an unreadable answer (HTTP ${status}); connect again`);
    if (parsed.data.error !== undefined) {
      const error = errorCode(parsed.data.error) ?? 'error';
      const hint =
        error === 'invalid_client'
          ? 'check the client ID, its secret and the data centre'
          : error === 'invalid_redirect_uri'
            ? `register ${redirectUri} as the client's redirect URI in Zoho's API console`
            : 'the code expired or was used; connect again';
      throw new OAuthRefusal(`Zoho refused the grant (${error}): ${hint}`);
    }
    if (!parsed.data.refresh_token) throw new OAuthRefusal('Zoho gave no refresh token (the grant was not offline); connect again');
    return { refreshToken: parsed.data.refresh_token };
  },

  async revoke(settings, granted, { callback }) {
    const token = granted['refreshToken'];
    if (!token) return { revoked: true, message: 'Zoho issued no refresh token' };
    let accounts: string;
    try {
      accounts = accountsServer(settings, callback);
    } catch (err) {
      return { revoked: false, message: err instanceof Error ? err.message : String(err) };
    }
    return revokeToken(zohoRevokeEndpoint(accounts), token, { timeoutMs: TOKEN_TIMEOUT_MS });
  },
};
