import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeZoho } from './index.ts';
import type { FakeZoho } from './index.ts';
import { accessToken, client } from './testkit.ts';

let fake: FakeZoho;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  fake = await startFakeZoho({ seed: 11 });
});
beforeEach(async () => {
  api = client(fake, await accessToken(fake));
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const newsletter = () => fake.campaigns.lists.find((l) => l.listname === 'Newsletter')?.listkey ?? '';
const subscribe = (contact: Record<string, string>, extra: Record<string, string> = {}) =>
  api('/api/v1.1/json/listsubscribe', {
    form: { resfmt: 'JSON', listkey: newsletter(), source: 'Website chat', contactinfo: JSON.stringify(contact), ...extra },
  });

describe('listsubscribe', () => {
  it('subscribes with the params in a form body and stores the contact', async () => {
    const a = await subscribe({ 'Contact Email': 'yui@example.jp', 'First Name': 'Yui', 'Last Name': 'Tanaka', Phone: '+81 90', Company: 'KK' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: 'success', code: '0', uri: '/api/v1.1/json/listsubscribe', message: expect.any(String) });
    expect(fake.campaigns.subscribers).toEqual([
      {
        listkey: newsletter(),
        email: 'yui@example.jp',
        status: 'subscribed',
        firstName: 'Yui',
        lastName: 'Tanaka',
        phone: '+81 90',
        fields: { Company: 'KK' },
      },
    ]);
  });

  it('takes the params in the query string of the POST too', async () => {
    const q = new URLSearchParams({ resfmt: 'JSON', listkey: newsletter(), contactinfo: JSON.stringify({ 'Contact Email': 'q@example.com' }) });
    const a = await api(`/api/v1.1/json/listsubscribe?${q}`, { method: 'POST' });
    expect(a.body).toMatchObject({ status: 'success', code: '0' });
    expect(fake.campaigns.subscribers.map((s) => s.email)).toEqual(['q@example.com']);
  });

  it('a repeat subscribe is a success and updates the one subscriber', async () => {
    await subscribe({ 'Contact Email': 'yui@example.jp', 'First Name': 'Yui' });
    const again = await subscribe({ 'Contact Email': 'YUI@example.jp', 'Last Name': 'Tanaka' });
    expect(again.body).toMatchObject({ status: 'success', code: '0' });
    expect(fake.campaigns.subscribers).toHaveLength(1);
    expect(fake.campaigns.subscribers[0]).toMatchObject({ firstName: 'Yui', lastName: 'Tanaka' });
  });

  it('answers HTTP 200 with status error 2102 for an unknown list key, 2501 for an empty one', async () => {
    const a = await subscribe({ 'Contact Email': 'yui@example.jp' }, { listkey: 'nope' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ status: 'error', code: '2102', message: 'Listkey is empty or invalid.', uri: '/api/v1.1/json/listsubscribe' });
    expect((await subscribe({ 'Contact Email': 'yui@example.jp' }, { listkey: '' })).body).toMatchObject({ code: '2501' });
    expect(fake.campaigns.subscribers).toHaveLength(0);
  });

  it('on a double opt-in list, says a confirmation email was sent and keeps the subscriber pending', async () => {
    const confirmed = fake.addList('Confirmed', { doubleOptIn: true });
    const a = await subscribe({ 'Contact Email': 'yui@example.jp' }, { listkey: confirmed.listkey });
    expect(a.body).toMatchObject({ status: 'success', code: '0', message: expect.stringMatching(/confirmation email is sent/) });
    expect(fake.campaigns.subscribers).toEqual([expect.objectContaining({ email: 'yui@example.jp', status: 'pending' })]);
    expect((await subscribe({ 'Contact Email': 'ken@example.jp' })).body?.['message']).not.toMatch(/confirm/);
  });

  it.each([
    ['a bad email', { contactinfo: JSON.stringify({ 'Contact Email': 'not-an-email' }) }, '2004'],
    ['no email', { contactinfo: JSON.stringify({ 'First Name': 'Yui' }) }, '2004'],
    ['a role address', { contactinfo: JSON.stringify({ 'Contact Email': 'postmaster@example.com' }) }, '2005'],
    ['contactinfo that is not JSON', { contactinfo: '{Contact Email: x' }, '2001'],
    ['no contactinfo', { contactinfo: '' }, '903'],
    ['no resfmt', { resfmt: '' }, '903'],
  ])('answers HTTP 200 with error for %s', async (_label, extra, code) => {
    const a = await subscribe({ 'Contact Email': 'ok@example.com' }, extra);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: 'error', code });
    expect(fake.campaigns.subscribers).toHaveLength(0);
  });
});

describe('getmailinglists', () => {
  it('lists the lists with their keys and contact counts as strings', async () => {
    const promo = fake.addList('Promotions');
    await subscribe({ 'Contact Email': 'a@example.com' });
    const a = await api('/api/v1.1/getmailinglists?resfmt=JSON&sort=asc&fromindex=1&range=20');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      status: 'success',
      code: '0',
      list_of_details: [
        { listkey: newsletter(), listname: 'Newsletter', noofcontacts: '1' },
        { listkey: promo.listkey, listname: 'Promotions', noofcontacts: '0' },
      ],
    });
    expect(promo.listkey).toMatch(/^[0-9a-f]{32}$/);
  });

  it('requires resfmt=JSON and says 2401 when there is no list', async () => {
    expect((await api('/api/v1.1/getmailinglists')).body).toMatchObject({ status: 'error', code: '903' });
    fake.campaigns.lists.length = 0;
    expect((await api('/api/v1.1/getmailinglists?resfmt=JSON')).body).toMatchObject({ status: 'error', code: '2401' });
  });

  it('gives the seeded Newsletter the same list key for the same seed', async () => {
    const twin = await startFakeZoho({ seed: 11 });
    try {
      expect(twin.campaigns.lists[0]?.listkey).toBe(newsletter());
    } finally {
      await twin.close();
    }
  });
});
