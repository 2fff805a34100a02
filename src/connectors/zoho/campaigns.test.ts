import { describe, expect, it } from 'vitest';
import type { SubscribeRequest } from '../../vocabulary/requests.ts';
import { ctx, FAST, zohoSuite } from './test-support.ts';

const z = await zohoSuite();

const sub = (over: Partial<SubscribeRequest> = {}): SubscribeRequest => ({
  list: 'Newsletter',
  name: 'Yui Tanaka',
  email: 'yui@example.jp',
  phone: '090-1234-5678',
  ...over,
});
const subscribes = (): number => z.fake.stats.byRoute['POST /api/v1.1/json/listsubscribe'] ?? 0;

describe('mailing.subscribe', () => {
  it('subscribes the visitor to a list named by name, with the name split by locale', async () => {
    const outcome = await z.connect('mailing').subscribe(sub({ name: '田中 結衣' }), ctx({ locale: 'ja' }));
    expect(outcome).toEqual({ outcome: 'success', outputs: { status: 'subscribed' } });
    expect(z.fake.campaigns.subscribers).toEqual([
      expect.objectContaining({
        listkey: z.fake.campaigns.lists[0]?.listkey,
        email: 'yui@example.jp',
        lastName: '田中',
        firstName: '結衣',
        phone: '090-1234-5678',
      }),
    ]);
  });

  it('takes a list key too, and a repeat subscription is a success without a second subscriber', async () => {
    const key = z.fake.campaigns.lists[0]?.listkey ?? '';
    const mailing = z.connect('mailing');
    expect((await mailing.subscribe(sub({ list: key }), ctx())).outcome).toBe('success');
    expect((await mailing.subscribe(sub({ list: 'newsletter' }), ctx())).outcome).toBe('success');
    expect(z.fake.campaigns.subscribers).toHaveLength(1);
  });

  it('resolves a list created after the lists were cached', async () => {
    z.useProvider({ ...FAST, directoryRefetchMs: 0 });
    const mailing = z.connect('mailing');
    await mailing.subscribe(sub(), ctx());
    const vip = z.fake.addList('VIP');
    expect((await mailing.subscribe(sub({ list: 'VIP' }), ctx())).outcome).toBe('success');
    expect(z.fake.campaigns.subscribers.at(-1)?.listkey).toBe(vip.listkey);
  });

  it('fails for a list Campaigns does not have, without subscribing', async () => {
    const outcome = await z.connect('mailing').subscribe(sub({ list: 'Nope' }), ctx());
    expect(outcome).toEqual({ outcome: 'failure', retryable: false, message: 'Zoho Campaigns has no mailing list named "Nope"' });
    expect(subscribes()).toBe(0);
  });

  it("fails with Campaigns' message when an HTTP 200 says error", async () => {
    const outcome = await z.connect('mailing').subscribe(sub({ email: 'admin@example.com' }), ctx());
    expect(outcome).toEqual({
      outcome: 'failure',
      retryable: false,
      message: 'Zoho Campaigns refused the subscription to "Newsletter": Group or role based email addresses cannot be added. (2005)',
    });
  });

  it('says pending_confirmation on a double opt-in list, where Zoho only sent a confirmation email', async () => {
    z.fake.addList('Confirmed news', { doubleOptIn: true });
    const outcome = await z.connect('mailing').subscribe(sub({ list: 'Confirmed news' }), ctx());
    expect(outcome).toEqual({ outcome: 'success', outputs: { status: 'pending_confirmation' } });
  });

  it('forgets the cached lists when Campaigns says the list key is invalid (2102), so a deleted list is not tried again', async () => {
    const mailing = z.connect('mailing');
    const doomed = z.fake.addList('Doomed');
    expect((await mailing.subscribe(sub({ list: 'Doomed' }), ctx())).outcome).toBe('success');
    z.fake.campaigns.lists.splice(z.fake.campaigns.lists.indexOf(doomed), 1);
    const gone = await mailing.subscribe(sub({ list: 'Doomed', email: 'ken@example.jp' }), ctx());
    expect(gone).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/\(2102\)/) });
    const lists = z.fake.stats.byRoute['GET /api/v1.1/getmailinglists'] ?? 0;
    const after = await mailing.subscribe(sub({ list: 'Doomed', email: 'ken@example.jp' }), ctx());
    expect(after).toMatchObject({ outcome: 'failure', message: 'Zoho Campaigns has no mailing list named "Doomed"' });
    expect(z.fake.stats.byRoute['GET /api/v1.1/getmailinglists']).toBe(lists + 1);
  });

  it('fails before calling when there is no email', async () => {
    expect(await z.connect('mailing').subscribe(sub({ email: ' ' }), ctx())).toMatchObject({ outcome: 'failure', retryable: false });
    expect(subscribes()).toBe(0);
  });

  it('retries a 429 (code 2101) and then succeeds', async () => {
    z.fake.faults.set({ retryAfterSeconds: 0, failNext: { status: 429, count: 2, route: 'POST /api/v1.1/json/listsubscribe' } });
    expect((await z.connect('mailing').subscribe(sub(), ctx())).outcome).toBe('success');
    expect(subscribes()).toBe(3);
  });

  it('refreshes once on an expired token (1007) and succeeds', async () => {
    const mailing = z.connect('mailing');
    await mailing.subscribe(sub(), ctx());
    const before = z.fake.stats.tokenRefreshes;
    z.fake.expireAccessTokens();
    expect((await mailing.subscribe(sub({ email: 'ken@example.jp' }), ctx())).outcome).toBe('success');
    expect(z.fake.stats.tokenRefreshes - before).toBe(1);
  });

  it('is integration_invalid for a revoked refresh token', async () => {
    const client = z.newClient();
    z.fake.revokeRefreshToken(client.refreshToken);
    const outcome = await z.connect('mailing', z.record('mailing', { client })).subscribe(sub(), ctx());
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/invalid_code/) });
    expect(z.invalid).toHaveLength(1);
  });
});
