import { createServer, type IncomingMessage } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConnectors, providersFor } from '../../connectors/registry.ts';
import { storedAccessTokenCache } from '../../connectors/remote/stored-access-token-cache.ts';
import { createWebhookConnector } from '../../connectors/webhook/webhook.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { setIntegration } from '../../store/integrations.ts';
import { openStore } from '../../store/store.ts';
import { startFakeZoho } from '../../../test/fake-zoho/index.ts';
import { BOTS } from '../../runtime/test-support.ts';
import { SECRET_KEY, testServer, type TestServer } from '../test-support.ts';

const CLIENT_SECRET = 'client-secret-never-shown-7731';
const REFRESH_TOKEN = '1000.refresh-token-never-shown-5520';

const zohoBody = (origin: string, secrets?: Record<string, string>) => ({
  provider: 'zoho',
  settings: { dc: 'jp', clientId: '1000.CLIENT', accountsUrl: origin, apiUrl: origin },
  ...(secrets ? { secrets } : {}),
});

const put = (s: TestServer, role: string, payload: object) => s.admin({ method: 'PUT', url: `/api/v1/admin/integrations/${role}`, payload });

/** Tests that point Zoho at 127.0.0.1 through the admin API run the server as one for fakes would. */
const CUSTOM_URLS = { env: { RENKEI_CUSTOM_SERVICE_URLS: '1' } };

const storedSecrets = async (s: TestServer, role: string): Promise<Record<string, string> | null> => {
  const row = await s.store.db
    .selectFrom('integrations')
    .select('secrets')
    .where('role', '=', role as 'crm')
    .executeTakeFirstOrThrow();
  return row.secrets === null ? null : new SecretBox(Buffer.from(SECRET_KEY, 'hex')).open(row.secrets);
};

/** A local server that answers every request with `answer` and keeps what it was sent. */
async function foreignServer(answer: { status: number; type: string; body: string }) {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, seen };
}

