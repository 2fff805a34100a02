import { describe, expect, it } from 'vitest';
import { testServer } from '../test-support.ts';
import { PROVIDERS } from '../../connectors/registry.ts';

describe('GET /api/v1/admin/providers', () => {
  it('lists every provider as declared, labels in the asked language, secrets without values', async () => {
    const s = await testServer();
    const en = await s.admin({ url: '/api/v1/admin/providers' });
    expect(en.statusCode).toBe(200);
    const items = en.json().items as Array<
      Record<string, unknown> & { name: string; settings: Array<Record<string, unknown>>; secrets: Array<Record<string, unknown>> }
    >;
    // Every provider of the registry, in its order (a new provider adds no line here).
    expect(items.map((p) => p.name)).toEqual(PROVIDERS.map((p) => p.name));
    const zoho = items.find((p) => p.name === 'zoho')!;
    expect(zoho).toMatchObject({ label: 'Zoho', roles: ['crm', 'helpdesk', 'mailing'], connection: { kind: 'oauth2-code' } });
    expect(zoho.settings.map((f) => f['key'])).toEqual(['dc', 'clientId', 'orgId', 'accountsUrl', 'apiUrl', 'defaultCompany']);
    expect(zoho.settings[0]).toMatchObject({ label: 'Data centre', required: true, bindsSecrets: true, choices: expect.arrayContaining(['com', 'jp']) });
    expect(zoho.settings.find((f) => f['key'] === 'apiUrl')).toMatchObject({ baseUrl: true, required: false });
    expect(zoho.settings.find((f) => f['key'] === 'orgId')).toMatchObject({ roles: ['helpdesk'] });
    expect(zoho.secrets.map((f) => f['key'])).toEqual(['clientSecret', 'refreshToken']);
    expect(items[0]).toMatchObject({ name: 'builtin', connection: { kind: 'none', scopes: null }, settings: [], secrets: [] });

    const ja = (await s.admin({ url: '/api/v1/admin/providers', headers: { 'accept-language': 'ja,en;q=0.8' } })).json();
    expect(ja.items.find((p: { name: string }) => p.name === 'zoho').settings[0].label).toBe('データセンター');
    expect(
      (await s.admin({ url: '/api/v1/admin/providers?locale=en', headers: { 'accept-language': 'ja' } }))
        .json()
        .items.find((p: { name: string }) => p.name === 'zoho').settings[0].label,
    ).toBe('Data centre');
    expect((await s.admin({ url: '/api/v1/admin/providers?locale=fr' })).statusCode).toBe(400);
    expect((await s.app.inject({ url: '/api/v1/admin/providers' })).statusCode).toBe(401);
  });

  it('refuses a provider that cannot serve the role, and settings it does not declare, naming the field', async () => {
    const s = await testServer();
    const unknown = await s.admin({
      method: 'PUT',
      url: '/api/v1/admin/integrations/crm',
      payload: { provider: 'zoho', settings: { dc: 'jp', clientId: 'c', region: 'x' }, secrets: { clientSecret: 's', refreshToken: 'r' } },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ field: 'settings.region', message: expect.stringContaining('not a setting of the zoho provider') });
    const builtinSettings = await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/crm', payload: { provider: 'builtin', settings: { dc: 'jp' } } });
    expect(builtinSettings.statusCode).toBe(400);
    expect(builtinSettings.json().error.field).toBe('settings.dc');
  });
});
