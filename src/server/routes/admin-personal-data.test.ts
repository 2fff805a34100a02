import { describe, expect, it } from 'vitest';
import { LEAD_BOT, TICKET_BOT } from '../../runtime/personal-data-fixtures.ts';
import { testServer, type TestServer } from '../test-support.ts';

async function visit(s: TestServer, botId: string, answers: readonly string[]): Promise<string> {
  const { id, token } = await s.start(botId);
  for (const text of answers) {
    const res = await s.reply(id, token, { text });
    if (res.statusCode !== 200) throw new Error(`reply: ${res.statusCode} ${res.body}`);
  }
  return id;
}

async function withTaro(): Promise<{ s: TestServer; conversations: string[] }> {
  const s = await testServer();
  await s.publishBot(LEAD_BOT);
  await s.publishBot(TICKET_BOT);
  const lead = await visit(s, 'pd-lead', ['Taro', 'taro@example.com', '090-1234-5678']);
  const ticket = await visit(s, 'pd-ticket', ['TARO@example.com', '電話 ０９０１２３４５６７８']);
  await visit(s, 'pd-lead', ['Hanako', 'hanako@example.com', '03-1111-2222']);
  return { s, conversations: [lead, ticket] };
}

const PERSONAL = /taro@example\.com|090-?1234-?5678|０９０/i;

describe('the personal-data admin API', () => {
  it('exports everything about a person by email or phone, uncached, and records the export without the person', async () => {
    const { s, conversations } = await withTaro();
    const res = await s.admin({ url: '/api/v1/admin/personal-data?email=Taro%40Example.com' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const doc = res.json();
    expect(doc.subject).toEqual({ kind: 'email', value: 'taro@example.com' });
    expect(doc.data.conversations.map((c: { id: string }) => c.id).sort()).toEqual([...conversations].sort());
    expect(doc.counts).toMatchObject({ conversations: 2, leads: 1, tickets: 1 });
    expect(doc.externalRecords).toEqual([]);

    const byPhone = (await s.admin({ url: `/api/v1/admin/personal-data?phone=${encodeURIComponent('+81 90 1234 5678')}` })).json();
    expect(byPhone.counts).toMatchObject({ conversations: 2, leads: 1, tickets: 1 });

    const audit = (await s.admin({ url: '/api/v1/admin/audit?action=personal_data.export' })).json();
    expect(audit.total).toBe(2);
    expect(audit.items[0]).toMatchObject({ actor: { kind: 'token', name: 'admin token' }, address: '127.0.0.1', details: { by: 'phone' } });
    expect(JSON.stringify(audit)).not.toMatch(PERSONAL);
    // The request log names the route, never the query's email or phone.
    expect(s.logs.join('\n')).not.toMatch(PERSONAL);
  });

  it('erases a person and answers what it removed; afterwards the API shows nothing of them', async () => {
    const { s, conversations } = await withTaro();
    const res = await s.admin({ method: 'DELETE', url: '/api/v1/admin/personal-data?phone=09012345678' });
    expect(res.statusCode).toBe(200);
    const erased = res.json();
    expect(erased).toMatchObject({ subject: { kind: 'phone', value: '09012345678' }, removed: { conversations: 2, leads: 1, tickets: 1, effects: 2 } });
    expect(Object.keys(erased).sort()).toEqual(['erasedAt', 'externalRecords', 'removed', 'subject']);

    const again = (await s.admin({ url: '/api/v1/admin/personal-data?email=taro@example.com' })).json();
    expect(Object.values(again.counts).every((n) => n === 0)).toBe(true);
    const seen: string[] = [];
    for (const url of [
      '/api/v1/admin/records/leads',
      '/api/v1/admin/records/tickets',
      '/api/v1/admin/conversations',
      ...conversations.map((id) => `/api/v1/admin/conversations/${id}`),
      '/api/v1/admin/execution-log',
      '/api/v1/admin/audit',
      '/api/v1/admin/bots/pd-lead/analytics',
    ]) {
      const page = await s.admin({ url });
      expect(page.statusCode, url).toBe(200);
      seen.push(page.body);
    }
    expect(seen.join('\n')).not.toMatch(PERSONAL);
    expect(seen.join('\n')).toContain('hanako@example.com');
    // Analytics still count both conversations of the lead bot and the port the lead took.
    const analytics = JSON.parse(seen.at(-1)!);
    expect(analytics).toMatchObject({ conversations: 2, blocks: [{ block: 'create', ports: [{ port: 'success', conversations: 2 }] }] });
    expect(s.logs.join('\n')).not.toMatch(PERSONAL);
  });

  it('refuses a query that names nobody, with the field at fault, and changes nothing', async () => {
    const { s } = await withTaro();
    const cases: [string, string | undefined][] = [
      ['', undefined],
      ['?email=taro@example.com&phone=0901234567', undefined],
      ['?email=taro', 'email'],
      ['?phone=12-34', 'phone'],
      ['?phone=call%20me', 'phone'],
    ];
    for (const [query, field] of cases) {
      for (const method of ['GET', 'DELETE'] as const) {
        const res = await s.admin({ method, url: `/api/v1/admin/personal-data${query}` });
        expect(res.statusCode, `${method} ${query}`).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'invalid_request', ...(field ? { field } : {}) });
      }
    }
    expect((await s.app.inject({ url: '/api/v1/admin/personal-data?email=taro@example.com' })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'DELETE', url: '/api/v1/admin/personal-data?email=taro@example.com' })).statusCode).toBe(401);
    expect((await s.admin({ url: '/api/v1/admin/personal-data?email=taro@example.com' })).json().counts.conversations).toBe(2);
    expect((await s.admin({ url: '/api/v1/admin/audit?action=personal_data.erase' })).json().total).toBe(0);
  });
});
