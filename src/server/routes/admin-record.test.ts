import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from '../start.ts';
import { testServer, type TestServer } from '../test-support.ts';

const SUPPORT_BOT = readFileSync(`${EXAMPLES_DIR}/support.yaml`, 'utf8');

/** One visitor through examples/support.yaml over HTTP: a ticket in the built-in helpdesk. */
async function ticketConversation(s: TestServer, name: string): Promise<{ conversationId: string; ticketId: string }> {
  const { id, token } = await s.start('support');
  for (const answer of [{ text: name }, { text: `${name.toLowerCase()}@example.com` }, { text: 'The printer is on fire' }, { choice: 'High' }]) {
    expect((await s.reply(id, token, answer)).statusCode).toBe(200);
  }
  const conversation = (await s.admin({ url: `/api/v1/admin/conversations/${id}` })).json();
  return { conversationId: id, ticketId: conversation.state.vars.ticket_id };
}

describe('one record', () => {
  it('shows every field and the conversation that created it', async () => {
    const s = await testServer();
    await s.publishBot(SUPPORT_BOT);
    const { conversationId, ticketId } = await ticketConversation(s, 'Taro');

    const res = await s.admin({ url: `/api/v1/admin/records/tickets/${ticketId}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      kind: 'tickets',
      record: expect.objectContaining({
        id: ticketId,
        subject: 'チャットからの問い合わせ: Taro',
        description: 'The printer is on fire（taro@example.com から）',
        status: 'Open',
        priority: 'High',
        department: 'Support',
        contact: { name: 'Taro', email: 'taro@example.com', phone: null },
      }),
      origin: {
        effectId: expect.stringMatching(new RegExp(`^${conversationId}:`)),
        preview: false,
        conversation: { id: conversationId, botId: 'support', botVersion: 1, startedAt: expect.any(String) },
      },
      changes: [],
    });

    const missing = await s.admin({ url: '/api/v1/admin/records/tickets/no-such-id' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('record_not_found');
    expect((await s.admin({ url: `/api/v1/admin/records/leads/${ticketId}` })).statusCode).toBe(404);
    expect((await s.admin({ url: `/api/v1/admin/records/agents/${ticketId}` })).statusCode).toBe(400);
  });

  it("says a record came from the builder's preview, which keeps no conversation", async () => {
    const s = await testServer();
    const bot = {
      renkei: 1,
      id: 'p',
      name: 'P',
      locale: 'en',
      start: 'add',
      blocks: { add: { type: 'crm.lead', email: 'x@example.com', ports: { success: 'end', failure: 'end' } }, end: { type: 'end' } },
    };
    const turn = (
      await s.admin({ method: 'POST', url: '/api/v1/admin/preview', payload: { bot, state: null, event: { type: 'start' }, real: ['add'] } })
    ).json();
    const leadId = turn.integrations[0].outputs.id as string;
    const detail = (await s.admin({ url: `/api/v1/admin/records/leads/${leadId}` })).json();
    expect(detail.origin).toEqual({ effectId: expect.stringMatching(/^preview-/), preview: true, conversation: null });
  });
});

describe("a built-in ticket's status and assignee", () => {
  it('change from the admin API, each kept with its time', async () => {
    const s = await testServer();
    await s.publishBot(SUPPORT_BOT);
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/agents', payload: { email: 'hana@example.com', name: 'Hana' } });
    const { ticketId } = await ticketConversation(s, 'Taro');
    const url = `/api/v1/admin/records/tickets/${ticketId}`;

    await s.admin({ method: 'POST', url: '/api/v1/admin/records/agents', payload: { email: 'gone@example.com', name: 'Gone', active: false } });
    expect((await s.admin({ url: '/api/v1/admin/records/ticket-values' })).json()).toEqual({
      status: [
        { value: 'Open', label: 'Open' },
        { value: 'On Hold', label: 'On Hold' },
        { value: 'Closed', label: 'Closed' },
      ],
      assignee: [{ value: 'hana@example.com', label: 'Hana <hana@example.com>' }],
    });
    const changed = await s.admin({ method: 'PATCH', url, payload: { status: 'On Hold', assignee: 'hana@example.com' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().record).toMatchObject({ status: 'On Hold', assignee: 'hana@example.com' });
    expect(changed.json().changes).toEqual([
      { field: 'status', from: 'Open', to: 'On Hold', at: expect.any(String) },
      { field: 'assignee', from: null, to: 'hana@example.com', at: expect.any(String) },
    ]);
    const unassigned = (await s.admin({ method: 'PATCH', url, payload: { assignee: null } })).json();
    expect(unassigned.record.assignee).toBeNull();
    expect(unassigned.changes).toHaveLength(3);
    // The list shows the change too.
    expect((await s.admin({ url: '/api/v1/admin/records/tickets?status=On%20Hold' })).json().items.map((t: { id: string }) => t.id)).toEqual([ticketId]);
  });

  it('refuses a status the helpdesk does not have, an agent who cannot take it, an empty change and an unknown ticket, naming the field', async () => {
    const s = await testServer();
    await s.publishBot(SUPPORT_BOT);
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/agents', payload: { email: 'gone@example.com', name: 'Gone', active: false } });
    const { ticketId } = await ticketConversation(s, 'Taro');
    const url = `/api/v1/admin/records/tickets/${ticketId}`;
    const cases: Array<[unknown, number, string, string | undefined]> = [
      [{ status: '高' }, 400, 'invalid_request', 'status'],
      [{ status: 'open' }, 400, 'invalid_request', 'status'],
      [{ assignee: 'gone@example.com' }, 400, 'assignee_invalid', 'assignee'],
      [{ assignee: 'nobody@example.com' }, 400, 'assignee_invalid', 'assignee'],
      [{ status: 'Closed', assignee: '' }, 400, 'invalid_request', 'assignee'],
      [{}, 400, 'invalid_request', undefined],
      [{ status: 'Closed', priority: 'Low' }, 400, 'invalid_request', undefined],
    ];
    for (const [payload, status, code, field] of cases) {
      const res = await s.admin({ method: 'PATCH', url, payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().error, JSON.stringify(payload)).toMatchObject({ code, ...(field ? { field } : {}) });
    }
    expect((await s.admin({ method: 'PATCH', url: '/api/v1/admin/records/tickets/nope', payload: { status: 'Closed' } })).statusCode).toBe(404);
    const after = (await s.admin({ url })).json();
    expect(after.record).toMatchObject({ status: 'Open', assignee: null });
    expect(after.changes).toEqual([]);
  });
});

describe('filtering the records list', () => {
  it('by status and date range, and refuses what cannot be a filter', async () => {
    const s = await testServer();
    await s.publishBot(SUPPORT_BOT);
    const first = await ticketConversation(s, 'Taro');
    await ticketConversation(s, 'Hanako');
    await s.admin({ method: 'PATCH', url: `/api/v1/admin/records/tickets/${first.ticketId}`, payload: { status: 'Closed' } });

    const list = async (query: string) => (await s.admin({ url: `/api/v1/admin/records/tickets?${query}` })).json();
    expect(await list('status=Closed')).toMatchObject({ total: 1, items: [{ id: first.ticketId }] });
    expect((await list('status=Open')).total).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await list(`from=${today}&to=${today}`)).total).toBe(2);
    expect((await list(`to=${today}T00:00:00Z`)).total).toBe(0);
    expect((await list(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).total).toBe(0);

    for (const [query, field] of [
      ['from=yesterday', 'from'],
      ['from=2026-13-01', 'from'],
      ['to=2026-12-06T10:00:00', 'to'],
      ['from=2026-12-07&to=2026-12-06', 'to'],
      ['status=', 'status'],
    ]) {
      const res = await s.admin({ url: `/api/v1/admin/records/tickets?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.field, query).toBe(field);
    }
    const leads = await s.admin({ url: '/api/v1/admin/records/leads?status=Open' });
    expect(leads.statusCode).toBe(400);
    expect(leads.json().error).toMatchObject({ field: 'status', message: 'querystring.status: only tickets have a status, not leads' });
  });
});
