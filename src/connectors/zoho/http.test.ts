import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../remote/errors.ts';
import { steppedClock } from '../remote/test-clock.ts';
import { ZohoApi } from './http.ts';
import { ZohoOAuth } from './oauth.ts';
import { apiUrl } from './service.ts';
import { ctx, FAST, zohoSuite } from './test-support.ts';

/**
 * Retries within a block's deadline. Found by the reliability suite (faults scenario): a block
 * gave up with seconds left because one jittered backoff was longer than the time remaining, and
 * a block that had waited in the queue was cut off mid-sleep because the connector counted its 40 s
 * from the call, not from the block's start.
 */

const z = await zohoSuite();

const lead = () => ({ name: 'Hanako Yamada', email: `hanako.${Math.random().toString(36).slice(2)}@example.com`, phone: '', company: 'Acme', fields: {} });

describe('ZohoApi retries within the block deadline', () => {
  function api(): ZohoApi {
    const { clientId, clientSecret, refreshToken } = z.fake.client;
    const oauth = new ZohoOAuth({ accountsOrigin: z.fake.url, clientId, clientSecret, refreshToken });
    // random() = 1: every backoff is its longest, 10 s for the first retry.
    return new ZohoApi(oauth, { timeoutMs: 2_000, retry: { baseMs: 10_000, capMs: 30_000 }, random: () => 1 });
  }

  it('shortens a backoff longer than the time left, so the block still gets its last try', async () => {
    z.fake.faults.set({ failNext: { status: 500, count: 1, route: 'GET /crm/v8/org' } });
    const started = Date.now();
    const res = await api().send({ method: 'GET', url: apiUrl(z.fake.url, '/crm/v8/org') }, { deadline: started + 3_500 });
    expect(res.status).toBe(200);
    // It waited what the deadline allowed (3.5 s less the 2 s kept for the try), not 10 s, and did not give up.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('still gives up, naming the last error, when even the shortened wait leaves no time', async () => {
    z.fake.faults.set({ rate5xx: 1 });
    const started = Date.now();
    const call = api().send({ method: 'GET', url: apiUrl(z.fake.url, '/crm/v8/org') }, { deadline: started + 3_000 });
    await expect(call).rejects.toThrow(ServiceUnavailableError);
    await expect(call).rejects.toThrow(/HTTP 500.*retrying would pass the block's deadline/);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("a Retry-After past the deadline is Zoho's demand: never shortened", async () => {
    z.fake.faults.set({ retryAfterSeconds: 5, failNext: { status: 429, count: 1 } });
    const started = Date.now();
    const call = api().send({ method: 'GET', url: apiUrl(z.fake.url, '/crm/v8/org') }, { deadline: started + 3_000 });
    await expect(call).rejects.toThrow(/wait 5 s, past the block's deadline/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe("a connector call given the block's deadline", () => {
  it('stops at that deadline with the last error, not deadlineMs after the call began', async () => {
    // Time moves only in the backoffs, so the deadline never cuts a create in flight (that would be an unknown outcome).
    const clock = steppedClock();
    z.useProvider({ ...FAST, deadlineMs: 30_000, clock });
    z.fake.faults.set({ rate5xx: 1 });
    const started = Date.now();
    const outcome = await z.connect('crm').createLead(lead(), ctx({ deadline: clock.now() + 600 }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome).toMatchObject({ outcome: 'failure', retryable: true, message: expect.stringMatching(/HTTP 500 \(INTERNAL_ERROR/) });
  });
});
