import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeZoho, type FakeZoho } from '../../../test/fake-zoho/index.ts';
import { IntegrationInvalidError, TokenThrottledError, ServiceUnavailableError } from '../remote/errors.ts';
import { ZohoOAuth } from './oauth.ts';

let fake: FakeZoho;
beforeAll(async () => {
  fake = await startFakeZoho();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const oauth = (over: Partial<ConstructorParameters<typeof ZohoOAuth>[0]> = {}) => new ZohoOAuth({ accountsOrigin: fake.url, ...fake.client, ...over });
const tokenCalls = (): number => fake.stats.byRoute['POST /oauth/v2/token'] ?? 0;

describe('ZohoOAuth', () => {
  it('refreshes once for 100 concurrent callers, then answers from the cache', async () => {
    const client = oauth();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => client.token()));
    expect(new Set(tokens).size).toBe(1);
    expect(fake.stats.tokenRefreshes).toBe(1);
    await client.token();
    expect(tokenCalls()).toBe(1);
  });

  it('refreshes ahead of expiry (5 minutes before an hour-long token ends), once', async () => {
    let now = Date.now();
    const client = oauth({ now: () => now });
    const first = await client.token();
    now += 54 * 60_000;
    expect(await client.token()).toBe(first);
    now += 2 * 60_000;
    const [a, b] = await Promise.all([client.token(), client.token()]);
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(fake.stats.tokenRefreshes).toBe(2);
  });

  it('drops a token Zoho refused, but not a newer one', async () => {
    const client = oauth();
    const first = await client.token();
    await client.invalidate('some other token');
    expect(await client.token()).toBe(first);
    await client.invalidate(first);
    expect(await client.token()).not.toBe(first);
    expect(fake.stats.tokenRefreshes).toBe(2);
  });

  it('treats invalid_code (answered with HTTP 200) as permanent, remembers it a while, and asks again when told to', async () => {
    const client = oauth({ refreshToken: '1000.revoked' });
    await expect(client.token()).rejects.toThrow(IntegrationInvalidError);
    await expect(client.token()).rejects.toThrow(/invalid_code/);
    expect(tokenCalls()).toBe(1);
    client.forgetRefusal();
    await expect(client.token()).rejects.toThrow(IntegrationInvalidError);
    expect(tokenCalls()).toBe(2);
  });

  it('treats invalid_client as permanent', async () => {
    await expect(oauth({ clientSecret: 'wrong' }).token()).rejects.toThrow(/invalid_client/);
  });

  it('treats the Access Denied throttle as retryable and leaves the endpoint alone for a while', async () => {
    fake.faults.set({ tokenThrottle: true });
    const client = oauth();
    const error = await client.token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenThrottledError);
    expect((error as TokenThrottledError).retryAt).toBeGreaterThan(Date.now() + 50_000);
    fake.faults.reset();
    await expect(client.token()).rejects.toThrow(TokenThrottledError);
    expect(tokenCalls()).toBe(1);
  });

  it('reports a 5xx from the accounts server as retryable, and the next call refreshes', async () => {
    fake.faults.set({ failNext: { status: 500, count: 1, route: '/oauth/v2/token' } });
    const client = oauth();
    await expect(client.token()).rejects.toThrow(ServiceUnavailableError);
    await expect(client.token()).resolves.toMatch(/^1000\./);
  });

  it('reports an unreachable accounts server as retryable', async () => {
    const closed = await startFakeZoho();
    const origin = closed.url;
    await closed.close();
    await expect(oauth({ accountsOrigin: origin }).token()).rejects.toThrow(/could not reach the Zoho accounts server/);
  });

  it('lets one caller give up without cancelling the refresh for the others', async () => {
    const client = oauth();
    const gaveUp = new AbortController();
    gaveUp.abort();
    const [abandoned, kept] = await Promise.allSettled([client.token(gaveUp.signal), client.token()]);
    expect(abandoned.status).toBe('rejected');
    expect(kept.status).toBe('fulfilled');
    expect(fake.stats.tokenRefreshes).toBe(1);
  });
});
