import { describe, expect, it } from 'vitest';
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

  it('says why a Zoho directory is not listed, and refuses an unknown role', async () => {
    const s = await testServer();
    const set = await s.admin({
      method: 'PUT',
      url: '/api/v1/admin/integrations/mailing',
      payload: { provider: 'zoho', settings: { dc: 'com', clientId: 'id' }, secrets: { clientSecret: 's', refreshToken: 'r' } },
    });
    expect(set.statusCode, set.body).toBe(200);
    const zoho = (await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/mailing/options' })).json();
    expect(zoho).toMatchObject({ provider: 'zoho', fields: {} });
    expect(zoho.note).toContain('type a name or id');
    expect((await s.admin({ method: 'GET', url: '/api/v1/admin/integrations/erp/options' })).statusCode).toBe(400);
  });
});
