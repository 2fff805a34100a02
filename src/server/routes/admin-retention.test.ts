import { describe, expect, it } from 'vitest';
import { testServer } from '../test-support.ts';

describe('retention over the admin API', () => {
  it("shows the defaults, takes the admin's periods, and records each change", async () => {
    const s = await testServer();
    const initial = (await s.admin({ url: '/api/v1/admin/retention' })).json();
    expect(initial).toEqual({
      conversations: { days: 365, source: 'default', variable: 'RENKEI_RETENTION_CONVERSATIONS_DAYS' },
      records: { days: null, source: 'default', variable: 'RENKEI_RETENTION_RECORDS_DAYS' },
      idle: { days: 30, source: 'default', variable: 'RENKEI_RETENTION_IDLE_DAYS' },
      lastRun: null,
    });
    const res = await s.admin({ method: 'PUT', url: '/api/v1/admin/retention', payload: { conversations: 90, records: 730 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      conversations: { days: 90, source: 'admin' },
      records: { days: 730, source: 'admin' },
      idle: { days: 30, source: 'default' },
    });
    await s.admin({ method: 'PUT', url: '/api/v1/admin/retention', payload: { records: 'keep', conversations: 90 } });
    expect((await s.admin({ url: '/api/v1/admin/retention' })).json().records).toMatchObject({ days: null, source: 'admin' });

    const audit = (await s.admin({ url: '/api/v1/admin/audit?action=retention.change' })).json();
    expect(audit.items.map((e: { details: unknown }) => e.details)).toEqual([
      { records: { from: 730, to: null } },
      { conversations: { from: 365, to: 90 }, records: { from: null, to: 730 } },
    ]);
  });

  it('refuses a bad period with the field at fault, and a period the environment fixes', async () => {
    const s = await testServer({ env: { RENKEI_RETENTION_CONVERSATIONS_DAYS: '30', RENKEI_RETENTION_RECORDS_DAYS: 'keep' } });
    expect((await s.admin({ url: '/api/v1/admin/retention' })).json()).toMatchObject({
      conversations: { days: 30, source: 'environment' },
      records: { days: null, source: 'environment' },
    });
    const fixed = await s.admin({ method: 'PUT', url: '/api/v1/admin/retention', payload: { conversations: 60 } });
    expect(fixed.statusCode).toBe(409);
    expect(fixed.json().error).toMatchObject({
      code: 'set_by_environment',
      field: 'conversations',
      message: expect.stringContaining('RENKEI_RETENTION_CONVERSATIONS_DAYS'),
    });
    for (const payload of [{}, { idle: 0 }, { idle: 1.5 }, { idle: 'forever' }, { idle: 40_000 }, { days: 3 }]) {
      const res = await s.admin({ method: 'PUT', url: '/api/v1/admin/retention', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await s.admin({ method: 'PUT', url: '/api/v1/admin/retention', payload: { idle: 7 } })).json().idle).toMatchObject({ days: 7, source: 'admin' });
    expect((await s.admin({ url: '/api/v1/admin/audit' })).json().total).toBe(1);
  });

  it('stops a server from starting on a bad period, naming the variable', async () => {
    await expect(testServer({ env: { RENKEI_RETENTION_IDLE_DAYS: 'soon' } })).rejects.toThrow(/RENKEI_RETENTION_IDLE_DAYS must be a whole number of days/);
  });
});
