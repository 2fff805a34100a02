import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { EXAMPLES_DIR } from '../start.ts';
import { testServer, type TestServer } from '../test-support.ts';

const LEAD_BOT = readFileSync(`${EXAMPLES_DIR}/lead.yaml`, 'utf8');

/** One visitor through examples/lead.yaml over HTTP. */
async function leadConversation(s: TestServer, who: { name: string; email: string; phone: string; company: string }) {
  const { id, token } = await s.start('lead');
  let last: Record<string, unknown> = {};
  for (const answer of [who.name, who.email, who.phone, who.company]) {
    const res = await s.reply(id, token, { text: answer });
    expect(res.statusCode).toBe(200);
    last = res.json();
  }
  return last;
}

describe('records', () => {
  it('lists the leads a conversation created, newest first, with paging and search', async () => {
    const s = await testServer();
    await s.publishBot(LEAD_BOT);
    const end = await leadConversation(s, { name: 'Taro Yamada', email: 'taro@example.com', phone: '090-1234-5678', company: 'Acme' });
    expect(end['status']).toBe('ended');
    await leadConversation(s, { name: 'Hanako Sato', email: 'hanako@example.jp', phone: '03-1111-2222', company: 'Globex' });

    const all = await s.admin({ url: '/api/v1/admin/records/leads' });
    expect(all.statusCode).toBe(200);
    expect(all.json().total).toBe(2);
    expect(all.json().items[0]).toMatchObject({
      name: 'Hanako Sato',
      email: 'hanako@example.jp',
      phone: '03-1111-2222',
      company: 'Globex',
      source: 'Chat',
      botId: 'lead',
    });
    expect(all.json().items[1]).toMatchObject({ name: 'Taro Yamada', company: 'Acme' });
    const thanks = (end['messages'] as Array<{ text: string }>)[0]?.text ?? '';
    expect(thanks).toContain(all.json().items[1].id);

    const paged = (await s.admin({ url: '/api/v1/admin/records/leads?limit=1&offset=1' })).json();
    expect(paged).toMatchObject({ total: 2, items: [{ name: 'Taro Yamada' }] });

    const found = (await s.admin({ url: '/api/v1/admin/records/leads?search=GLOBEX' })).json();
    expect(found.total).toBe(1);
    expect(found.items.map((l: { name: string }) => l.name)).toEqual(['Hanako Sato']);

    const none = (await s.admin({ url: '/api/v1/admin/records/contacts' })).json();
    expect(none).toEqual({ items: [], total: 0 });
  });

  it('searches for % and _ as the characters they are, not as LIKE wildcards', async () => {
    const s = await testServer();
    await s.publishBot(LEAD_BOT);
    await leadConversation(s, { name: 'Taro Yamada', email: 'taro@example.com', phone: '090-1234-5678', company: '100% Organic' });
    await leadConversation(s, { name: 'Hanako Sato', email: 'hanako_sato@example.jp', phone: '03-1111-2222', company: 'Globex' });
    const names = async (search: string) =>
      (await s.admin({ url: `/api/v1/admin/records/leads?search=${encodeURIComponent(search)}` })).json().items.map((l: { name: string }) => l.name);
    expect(await names('%')).toEqual(['Taro Yamada']);
    expect(await names('_')).toEqual(['Hanako Sato']);
    expect(await names('o_s')).toEqual(['Hanako Sato']);
    expect(await names('a%o')).toEqual([]);
    expect(await names('t_r')).toEqual([]);
  });

  it('refuses an unknown kind and bad paging with 400', async () => {
    const s = await testServer();
    for (const url of [
      '/api/v1/admin/records/customers',
      '/api/v1/admin/records/leads?limit=0',
      '/api/v1/admin/records/leads?limit=100000',
      '/api/v1/admin/records/leads?offset=-1',
      '/api/v1/admin/records/leads?limit=ten',
    ]) {
      const res = await s.admin({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
    }
  });
});

describe('the directory', () => {
  it('lists and adds departments, agents and mailing lists', async () => {
    const s = await testServer();
    const seeded = (await s.admin({ url: '/api/v1/admin/records/departments' })).json();
    const before = seeded.total as number;

    const added = await s.admin({ method: 'POST', url: '/api/v1/admin/records/departments', payload: { name: 'Billing', enabled: false } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ name: 'Billing', enabled: false });
    const departments = (await s.admin({ url: '/api/v1/admin/records/departments?search=bill' })).json();
    expect(departments).toMatchObject({ total: 1, items: [{ name: 'Billing' }] });
    expect((await s.admin({ url: '/api/v1/admin/records/departments' })).json().total).toBe(before + 1);

    const agent = await s.admin({
      method: 'POST',
      url: '/api/v1/admin/records/agents',
      payload: { email: 'ren@example.com', name: 'Ren' },
    });
    expect(agent.statusCode).toBe(201);
    expect(agent.json()).toMatchObject({ email: 'ren@example.com', name: 'Ren', active: true });
    expect((await s.admin({ url: '/api/v1/admin/records/agents?search=REN@' })).json().items).toHaveLength(1);

    const list = await s.admin({ method: 'POST', url: '/api/v1/admin/records/lists', payload: { name: 'Weekly' } });
    expect(list.statusCode).toBe(201);
    const lists = (await s.admin({ url: '/api/v1/admin/records/lists?limit=1' })).json();
    expect(lists.items).toHaveLength(1);
    expect(lists.total).toBeGreaterThanOrEqual(1);
  });

  it('refuses duplicates with 409 and invalid entries with 400', async () => {
    const s = await testServer();
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/lists', payload: { name: 'Weekly' } });
    const dup = await s.admin({ method: 'POST', url: '/api/v1/admin/records/lists', payload: { name: 'WEEKLY' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('duplicate');

    const badEmail = await s.admin({ method: 'POST', url: '/api/v1/admin/records/agents', payload: { email: 'not-an-email', name: 'X' } });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().error.field).toBe('email');
    const blank = await s.admin({ method: 'POST', url: '/api/v1/admin/records/departments', payload: { name: '   ' } });
    expect(blank.statusCode).toBe(400);
    const extra = await s.admin({ method: 'POST', url: '/api/v1/admin/records/lists', payload: { name: 'A', owner: 'me' } });
    expect(extra.statusCode).toBe(400);
  });
});
