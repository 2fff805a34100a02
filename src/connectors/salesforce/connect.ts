import { request } from 'undici';
import { z } from 'zod';
import { OAuthRefusal, type OAuthFlow } from '../declaration.ts';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { PRODUCTION_LOGIN } from './fields.ts';
import { describeNetworkError } from '../remote/network-error.ts';
import { revokeToken } from '../remote/oauth-revoke.ts';
import { salesforceRevokeEndpoint } from './oauth.ts';

const TOKEN_TIMEOUT_MS = 15_000;

const granted = z.looseObject({ refresh_token: z.string().min(1).optional(), error: z.unknown().optional(), error_description: z.unknown().optional() });

/** The login server for these settings: the configured origin, else Salesforce's production one. */
export function loginOrigin(settings: Readonly<Record<string, string | undefined>>): string {
  return settings['loginUrl'] ?? PRODUCTION_LOGIN;
}

/**
 * Salesforce's OAuth 2.0 web server flow: the consent page is `{login}/services/oauth2/authorize`
 * (`response_type=code`, the scopes space-separated — `api refresh_token`; `prompt=consent` so a
 * reconnect asks again and gets a new refresh token). Salesforce sends the browser back with `code`
 * and `state`; the code is traded at the same login server's `/services/oauth2/token`
 * (`grant_type=authorization_code`), whose answer carries the refresh token (only when the grant
 * includes the `refresh_token` scope) and the org's `instance_url`, which each refresh gives again.
 */
export const salesforceOAuthFlow: OAuthFlow = {
  grants: ['refreshToken'],
  registerHint: {
    en: "Enter this as the Callback URL of your connected app (the org's Setup → App Manager; scopes api and refresh_token):",
    ja: 'これを接続アプリケーションのコールバック URL に入力してください（組織の「設定」→「アプリケーションマネージャ」、スコープは api と refresh_token）:',
  },

  // Connected apps are created in the org's own Setup (App Manager): no console URL outside the org.
  consoleUrl: () => undefined,

  authorizeUrl(settings, { scopes, redirectUri, state }) {
    const clientId = settings['clientId'];
    if (!clientId) throw new OAuthRefusal('the consumer key is missing');
    const url = new URL('/services/oauth2/authorize', loginOrigin(settings));
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: scopes.join(' '),
      prompt: 'consent',
      state,
    }).toString();
    return url.toString();
  },

  async exchange(settings, secrets, { code, redirectUri, callback }) {
    const denied = callback.get('error');
    if (denied)
      throw new OAuthRefusal(`Salesforce did not grant access (${errorCode(denied) ?? 'error'}${describe(callback.get('error_description'))}); connect again`);
    const clientId = settings['clientId'];
    const clientSecret = secrets['clientSecret'];
    if (!clientId || !clientSecret) throw new OAuthRefusal('the consumer key and consumer secret are required');
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uri: redirectUri,
      format: 'json',
    });
    let status: number;
    let text: string;
    try {
      const res = await request(new URL('/services/oauth2/token', loginOrigin(settings)), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        headersTimeout: TOKEN_TIMEOUT_MS,
        bodyTimeout: TOKEN_TIMEOUT_MS,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new OAuthRefusal(`the Salesforce login server could not be reached (${describeNetworkError(err)}); connect again`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = granted.safeParse(body);
    if (!parsed.success) throw new OAuthRefusal(`the Salesforce login server gave an unreadable answer (HTTP ${status}); connect again`);
    if (parsed.data.error !== undefined) {
      const error = errorCode(parsed.data.error) ?? 'error';
      const hint =
        error === 'invalid_client_id' || error === 'invalid_client'
          ? 'check the consumer key, its secret and the login URL (a sandbox uses https://test.salesforce.com)'
          : error === 'redirect_uri_mismatch'
            ? `register ${redirectUri} as the connected app's callback URL`
            : 'the code expired or was used; connect again';
      throw new OAuthRefusal(`Salesforce refused the grant (${error}${describe(parsed.data.error_description)}): ${hint}`);
    }
    if (!parsed.data.refresh_token) {
      throw new OAuthRefusal(
        'Salesforce gave no refresh token: add the scope refresh_token ("Perform requests at any time") to the connected app\'s selected OAuth scopes, then connect again',
      );
    }
    return { refreshToken: parsed.data.refresh_token };
  },

  async revoke(settings, granted) {
    const token = granted['refreshToken'];
    if (!token) return { revoked: true, message: 'Salesforce issued no refresh token' };
    return revokeToken(salesforceRevokeEndpoint(loginOrigin(settings)), token, { timeoutMs: TOKEN_TIMEOUT_MS });
  },
};

function describe(value: unknown): string {
  const message = errorMessage(value);
  return message ? `: ${message}` : '';
}
