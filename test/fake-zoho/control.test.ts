import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeZoho } from './index.ts';
import type { FakeZoho } from './index.ts';
import { accessToken, answer, call, client, refresh } from './testkit.ts';

let fake: FakeZoho;
beforeAll(async () => {
  fake = await startFakeZoho({ seed: 17 });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const control = async (path: string, body?: unknown) =>
  answer(await fetch(`${fake.url}/__fake/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }));

describe('/__fake/ control endpoints', () => {
  it('sets and reads faults, refusing invalid ones', async () => {
    const set = await control('faults', { rate5xx: 0.25, failNext: { status: 502, count: 1 } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ rate5xx: 0.25, failNext: { status: 502, count: 1 } });
    expect(fake.faults.current.rate5xx).toBe(0.25);
    expect((await control('faults', { rate5xx: 'lots' })).status).toBe(400);
    expect((await control('faults', { nonsense: true })).status).toBe(400);
    await control('faults/reset', {});
    expect((await control('faults')).body).toMatchObject({ rate5xx: 0, failNext: null });
  });

  it('expires tokens and revokes a refresh token', async () => {
    const token = await accessToken(fake);
    await control('expire-tokens', {});
    expect((await call(fake, '/crm/v8/org', { token })).status).toBe(401);

    fake.addClient({ clientId: 'c', clientSecret: 's', refreshToken: 'r' });
    expect((await control('revoke', { refreshToken: 'r' })).status).toBe(200);
    expect((await refresh(fake, { clientId: 'c', clientSecret: 's', refreshToken: 'r' })).body).toEqual({ error: 'invalid_code' });
  });

  it('adds departments, agents, lists, clients and CRM records that the APIs then serve', async () => {
    const dept = await control('departments', { name: 'Billing', isEnabled: false });
    expect(dept.status).toBe(201);
    expect(dept.body).toMatchObject({ id: expect.any(String), name: 'Billing', isEnabled: false });
    const agent = await control('agents', { email: 'x@example.com', name: 'X Y', status: 'DISABLED' });
    expect(agent.body).toMatchObject({ emailId: 'x@example.com', status: 'DISABLED' });
    const list = await control('lists', { name: 'Promotions' });
    expect(list.body).toMatchObject({ listname: 'Promotions', listkey: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((await control('clients', { clientId: 'c2', clientSecret: 's2', refreshToken: 'r2' })).status).toBe(201);
    const lead = await control('crm/Leads', { Last_Name: 'Seeded', Email: 'seeded@example.com' });

    const api = client(fake, await accessToken(fake, { clientId: 'c2', clientSecret: 's2', refreshToken: 'r2' }));
    expect(((await api('/api/v1/departments?isEnabled=false')).body?.['data'] as { name: string }[]).map((d) => d.name)).toContain('Billing');
    const lists = (await api('/api/v1.1/getmailinglists?resfmt=JSON')).body?.['list_of_details'] as { listname: string }[];
    expect(lists.map((l) => l.listname)).toEqual(['Newsletter', 'Promotions']);
    expect((await api('/crm/v8/Leads/search?email=seeded%40example.com')).body).toMatchObject({ data: [{ id: lead.body?.['id'] }] });
    expect((await control('crm/Widgets', {})).status).toBe(404);
  });

  it('switches the duplicate-email setting', async () => {
    expect((await control('settings', { leadEmailUnique: false })).body).toEqual({ leadEmailUnique: false });
    expect(fake.leadEmailUnique).toBe(false);
  });

  it('resets to the seeded state and shows it', async () => {
    fake.addDepartment({ name: 'Temp' });
    fake.addCrmRecord('Leads', { Last_Name: 'Temp' });
    expect((await control('reset', {})).status).toBe(200);
    const state = await control('state');
    expect(state.body).toMatchObject({
      url: fake.url,
      orgId: fake.orgId,
      leadEmailUnique: true,
      crm: { leads: [], contacts: [], deals: [], accounts: [] },
      campaigns: { lists: [{ listname: 'Newsletter' }], subscribers: [] },
    });
    const desk = state.body?.['desk'] as { departments: { name: string; isEnabled: boolean }[]; agents: { emailId: string; status: string }[] };
    expect(desk.departments.map((d) => [d.name, d.isEnabled])).toEqual([
      ['Support', true],
      ['Sales', true],
      ['Legacy', false],
    ]);
    expect(desk.agents.map((a) => [a.emailId, a.status])).toEqual([
      ['agent@example.com', 'ACTIVE'],
      ['gone@example.com', 'DISABLED'],
    ]);
  });

  it('does not count control calls in the stats and 404s unknown ones', async () => {
    await control('state');
    expect((await control('stats')).body).toEqual({ tokenRefreshes: 0, requests: 0, byRoute: {} });
    expect((await control('nope', {})).status).toBe(404);
  });
});
