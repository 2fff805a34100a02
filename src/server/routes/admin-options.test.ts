import { describe, expect, it } from 'vitest';
import { startFakeZoho } from '../../../test/fake-zoho/index.ts';
import { steppedClock } from '../../connectors/remote/test-clock.ts';
import { testServer } from '../test-support.ts';

describe('GET /api/v1/admin/integrations/{role}/options', () => {
  it('offers the built-in directory: enabled departments, active agents, lists, and the ticket values', async () => {
    const s = await testServer();
    // A new installation has the built-in integrations, a Support department and a Newsletter list.
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/departments', payload: { name: 'Sales' } });
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/departments', payload: { name: 'Closed desk', enabled: false } });
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/agents', payload: { name: 'Hana', email: 'hana@example.com' } });
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/agents', payload: { name: 'Gone', email: 'gone@example.com', active: false } });
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/lists', payload: { name: 'News' } });

    const helpdesk = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/helpdesk/options' })).json();
    expect(helpdesk.provider).toBe('builtin');
    expect(helpdesk.fields.department).toEqual([
      { value: 'Support', label: 'Support' },
      { value: 'Sales', label: 'Sales' },
    ]);
    expect(helpdesk.fields.assignee).toEqual([{ value: 'hana@example.com', label: 'Hana <hana@example.com>' }]);
    expect(helpdesk.fields.priority.map((c: { value: string }) => c.value)).toContain('High');

    const mailing = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/mailing/options' })).json();
    expect(mailing.fields).toEqual({
      list: [
        { value: 'Newsletter', label: 'Newsletter' },
        { value: 'News', label: 'News' },
      ],
    });
  });

  it("offers Zoho Desk's enabled departments and active agents, and Zoho Campaigns' lists", async () => {
    const fake = await startFakeZoho();
    try {
      // The fake listens on 127.0.0.1: allowed through the admin API only with custom service URLs.
      const s = await testServer({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1' } });
      const settings = { dc: 'com', clientId: fake.client.clientId, accountsUrl: fake.url, apiUrl: fake.url };
      const secrets = { clientSecret: fake.client.clientSecret, refreshToken: fake.client.refreshToken };
      for (const role of ['crm', 'helpdesk', 'mailing']) {
        const set = await s.admin({
          method: 'PUT',
          url: `/api/v1/admin/integrations/${role}`,
          payload: { provider: 'zoho', settings: role === 'helpdesk' ? { ...settings, orgId: fake.orgId } : settings, secrets },
        });
        expect(set.statusCode, set.body).toBe(200);
      }
      fake.addList('VIP customers');
      const helpdesk = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/helpdesk/options' })).json();
      expect(helpdesk).toMatchObject({ provider: 'zoho', note: null });
      // Seeded: Support and Sales enabled, Legacy disabled; agent@example.com active, gone@example.com disabled.
      expect(helpdesk.fields.department.map((c: { value: string }) => c.value)).toEqual(['Support', 'Sales']);
      expect(helpdesk.fields.assignee.map((c: { value: string }) => c.value)).toEqual(['agent@example.com']);
      // The portal's own ticket picklists, not a fixed list.
      expect(helpdesk.fields.status.map((c: { value: string }) => c.value)).toEqual(['Open', 'On Hold', 'Escalated', 'Closed']);
      const mailing = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/mailing/options' })).json();
      expect(mailing.fields.list.map((c: { value: string }) => c.value)).toEqual(['Newsletter', 'VIP customers']);
      // The CRM's deal stages and lead sources, from its field metadata.
      const crm = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/crm/options' })).json();
      expect(crm).toMatchObject({ provider: 'zoho', note: null });
      expect(crm.fields.stage.map((c: { value: string }) => c.value)).toContain('Negotiation/Review');
      expect(crm.fields.source.map((c: { value: string }) => c.value)).toContain('Chat');
      // Cached: a value added in the portal shows after a refresh, not before.
      fake.deskPicklists.priority.push('Urgent');
      const cached = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/helpdesk/options' })).json();
      expect(cached.fields.priority.map((c: { value: string }) => c.value)).toEqual(['High', 'Medium', 'Low']);
      const refreshed = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/helpdesk/options?refresh=true' })).json();
      expect(refreshed.fields.priority.map((c: { value: string }) => c.value)).toEqual(['High', 'Medium', 'Low', 'Urgent']);
    } finally {
      await fake.close();
    }
  });

  it('says why a Zoho directory is not listed, and refuses an unknown role', async () => {
    // Time moves only when waited on: the unreachable Zoho gives up without waiting out the backoff.
    const s = await testServer({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1' }, clock: steppedClock() });
    const set = await s.admin({
      method: 'PUT',
      url: '/api/v1/admin/integrations/mailing',
      // Nothing listens on port 9 of the loopback: Zoho cannot be reached (and no test ever calls the real one).
      payload: {
        provider: 'zoho',
        settings: { dc: 'com', clientId: 'id', accountsUrl: 'http://127.0.0.1:9', apiUrl: 'http://127.0.0.1:9' },
        secrets: { clientSecret: 's', refreshToken: 'r' },
      },
    });
    expect(set.statusCode, set.body).toBe(200);
    const zoho = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/mailing/options' })).json();
    expect(zoho).toMatchObject({ provider: 'zoho', fields: {} });
    expect(zoho.note).toMatch(/could not be read .*type a name or id/);
    expect((await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/erp/options' })).statusCode).toBe(400);
  });
});