describe('integrations', () => {
  it('lists the built-in integrations of a new installation', async () => {
    const s = await testServer();
    const res = await s.admin({ url: '/api/v1/admin/integrations' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((i: { role: string; provider: string; enabled: boolean }) => [i.role, i.provider, i.enabled])).toEqual([
      ['crm', 'builtin', true],
      ['helpdesk', 'builtin', true],
      ['mailing', 'builtin', true],
    ]);
  });

  it('stores Zoho secrets sealed and never returns them, and keeps them when a later change omits them', async () => {
    const s = await testServer(CUSTOM_URLS);
    const set = await put(s, 'crm', zohoBody('http://127.0.0.1:9', { clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN }));
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ role: 'crm', provider: 'zoho', status: 'unchecked', hasSecrets: true, enabled: true });
    expect(set.json()).not.toHaveProperty('secrets');

    const listed = await s.admin({ url: '/api/v1/admin/integrations' });
    for (const body of [set.body, listed.body]) {
      expect(body).not.toContain(CLIENT_SECRET);
      expect(body).not.toContain(REFRESH_TOKEN);
    }

    const row = await s.store.db.selectFrom('integrations').select('secrets').where('role', '=', 'crm').executeTakeFirstOrThrow();
    expect(row.secrets).not.toContain(CLIENT_SECRET);
    const box = new SecretBox(Buffer.from(SECRET_KEY, 'hex'));
    expect(box.open(row.secrets ?? '')).toEqual({ clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN });

    // A setting that does not decide where the secrets go keeps them.
    const changed = await put(s, 'crm', {
      ...zohoBody('http://127.0.0.1:9'),
      settings: { ...zohoBody('http://127.0.0.1:9').settings, defaultCompany: 'Walk-in' },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ hasSecrets: true, status: 'unchecked', settings: { defaultCompany: 'Walk-in' } });
    const kept = await s.store.db.selectFrom('integrations').select('secrets').where('role', '=', 'crm').executeTakeFirstOrThrow();
    expect(box.open(kept.secrets ?? '')).toEqual({ clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN });
    expect(s.logs.join('\n')).not.toContain(CLIENT_SECRET);
  });

  it('refuses incomplete or misplaced settings and secrets with 400 naming the field, never quoting a secret', async () => {
    const s = await testServer(CUSTOM_URLS);
    const noClient = await put(s, 'crm', { provider: 'zoho', settings: { dc: 'jp' }, secrets: { clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN } });
    expect(noClient.statusCode).toBe(400);
    expect(noClient.json().error.field).toBe('settings.clientId');

    const badSecrets = await put(s, 'crm', zohoBody('http://127.0.0.1:9', { clientSecret: CLIENT_SECRET, refrshToken: REFRESH_TOKEN }));
    expect(badSecrets.statusCode).toBe(400);
    expect(badSecrets.json().error.field).toMatch(/^secrets\./);
    expect(badSecrets.body).not.toContain(CLIENT_SECRET);
    expect(badSecrets.body).not.toContain(REFRESH_TOKEN);

    const newWithoutSecrets = await put(s, 'helpdesk', zohoBody('http://127.0.0.1:9'));
    expect(newWithoutSecrets.statusCode).toBe(400);
    expect(newWithoutSecrets.json().error.field).toBe('secrets');

    const builtinSecrets = await put(s, 'crm', { provider: 'builtin', secrets: { password: 'x' } });
    expect(builtinSecrets.statusCode).toBe(400);
    const unknownProvider = await put(s, 'crm', { provider: 'salesforce' });
    expect(unknownProvider.statusCode).toBe(400);
    const unknownRole = await put(s, 'billing', { provider: 'builtin' });
    expect(unknownRole.statusCode).toBe(400);

    // Nothing changed.
    const crm = (await s.admin({ url: '/api/v1/admin/integrations' })).json().items[0];
    expect(crm).toMatchObject({ role: 'crm', provider: 'builtin' });
  });

  it('checks the built-in store as ok, and Zoho credentials against the service', async () => {
    const fake = await startFakeZoho();
    onTestFinished(() => fake.close());
    const s = await testServer(CUSTOM_URLS);

    const builtin = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' });
    expect(builtin.statusCode).toBe(200);
    expect(builtin.json()).toMatchObject({ ok: true, integration: { role: 'crm', status: 'ok' } });

    const good = { clientSecret: fake.client.clientSecret, refreshToken: fake.client.refreshToken };
    await put(s, 'crm', { ...zohoBody(fake.url, good), settings: { ...zohoBody(fake.url).settings, clientId: fake.client.clientId } });
    const ok = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' });
    expect(ok.json()).toMatchObject({ ok: true, integration: { status: 'ok', hasSecrets: true } });
    expect(ok.json().integration.lastSuccessAt).not.toBeNull();

    fake.revokeRefreshToken(fake.client.refreshToken);
    const refused = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' });
    expect(refused.statusCode).toBe(200);
    expect(refused.json().ok).toBe(false);
    expect(refused.json().message).toEqual(expect.any(String));
    // The admin app words it in the admin's language from the code; the service's words ride along.
    expect(refused.json().problem).toEqual({ code: 'credentials_refused', params: { detail: expect.stringMatching(/invalid_code|revoked|refresh/i) } });
    expect(refused.json().integration.status).toBe('invalid');
    expect(refused.body).not.toContain(fake.client.clientSecret);
  });

  it('names the scopes a grant lacks as a code and parameters the admin app words in en or ja', async () => {
    const fake = await startFakeZoho();
    onTestFinished(() => fake.close());
    const s = await testServer(CUSTOM_URLS);
    // A grant made before COQL's extra scope was documented.
    const client = { clientId: '1000.SCOPES', clientSecret: 'scopes-secret', refreshToken: '1000.scopes.refresh' };
    fake.addClient({ ...client, scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.coql.READ', 'ZohoCRM.org.READ'] });
    await put(s, 'crm', {
      ...zohoBody(fake.url, { clientSecret: client.clientSecret, refreshToken: client.refreshToken }),
      settings: { ...zohoBody(fake.url).settings, clientId: client.clientId },
    });
    const check = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' });
    expect(check.json()).toMatchObject({
      ok: false,
      problem: { code: 'scope_missing', params: { scopes: 'ZohoCRM.coql.READ, ZohoCRM.settings.fields.READ, ZohoCRM.modules.leads.READ' } },
      integration: { status: 'invalid' },
    });

    await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/disable' });
    const off = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' });
    expect(off.json()).toMatchObject({ ok: false, problem: { code: 'disabled', params: {} } });
  });

  it("checks with the installation's shared access token, and drops it when the credentials are replaced", async () => {
    const fake = await startFakeZoho();
    onTestFinished(() => fake.close());
    const s = await testServer(CUSTOM_URLS);
    const settings = { ...zohoBody(fake.url).settings, clientId: fake.client.clientId };
    await put(s, 'crm', { ...zohoBody(fake.url), settings, secrets: { clientSecret: fake.client.clientSecret, refreshToken: fake.client.refreshToken } });

    // Another process of the installation creates a lead: its token is stored in the database.
    const box = new SecretBox(Buffer.from(SECRET_KEY, 'hex'));
    const otherProcess = createConnectors(s.store, {
      providers: providersFor(s.store, { tokens: storedAccessTokenCache(s.store, () => box) }),
      decrypt: (blob) => box.open(blob),
      webhook: createWebhookConnector({ allowPrivate: false }),
    });
    const lead = { name: 'Aoi Sato', email: 'aoi.shared@example.com', phone: '', company: 'Acme', fields: {} };
    expect((await otherProcess.crm.createLead(lead, { effectId: 'c:1', botId: 'b', locale: 'en' })).outcome).toBe('success');
    const refreshes = fake.stats.tokenRefreshes;
    expect(refreshes).toBe(1);

    // The admin's check takes that token rather than spending a refresh of its own.
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' })).json()).toMatchObject({ ok: true });
    expect(fake.stats.tokenRefreshes).toBe(refreshes);

    // New credentials: the old token is dropped from the database and never used for them.
    const other = { clientId: '1000.OTHERCLIENT', clientSecret: 'other-secret-4410', refreshToken: '1000.other.refresh' };
    fake.addClient(other);
    const [before] = await s.store.db.selectFrom('access_tokens').select('key').execute();
    await put(s, 'crm', {
      ...zohoBody(fake.url),
      settings: { ...settings, clientId: other.clientId },
      secrets: { clientSecret: other.clientSecret, refreshToken: other.refreshToken },
    });
    expect(await s.store.db.selectFrom('access_tokens').select('key').execute()).toEqual([]);
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' })).json()).toMatchObject({ ok: true });
    expect(fake.stats.tokenRefreshes).toBe(refreshes + 1);
    const after = await s.store.db.selectFrom('access_tokens').select('key').execute();
    expect(after).toHaveLength(1);
    expect(after[0]!.key).not.toBe(before!.key);
  });

  it("disconnects a role's service: back to the built-in store, its settings, sealed secrets and access tokens erased, audited", async () => {
    const fake = await startFakeZoho();
    onTestFinished(() => fake.close());
    const s = await testServer(CUSTOM_URLS);
    const settings = { ...zohoBody(fake.url).settings, clientId: fake.client.clientId };
    await put(s, 'crm', { ...zohoBody(fake.url), settings, secrets: { clientSecret: fake.client.clientSecret, refreshToken: fake.client.refreshToken } });
    await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/disable' });
    // A check while enabled stores the installation's access token for these credentials.
    await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/enable' });
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' })).json()).toMatchObject({ ok: true });
    expect(await s.store.db.selectFrom('access_tokens').select('key').execute()).toHaveLength(1);

    const res = await s.admin({ method: 'DELETE', url: '/api/v1/admin/integrations/crm' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ role: 'crm', provider: 'builtin', enabled: true, status: 'ok', settings: {}, hasSecrets: false, lastError: null });
    const row = await s.store.db.selectFrom('integrations').selectAll().where('role', '=', 'crm').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ provider: 'builtin', settings: '{}', secrets: null });
    expect(await s.store.db.selectFrom('access_tokens').select('key').execute()).toEqual([]);
    const audit = (await s.admin({ url: '/api/v1/admin/audit?action=integration.disconnect' })).json();
    expect(audit.items).toEqual([
      expect.objectContaining({ action: 'integration.disconnect', target: 'integration:crm', actor: expect.objectContaining({ kind: 'token' }) }),
    ]);

    // The role's blocks now create records in the built-in store; Zoho is not called again.
    const refreshes = fake.stats.tokenRefreshes;
    await s.publishBot(BOTS.lead);
    const c = await s.start('quick-lead');
    expect((await s.reply(c.id, c.token, { text: 'after.disconnect@example.com' })).json().status).toBe('ended');
    expect(await s.store.db.selectFrom('leads').select('email').execute()).toEqual([{ email: 'after.disconnect@example.com' }]);
    expect(fake.stats.tokenRefreshes).toBe(refreshes);

    // A role with nothing configured has nothing to disconnect; an unknown role is the client's mistake.
    await s.store.db.deleteFrom('integrations').where('role', '=', 'mailing').execute();
    expect((await s.admin({ method: 'DELETE', url: '/api/v1/admin/integrations/mailing' })).statusCode).toBe(404);
    expect((await s.admin({ method: 'DELETE', url: '/api/v1/admin/integrations/erp' })).statusCode).toBe(400);
    expect((await s.admin({ url: '/api/v1/admin/audit?action=integration.disconnect' })).json().total).toBe(1);
  });

  it('no process uses an access token of credentials that were disconnected or replaced; the disconnecting one forgets it at once', async () => {
    const fake = await startFakeZoho();
    onTestFinished(() => fake.close());
    const s = await testServer(CUSTOM_URLS);
    const settings = { ...zohoBody(fake.url).settings, clientId: fake.client.clientId };
    const first = { ...zohoBody(fake.url), settings, secrets: { clientSecret: fake.client.clientSecret, refreshToken: fake.client.refreshToken } };
    await put(s, 'crm', first);
    const check = async () => expect((await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' })).json()).toMatchObject({ ok: true });
    await check();
    expect(fake.stats.tokenRefreshes).toBe(1);

    // Another process of the installation (its own store and token cache over the same database) takes that token and keeps it in memory.
    const box = new SecretBox(Buffer.from(SECRET_KEY, 'hex'));
    const otherStore = await openStore(s.store.path);
    onTestFinished(() => otherStore.close());
    const otherProcess = createConnectors(otherStore, {
      providers: providersFor(otherStore, { tokens: storedAccessTokenCache(otherStore, () => box) }),
      decrypt: (blob) => box.open(blob),
      webhook: createWebhookConnector({ allowPrivate: false }),
    });
    const lead = (email: string) => ({ name: 'Aoi Sato', email, phone: '', company: 'Acme', fields: {} });
    const leadsAtZoho = () => fake.stats.byRoute['POST /crm/v8/Leads'] ?? 0;
    const ctx = { effectId: 'c:1', botId: 'b', locale: 'en' } as const;
    expect((await otherProcess.crm.createLead(lead('one@example.com'), ctx)).outcome).toBe('success');
    expect(leadsAtZoho()).toBe(1);
    expect(fake.stats.tokenRefreshes).toBe(1);

    // Disconnected: the other process's next lead goes to the built-in store, Zoho is not called.
    expect((await s.admin({ method: 'DELETE', url: '/api/v1/admin/integrations/crm' })).statusCode).toBe(200);
    expect((await otherProcess.crm.createLead(lead('two@example.com'), ctx)).outcome).toBe('success');
    expect(leadsAtZoho()).toBe(1);
    expect(await s.store.db.selectFrom('leads').select('email').execute()).toEqual([{ email: 'two@example.com' }]);

    // The disconnecting process forgot the token: connected again with the same credentials, it refreshes.
    await put(s, 'crm', first);
    await check();
    expect(fake.stats.tokenRefreshes).toBe(2);

    // Replaced by other credentials: the other process refreshes for them rather than use the token it holds.
    const other = { clientId: '1000.OTHERCLIENT', clientSecret: 'other-secret-4410', refreshToken: '1000.other.refresh' };
    fake.addClient(other);
    await put(s, 'crm', {
      ...zohoBody(fake.url),
      settings: { ...settings, clientId: other.clientId },
      secrets: { clientSecret: other.clientSecret, refreshToken: other.refreshToken },
    });
    expect((await otherProcess.crm.createLead(lead('three@example.com'), ctx)).outcome).toBe('success');
    expect(leadsAtZoho()).toBe(2);
    expect(fake.stats.tokenRefreshes).toBe(3);
  });

  it('disables and enables a role; a disabled CRM sends lead blocks down integration_invalid', async () => {
    const s = await testServer();
    await s.publishBot(BOTS.lead);
    const off = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/disable' });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ role: 'crm', enabled: false });

    const a = await s.start('quick-lead');
    const failed = await s.reply(a.id, a.token, { text: 'aki@example.com' });
    expect(failed.json()).toMatchObject({ status: 'handoff', messages: [{ text: 'Sorry' }] });

    const check = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' });
    expect(check.json()).toMatchObject({ ok: false });

    const on = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/enable' });
    expect(on.json()).toMatchObject({ enabled: true });
    const b = await s.start('quick-lead');
    const created = await s.reply(b.id, b.token, { text: 'aki@example.com' });
    expect(created.json().status).toBe('ended');

    await s.store.db.deleteFrom('integrations').where('role', '=', 'mailing').execute();
    const missing = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/mailing/enable' });
    expect(missing.statusCode).toBe(404);
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/mailing/check' })).statusCode).toBe(404);
  });

  describe('stored credentials go only where and to whom they were given (issue 12)', () => {
    const secrets = { clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN };
    const official = { dc: 'jp', clientId: '1000.CLIENT', orgId: '42', accountsUrl: 'https://accounts.zoho.jp', apiUrl: 'https://desk.zoho.jp' };

    it('drops the stored secrets when a setting deciding where or for whom they go changes without new ones', async () => {
      const s = await testServer();
      const changes: Array<Record<string, string | undefined>> = [
        { dc: 'eu', accountsUrl: undefined, apiUrl: undefined },
        { clientId: '1000.OTHER' },
        { orgId: '43' },
        { orgId: undefined },
        { accountsUrl: undefined },
        { apiUrl: 'https://www.zohoapis.jp' },
      ];
      for (const change of changes) {
        expect((await put(s, 'helpdesk', { provider: 'zoho', settings: official, secrets })).statusCode).toBe(200);
        const settings = Object.fromEntries(Object.entries({ ...official, ...change }).filter(([, v]) => v !== undefined));
        const res = await put(s, 'helpdesk', { provider: 'zoho', settings });
        expect(res.statusCode, JSON.stringify(change)).toBe(200);
        expect(res.json(), JSON.stringify(change)).toMatchObject({ hasSecrets: false, status: 'invalid', settings });
        expect(res.json().statusMessage).toContain(Object.keys(change)[0]);
        expect(await storedSecrets(s, 'helpdesk'), JSON.stringify(change)).toBeNull();
      }
      // Saving again without secrets is refused: there are none to keep.
      const again = await put(s, 'helpdesk', { provider: 'zoho', settings: official });
      expect(again.statusCode).toBe(400);
      expect(again.json().error.field).toBe('secrets');
    });

    it('keeps the new secrets when they come in the same request as the change', async () => {
      const s = await testServer();
      await put(s, 'crm', { provider: 'zoho', settings: official, secrets });
      const moved = { ...official, dc: 'eu', accountsUrl: 'https://accounts.zoho.eu', apiUrl: 'https://www.zohoapis.eu' };
      const fresh = { clientSecret: 'eu-secret', refreshToken: '1000.eu-refresh' };
      const res = await put(s, 'crm', { provider: 'zoho', settings: moved, secrets: fresh });
      expect(res.json()).toMatchObject({ hasSecrets: true, status: 'unchecked' });
      expect(await storedSecrets(s, 'crm')).toEqual(fresh);
    });

    it("accepts only Zoho's own hosts of the chosen data centre as base URLs through the admin API", async () => {
      const s = await testServer();
      const attempts: Array<[Record<string, string>, string | null]> = [
        [{ accountsUrl: 'http://127.0.0.1:9' }, 'settings.accountsUrl'],
        [{ apiUrl: 'http://10.0.0.7' }, 'settings.apiUrl'],
        [{ accountsUrl: 'https://accounts.zoho.jp.evil.example' }, 'settings.accountsUrl'],
        [{ accountsUrl: 'http://accounts.zoho.jp' }, 'settings.accountsUrl'],
        [{ accountsUrl: 'https://accounts.zoho.eu' }, 'settings.accountsUrl'],
        [{ apiUrl: 'https://www.zohoapis.com' }, 'settings.apiUrl'],
        [{ accountsUrl: 'https://accounts.zoho.jp/' }, null],
        [{ apiUrl: 'https://campaigns.zoho.jp' }, null],
      ];
      for (const [change, field] of attempts) {
        const res = await put(s, 'crm', { provider: 'zoho', settings: { ...official, ...change }, secrets });
        if (field === null) {
          expect(res.statusCode, JSON.stringify(change)).toBe(200);
          continue;
        }
        expect(res.statusCode, JSON.stringify(change)).toBe(400);
        expect(res.json().error.field).toBe(field);
        expect(res.json().error.message).toContain('RENKEI_CUSTOM_SERVICE_URLS');
      }
    });

    it('takes the UK data centre with its own hosts, and refuses Campaigns there at set-up, naming where Zoho offers it', async () => {
      const s = await testServer();
      const uk = { dc: 'uk', clientId: '1000.CLIENT', accountsUrl: 'https://accounts.zoho.uk', apiUrl: 'https://www.zohoapis.uk' };
      expect((await put(s, 'crm', { provider: 'zoho', settings: uk, secrets })).statusCode).toBe(200);
      const mailing = await put(s, 'mailing', { provider: 'zoho', settings: { dc: 'uk', clientId: '1000.CLIENT' }, secrets });
      expect(mailing.statusCode).toBe(400);
      expect(mailing.json().error).toMatchObject({
        field: 'settings.dc',
        message: expect.stringMatching(/uk, where Zoho does not offer Campaigns \(it does in com, eu/),
      });
      expect((await put(s, 'mailing', { provider: 'zoho', settings: { dc: 'eu', clientId: '1000.CLIENT' }, secrets })).statusCode).toBe(200);
    });

    it('leaves a base URL the operator set with the CLI as it is, and never sends the secrets to a new one', async () => {
      const foreign = await foreignServer({ status: 400, type: 'application/json', body: '{"error":"invalid_code"}' });
      const s = await testServer();
      const box = new SecretBox(Buffer.from(SECRET_KEY, 'hex'));
      const proxy = 'https://zoho-proxy.corp.example';
      await setIntegration(s.store.db, 'crm', 'zoho', { ...official, accountsUrl: proxy, apiUrl: proxy }, box.seal(secrets));

      const edited = await put(s, 'crm', { provider: 'zoho', settings: { ...official, accountsUrl: proxy, apiUrl: proxy, defaultCompany: 'Walk-in' } });
      expect(edited.statusCode).toBe(200);
      expect(edited.json()).toMatchObject({ hasSecrets: true });
      expect(await storedSecrets(s, 'crm')).toEqual(secrets);

      const redirected = await put(s, 'crm', { provider: 'zoho', settings: { ...official, accountsUrl: foreign.url, apiUrl: proxy } });
      expect(redirected.statusCode).toBe(400);
      expect(await storedSecrets(s, 'crm')).toEqual(secrets);
      expect(foreign.seen).toEqual([]);
    });

    it('with RENKEI_CUSTOM_SERVICE_URLS=1 a new host is allowed, but the stored secrets never reach it', async () => {
      const foreign = await foreignServer({ status: 400, type: 'application/json', body: '{"error":"invalid_code"}' });
      const s = await testServer(CUSTOM_URLS);
      await put(s, 'crm', { provider: 'zoho', settings: official, secrets });
      const redirected = await put(s, 'crm', { provider: 'zoho', settings: { ...official, accountsUrl: foreign.url, apiUrl: foreign.url } });
      expect(redirected.statusCode).toBe(200);
      expect(redirected.json()).toMatchObject({ hasSecrets: false, status: 'invalid' });
      const check = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' });
      expect(check.json().ok).toBe(false);
      expect(foreign.seen).toEqual([]);
      expect(check.body).not.toContain(CLIENT_SECRET);
    });

    it("shows the admin the provider's error code and message, never an arbitrary body", async () => {
      const s = await testServer(CUSTOM_URLS);
      const html = await foreignServer({ status: 502, type: 'text/html', body: '<html><body>internal-dashboard admin panel</body></html>' });
      await put(s, 'crm', { ...zohoBody(html.url, secrets) });
      const first = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/check' });
      expect(first.json().ok).toBe(false);
      expect(first.json().message).toContain('HTTP 502');
      expect(first.body).not.toContain('internal-dashboard');
      expect(html.seen.length).toBeGreaterThan(0);

      const noisy = await foreignServer({
        status: 400,
        type: 'application/json',
        body: JSON.stringify({ error: '<img src=x onerror=alert(1)>', error_description: `refused\u001b]0;owned\u0007 ${'x'.repeat(5_000)}` }),
      });
      await put(s, 'mailing', { ...zohoBody(noisy.url, secrets) });
      const second = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/mailing/check' });
      const message: string = second.json().message;
      expect(second.json().ok).toBe(false);
      expect(message).not.toContain('<img');
      expect(message).not.toContain('\u001b');
      expect(message.length).toBeLessThan(600);
      expect(second.json().integration.statusMessage ?? second.json().integration.lastError).toBe(message);

      const described = await foreignServer({
        status: 400,
        type: 'application/json',
        body: JSON.stringify({ error: 'invalid_client', error_description: 'the client is unknown' }),
      });
      await put(s, 'helpdesk', { ...zohoBody(described.url, secrets) });
      const third = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/helpdesk/check' });
      expect(third.json().message).toContain('invalid_client');
    });
  });

  describe('the Desk organisation, picked from the ones the account has', () => {
    it('lists the organisations and saves the chosen one without dropping the credentials', async () => {
      const fake = await startFakeZoho();
      onTestFinished(() => fake.close());
      const s = await testServer(CUSTOM_URLS);
      const secrets = { clientSecret: fake.client.clientSecret, refreshToken: fake.client.refreshToken };
      await put(s, 'helpdesk', { ...zohoBody(fake.url, secrets), settings: { ...zohoBody(fake.url).settings, clientId: fake.client.clientId } });
      fake.desk.otherOrganizations.push({ id: '7000001', companyName: 'Second Portal' });

      // Two portals and no orgId: the check says which to pick.
      const unpicked = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/helpdesk/check' });
      expect(unpicked.json().message).toContain('several organisations');

      const listed = await s.admin({ url: '/api/v1/admin/integrations/helpdesk/organizations' });
      expect(listed.statusCode).toBe(200);
      expect(listed.json()).toEqual({
        items: [
          { id: fake.orgId, name: 'Fake Zoho KK' },
          { id: '7000001', name: 'Second Portal' },
        ],
        orgId: null,
      });

      const unknown = await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/helpdesk/organization', payload: { orgId: '999' } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error).toMatchObject({ field: 'orgId' });
      expect(unknown.json().error.message).toContain('999');

      const picked = await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/helpdesk/organization', payload: { orgId: fake.orgId } });
      expect(picked.statusCode).toBe(200);
      expect(picked.json()).toMatchObject({ settings: { orgId: fake.orgId, clientId: fake.client.clientId }, hasSecrets: true, status: 'unchecked' });
      expect(await storedSecrets(s, 'helpdesk')).toEqual(secrets);
      const checked = await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/helpdesk/check' });
      expect(checked.json()).toMatchObject({ ok: true });
      expect((await s.admin({ url: '/api/v1/admin/integrations/helpdesk/organizations' })).json().orgId).toBe(fake.orgId);

      // The general PUT keeps its rule: an orgId changed there drops the stored credentials.
      const moved = await put(s, 'helpdesk', {
        provider: 'zoho',
        settings: { ...zohoBody(fake.url).settings, clientId: fake.client.clientId, orgId: '7000001' },
      });
      expect(moved.json()).toMatchObject({ hasSecrets: false, status: 'invalid' });
    });

    it('answers 404 for a role that picks no organisation and 502 when the service cannot list them', async () => {
      const fake = await startFakeZoho();
      onTestFinished(() => fake.close());
      const s = await testServer(CUSTOM_URLS);
      const builtin = await s.admin({ url: '/api/v1/admin/integrations/helpdesk/organizations' });
      expect(builtin.statusCode).toBe(404);
      const secrets = { clientSecret: fake.client.clientSecret, refreshToken: fake.client.refreshToken };
      await put(s, 'crm', { ...zohoBody(fake.url, secrets), settings: { ...zohoBody(fake.url).settings, clientId: fake.client.clientId } });
      expect((await s.admin({ url: '/api/v1/admin/integrations/crm/organizations' })).statusCode).toBe(404);

      await put(s, 'helpdesk', { ...zohoBody(fake.url, secrets), settings: { ...zohoBody(fake.url).settings, clientId: fake.client.clientId } });
      fake.revokeRefreshToken(fake.client.refreshToken);
      const refused = await s.admin({ url: '/api/v1/admin/integrations/helpdesk/organizations' });
      expect(refused.statusCode).toBe(502);
      expect(refused.body).not.toContain(fake.client.clientSecret);
      const save = await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/helpdesk/organization', payload: { orgId: fake.orgId } });
      expect(save.statusCode).toBe(502);
      expect(await storedSecrets(s, 'helpdesk')).toEqual(secrets);
    });
  });
});
