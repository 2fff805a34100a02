import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { routeMatches } from './faults.ts';
import { startFakeZoho } from './index.ts';
import type { FakeZoho } from './index.ts';
import { accessToken, client, refresh } from './testkit.ts';

let fake: FakeZoho;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  fake = await startFakeZoho({ seed: 13 });
});
beforeEach(async () => {
  api = client(fake, await accessToken(fake));
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const createLead = (n: number) => api('/crm/v8/Leads', { json: { data: [{ Last_Name: `L${n}`, Email: `l${n}@example.com` }] } });

describe('random faults', () => {
  it('answers 500 with the documented body at roughly rate5xx, and a failed request changes nothing', async () => {
    fake.faults.set({ rate5xx: 0.3 });
    const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => createLead(i)));
    const failed = answers.filter((a) => a.status === 500);
    expect(failed.length).toBeGreaterThan(80);
    expect(failed.length).toBeLessThan(160);
    expect(failed[0]?.body).toEqual({ code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' });
    expect(answers.filter((a) => a.status === 201)).toHaveLength(400 - failed.length);
    expect(fake.crm.leads).toHaveLength(400 - failed.length);
  });

  it('answers 429 with Retry-After at roughly rate429, in each service’s envelope', async () => {
    fake.faults.set({ rate429: 0.5, retryAfterSeconds: 7 });
    const answers = await Promise.all(Array.from({ length: 200 }, () => api('/api/v1/departments')));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(70);
    expect(limited.length).toBeLessThan(130);
    expect(limited[0]?.headers.get('retry-after')).toBe('7');
    expect(limited[0]?.body).toMatchObject({ errorCode: 'TOO_MANY_REQUESTS' });
    expect(answers.filter((a) => a.status === 200)).toHaveLength(200 - limited.length);
  });

  it('draws the same faults for the same seed', async () => {
    const pattern = async (f: FakeZoho) => {
      const token = await accessToken(f);
      f.faults.set({ rate5xx: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await client(f, token)('/crm/v8/org')).status);
      return statuses.join(',');
    };
    const [a, b] = await Promise.all([startFakeZoho({ seed: 99 }), startFakeZoho({ seed: 99 })]);
    try {
      const first = await pattern(a);
      expect(first).toContain('500');
      expect(await pattern(b)).toBe(first);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses invalid fault values', () => {
    expect(() => fake.faults.set({ rate5xx: 2 })).toThrow();
    expect(() => fake.faults.set({ failNext: { status: 200, count: 1 } })).toThrow();
  });
});

describe('failNext', () => {
  it('fails exactly the next count matching requests, leaving other routes alone', async () => {
    fake.faults.set({ failNext: { status: 503, count: 2, route: 'POST /crm/v8/Leads' } });
    expect((await api('/crm/v8/org')).status).toBe(200);
    const first = await createLead(1);
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect((await createLead(2)).status).toBe(503);
    expect((await createLead(3)).status).toBe(201);
    expect(fake.crm.leads.map((l) => l['Last_Name'])).toEqual(['L3']);
    expect(fake.faults.current.failNext).toBeNull();
  });

  it('sends Retry-After with an injected 429 and uses Campaigns’ envelope there', async () => {
    fake.faults.set({ failNext: { status: 429, count: 1, route: '/api/v1.1/*' }, retryAfterSeconds: 3 });
    const a = await api('/api/v1.1/getmailinglists?resfmt=JSON');
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('3');
    expect(a.body).toMatchObject({ status: 'error', URI: '/api/v1.1/getmailinglists' });
  });

  it('hits the token endpoint only when it names it', async () => {
    fake.faults.set({ failNext: { status: 500, count: 1 } });
    expect((await refresh(fake)).status).toBe(200);
    expect((await api('/crm/v8/org')).status).toBe(500);
    fake.faults.set({ failNext: { status: 500, count: 1, route: '/oauth/v2/token' } });
    expect((await refresh(fake)).status).toBe(500);
    expect((await refresh(fake)).status).toBe(200);
  });

  it('matches routes by method and path, path only, or prefix', () => {
    expect(routeMatches('POST /crm/v8/Leads', 'POST', '/crm/v8/Leads')).toBe(true);
    expect(routeMatches('POST /crm/v8/Leads', 'GET', '/crm/v8/Leads')).toBe(false);
    expect(routeMatches('/crm/v8/Leads', 'GET', '/crm/v8/Leads')).toBe(true);
    expect(routeMatches('/crm/v8/Leads', 'GET', '/crm/v8/Leads/search')).toBe(false);
    expect(routeMatches('/crm/*', 'GET', '/crm/v8/Leads/search')).toBe(true);
  });
});

describe('slow and lost responses', () => {
  it('delays a response by slowMs after the work is done: a client timeout leaves the record created', async () => {
    fake.faults.set({ rateSlow: 1, slowMs: 400 });
    const start = Date.now();
    await expect(api('/crm/v8/Leads', { json: { data: [{ Last_Name: 'Slow' }] }, signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(fake.crm.leads.map((l) => l['Last_Name'])).toEqual(['Slow']);
    fake.faults.set({ rateSlow: 1, slowMs: 150 });
    const patient = await api('/crm/v8/org');
    expect(patient.status).toBe(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(150);
  });

  it('drops the connection after committing a create when rateLostResponse hits', async () => {
    fake.faults.set({ rateLostResponse: 1 });
    await expect(createLead(1)).rejects.toThrow();
    await expect(
      api('/api/v1/tickets', {
        json: { subject: 'Lost', departmentId: fake.desk.departments[0]?.id, contact: { lastName: 'T', email: 't@example.com' } },
      }),
    ).rejects.toThrow();
    expect(fake.crm.leads).toHaveLength(1);
    expect(fake.desk.tickets).toHaveLength(1);
    // Reads and refused creates are answered normally.
    expect((await api('/crm/v8/org')).status).toBe(200);
    expect((await api('/crm/v8/Leads', { json: { data: [{ First_Name: 'x' }] } })).status).toBe(400);
  });

  it('loses roughly rateLostResponse of the creates, every one of them committed', async () => {
    fake.faults.set({ rateLostResponse: 0.25 });
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => createLead(i)));
    const lost = outcomes.filter((o) => o.status === 'rejected').length;
    expect(lost).toBeGreaterThan(25);
    expect(lost).toBeLessThan(80);
    expect(fake.crm.leads).toHaveLength(200);
  });
});

describe('stats', () => {
  it('counts requests per route and token refreshes; reset clears them', async () => {
    await api('/crm/v8/org');
    await createLead(1);
    const s = fake.stats;
    expect(s.tokenRefreshes).toBe(1);
    expect(s.byRoute['GET /crm/v8/org']).toBe(1);
    expect(s.byRoute['POST /crm/v8/Leads']).toBe(1);
    expect(s.byRoute['POST /oauth/v2/token']).toBe(1);
    expect(s.requests).toBe(3);
    fake.reset();
    expect(fake.stats).toEqual({ tokenRefreshes: 0, requests: 0, byRoute: {} });
  });
});
