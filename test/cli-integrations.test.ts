import { userInfo } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDER_NAMES } from '../src/connectors/registry.ts';
import { listAudit } from '../src/store/audit.ts';
import { saveOAuthState } from '../src/store/oauth-states.ts';
import { openStore } from '../src/store/store.ts';
import { renkei, tempDir } from './helpers/cli.ts';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

/** `renkei integrations set` takes its options from the providers' declarations. */
describe('integrations set', () => {
  it('names the option at fault, the variable a secret may come from, and options a provider does not have', async () => {
    const missing = await renkei(['integrations', 'set', 'crm', 'zoho', '--dc', 'eu', '--client-id', '1000.X', '--db', t.db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('renkei: --client-secret (or $RENKEI_ZOHO_CLIENT_SECRET) is required for a Zoho integration');

    const foreign = await renkei(['integrations', 'set', 'crm', 'builtin', '--dc', 'eu', '--db', t.db]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('--dc is not an option of the builtin provider');

    const badUrl = await renkei(
      ['integrations', 'set', 'crm', 'zoho', '--dc', 'eu', '--client-id', '1000.X', '--accounts-url', 'https://accounts.example/path', '--db', t.db],
      {
        env: { RENKEI_ZOHO_CLIENT_SECRET: 's', RENKEI_ZOHO_REFRESH_TOKEN: 'r' },
      },
    );
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--accounts-url: must be an http(s) origin');

    const badDc = await renkei(['integrations', 'set', 'crm', 'zoho', '--dc', 'mars', '--db', t.db]);
    expect(badDc.code).not.toBe(0);
    expect(badDc.stderr).toContain('mars');

    const noCampaigns = await renkei(['integrations', 'set', 'mailing', 'zoho', '--dc', 'uk', '--client-id', '1000.X', '--db', t.db], {
      env: { RENKEI_ZOHO_CLIENT_SECRET: 's', RENKEI_ZOHO_REFRESH_TOKEN: 'r' },
    });
    expect(noCampaigns.code).toBe(2);
    expect(noCampaigns.stderr).toContain('--dc: is uk, where Zoho does not offer Campaigns');

    const unknown = await renkei(['integrations', 'set', 'crm', 'erp', '--db', t.db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`unknown provider "erp" (expected ${PROVIDER_NAMES.join(', ')})`);
  });

  it('stores settings from options and secrets from the environment; the CLI may set any base URL', async () => {
    const set = await renkei(
      ['integrations', 'set', 'helpdesk', 'zoho', '--dc', 'jp', '--client-id', '1000.X', '--org-id', '42', '--api-url', 'http://127.0.0.1:9', '--db', t.db],
      { env: { RENKEI_ZOHO_CLIENT_SECRET: 'secret-from-env', RENKEI_ZOHO_REFRESH_TOKEN: '1000.refresh-from-env' } },
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout.trim()).toBe('helpdesk integration set to Zoho (jp); run `renkei integrations check helpdesk` to test it');
    const list = await renkei(['integrations', 'list', '--json', '--db', t.db]);
    const helpdesk = (JSON.parse(list.stdout) as Array<{ role: string; settings: Record<string, string>; hasSecrets: boolean }>).find(
      (r) => r.role === 'helpdesk',
    );
    expect(helpdesk).toMatchObject({ settings: { dc: 'jp', clientId: '1000.X', orgId: '42', apiUrl: 'http://127.0.0.1:9' }, hasSecrets: true });
    expect(list.stdout).not.toContain('secret-from-env');

    const back = await renkei(['integrations', 'set', 'helpdesk', 'builtin', '--db', t.db]);
    expect(back.stdout.trim()).toBe('helpdesk integration set to the built-in store');
  });

  it("list shows where each role's service lives: Zoho's data centre, HubSpot's API host, Salesforce's login server — never a secret", async () => {
    const env = {
      RENKEI_ZOHO_CLIENT_SECRET: 'zoho-secret-from-env',
      RENKEI_ZOHO_REFRESH_TOKEN: '1000.zoho-refresh',
      RENKEI_HUBSPOT_CLIENT_SECRET: 'hubspot-secret-from-env',
      RENKEI_HUBSPOT_REFRESH_TOKEN: 'na1-hubspot-refresh',
      RENKEI_SALESFORCE_CLIENT_SECRET: 'salesforce-secret-from-env',
      RENKEI_SALESFORCE_REFRESH_TOKEN: '5Aep861salesforce-refresh',
    };
    const sets = [
      ['crm', 'zoho', '--dc', 'eu', '--client-id', '1000.X'],
      ['helpdesk', 'hubspot', '--client-id', 'hs-client'],
      ['mailing', 'salesforce', '--client-id', '3MVG9X', '--login-url', 'https://test.salesforce.com'],
    ];
    const said: string[] = [];
    for (const args of sets) {
      const set = await renkei(['integrations', 'set', ...args, '--db', t.db], { env });
      expect(set.code, set.stderr).toBe(0);
      said.push(set.stdout.trim());
    }
    expect(said.map((s) => s.replace(/;.*/, ''))).toEqual([
      'crm integration set to Zoho (eu)',
      'helpdesk integration set to HubSpot (api.hubapi.com)',
      'mailing integration set to Salesforce (test.salesforce.com)',
    ]);
    const list = await renkei(['integrations', 'list', '--db', t.db]);
    expect(list.stdout).toMatch(/^role\s+provider\s+where\s+enabled/m);
    expect(list.stdout).toMatch(/^crm\s+zoho\s+eu\s+yes\s/m);
    expect(list.stdout).toMatch(/^helpdesk\s+hubspot\s+api\.hubapi\.com\s+yes\s/m);
    expect(list.stdout).toMatch(/^mailing\s+salesforce\s+test\.salesforce\.com\s+yes\s/m);
    for (const secret of Object.values(env)) expect(list.stdout).not.toContain(secret);
  });

  it('records each change in the audit log as the CLI, by the operating-system user, never with a secret; a refused change records nothing', async () => {
    const env = { RENKEI_ZOHO_CLIENT_SECRET: 'audit-secret-0042', RENKEI_ZOHO_REFRESH_TOKEN: '1000.audit-refresh-0042' };
    const run = async (args: string[]) => {
      const result = await renkei([...args, '--db', t.db], { env });
      expect(result.code, result.stderr).toBe(0);
    };
    await run(['integrations', 'set', 'crm', 'zoho', '--dc', 'jp', '--client-id', '1000.X', '--api-url', 'http://127.0.0.1:9']);
    await run(['integrations', 'disable', 'crm']);
    await run(['integrations', 'enable', 'crm']);
    await run(['integrations', 'set', 'crm', 'builtin']);
    // Refused before anything is written: no entry either.
    expect((await renkei(['integrations', 'set', 'crm', 'zoho', '--dc', 'jp', '--db', t.db], { env })).code).toBe(2);

    const store = await openStore(t.db);
    try {
      const { items, total } = await listAudit(store.db);
      expect(total).toBe(4);
      const user = userInfo().username;
      expect(
        items
          .reverse()
          .map(({ actor, address, action, target, details }) => ({ actor: { kind: actor.kind, name: actor.name }, address, action, target, details })),
      ).toEqual([
        {
          actor: { kind: 'cli', name: user },
          address: null,
          action: 'integration.change',
          target: 'integration:crm',
          details: { provider: 'zoho', settings: { dc: 'jp', clientId: '1000.X', apiUrl: 'http://127.0.0.1:9' }, secretsChanged: true },
        },
        { actor: { kind: 'cli', name: user }, address: null, action: 'integration.disable', target: 'integration:crm', details: {} },
        { actor: { kind: 'cli', name: user }, address: null, action: 'integration.enable', target: 'integration:crm', details: {} },
        {
          actor: { kind: 'cli', name: user },
          address: null,
          action: 'integration.disconnect',
          target: 'integration:crm',
          details: { provider: 'builtin', settings: {}, secretsChanged: false },
        },
      ]);
      expect(JSON.stringify(items)).not.toMatch(/audit-secret|audit-refresh/);
    } finally {
      await store.close();
    }
  });

  it('disconnect: the role goes back to the built-in store, its settings, secrets and stored access tokens erased, audited', async () => {
    const env = { RENKEI_ZOHO_CLIENT_SECRET: 'gone-secret-0043', RENKEI_ZOHO_REFRESH_TOKEN: '1000.gone-refresh-0043' };
    const set = await renkei(['integrations', 'set', 'crm', 'zoho', '--dc', 'jp', '--client-id', '1000.X', '--db', t.db], { env });
    expect(set.code, set.stderr).toBe(0);
    // An access token a server process stored for these credentials.
    const before = await openStore(t.db);
    await before.db
      .insertInto('access_tokens')
      .values({ key: 'zoho:earned-by-the-old-credentials', token: 'sealed', use_until: 0, refreshed_at: null })
      .execute();
    await before.close();

    const off = await renkei(['integrations', 'disconnect', 'crm', '--db', t.db], { env });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toBe('crm integration disconnected: it uses the built-in store\n');

    const store = await openStore(t.db);
    try {
      expect(
        await store.db.selectFrom('integrations').select(['provider', 'settings', 'secrets', 'enabled']).where('role', '=', 'crm').executeTakeFirst(),
      ).toEqual({
        provider: 'builtin',
        settings: '{}',
        secrets: null,
        enabled: 1,
      });
      expect(await store.db.selectFrom('access_tokens').select('key').execute()).toEqual([]);
      const { items } = await listAudit(store.db, { action: 'integration.disconnect' });
      expect(items).toEqual([
        expect.objectContaining({ actor: expect.objectContaining({ kind: 'cli', name: userInfo().username }), target: 'integration:crm' }),
      ]);
    } finally {
      await store.close();
    }
    const bad = await renkei(['integrations', 'disconnect', 'erp', '--db', t.db]);
    expect(bad.code).toBe(2);
  });

  it("set and disconnect void the role's OAuth consents under way, and only the role's", async () => {
    const consent = (roles: ('crm' | 'helpdesk' | 'mailing')[]) => ({
      browserHash: 'b',
      provider: 'zoho',
      roles,
      settings: {},
      secrets: 'sealed',
      redirectUri: 'http://renkei.test/cb',
    });
    const pending = async () => {
      const store = await openStore(t.db);
      try {
        return (await store.db.selectFrom('oauth_states').select('state_hash').orderBy('state_hash').execute()).map((r) => r.state_hash);
      } finally {
        await store.close();
      }
    };
    const store = await openStore(t.db);
    await saveOAuthState(store.db, 'crm-and-helpdesk', consent(['crm', 'helpdesk']));
    await saveOAuthState(store.db, 'mailing', consent(['mailing']));
    await store.close();

    const off = await renkei(['integrations', 'disconnect', 'helpdesk', '--db', t.db]);
    expect(off.code, off.stderr).toBe(0);
    expect(await pending()).toEqual(['mailing']);
    const set = await renkei(['integrations', 'set', 'mailing', 'builtin', '--db', t.db]);
    expect(set.code, set.stderr).toBe(0);
    expect(await pending()).toEqual([]);
  });
});
