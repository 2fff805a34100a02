import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { CHECK_PROBLEM_CODES } from '../../src/vocabulary/integration.ts';
import { en } from '../../web/admin/src/locales/en.ts';
import { ja } from '../../web/admin/src/locales/ja.ts';

/** The admin app's words for a failed integration check, as the Integrations page renders them. */
async function say(lng: 'en' | 'ja', code: string, params: Record<string, string>): Promise<string> {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources: { en: { translation: en }, ja: { translation: ja } }, interpolation: { escapeValue: false } });
  return i18n.t(`integrations.checkProblem.${code}`, params);
}

describe("an integration check's problem in the admin's language", () => {
  it.each(CHECK_PROBLEM_CODES)('words %s in English and Japanese', (code) => {
    expect(typeof en.integrations.checkProblem[code]).toBe('string');
    expect(typeof ja.integrations.checkProblem[code]).toBe('string');
  });

  it('names the missing scopes and the refused credentials in either language', async () => {
    const scopes = { scopes: 'ZohoCRM.coql.READ, ZohoCRM.settings.fields.READ' };
    expect(await say('en', 'scope_missing', scopes)).toBe(
      'The connection lacks a permission (scope) it needs: ZohoCRM.coql.READ, ZohoCRM.settings.fields.READ. Reconnect and approve these scopes.',
    );
    expect(await say('ja', 'scope_missing', scopes)).toBe(
      '接続に必要な権限（スコープ）がありません: ZohoCRM.coql.READ, ZohoCRM.settings.fields.READ。もう一度接続し、これらのスコープを承認してください。',
    );
    const detail = { detail: 'Zoho refused the refresh token (invalid_code)' };
    expect(await say('ja', 'credentials_refused', detail)).toBe(
      'サービスが認証情報を拒否しました（取り消し、期限切れ、または別のアカウントのもの）。もう一度接続してください。サービスの応答: Zoho refused the refresh token (invalid_code)',
    );
    expect(await say('en', 'credentials_refused', detail)).toMatch(/^The service refused the credentials .*invalid_code\)$/);
  });
});
