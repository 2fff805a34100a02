import { describe, expect, it, onTestFinished } from 'vitest';
import { SecretBox } from '../../secrets/secret-box.ts';
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

const put = (s: TestServer, role: string, payload: object) =>
  s.admin({ method: 'PUT', url: `/api/v1/admin/integrations/${role}`, payload });

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
    const s = await testServer();
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

    const changed = await put(s, 'crm', { ...zohoBody('http://127.0.0.1:9'), settings: { ...zohoBody('').settings, dc: 'eu', accountsUrl: 'http://127.0.0.1:9', apiUrl: 'http://127.0.0.1:9' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ hasSecrets: true, settings: { dc: 'eu' } });
    const kept = await s.store.db.selectFrom('integrations').select('secrets').where('role', '=', 'crm').executeTakeFirstOrThrow();
    expect(box.open(kept.secrets ?? '')).toEqual({ clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN });
    expect(s.logs.join('\n')).not.toContain(CLIENT_SECRET);
  });

  it('refuses incomplete or misplaced settings and secrets with 400 naming the field, never quoting a secret', async () => {
    const s = await testServer();
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
    const s = await testServer();

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
    expect(refused.json().integration.status).toBe('invalid');
    expect(refused.body).not.toContain(fake.client.clientSecret);
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
});
