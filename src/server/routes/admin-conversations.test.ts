import { describe, expect, it } from 'vitest';
import { BOTS } from '../../runtime/test-support.ts';
import { CHOICE_BOT, testServer } from '../test-support.ts';

describe('conversations and the execution log', () => {
  it('lists conversations, shows one with its transcript and integration calls, and logs every call', async () => {
    const s = await testServer();
    await s.publishBot(BOTS.lead);
    await s.publishBot(CHOICE_BOT);
    const lead = await s.start('quick-lead');
    await s.reply(lead.id, lead.token, { text: 'mio@example.com' });
    const other = await s.start('colours');

    const list = await s.admin({ url: '/api/v1/admin/conversations' });
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .items.map((c: { id: string }) => c.id)
        .sort(),
    ).toEqual([lead.id, other.id].sort());
    const ended = (await s.admin({ url: '/api/v1/admin/conversations?status=ended' })).json().items;
    expect(ended).toEqual([expect.objectContaining({ id: lead.id, botId: 'quick-lead', botVersion: 1, status: 'ended' })]);
    expect((await s.admin({ url: '/api/v1/admin/conversations?botId=colours&limit=1' })).json().items).toHaveLength(1);

    const detail = await s.admin({ url: `/api/v1/admin/conversations/${lead.id}` });
    expect(detail.statusCode).toBe(200);
    const body = detail.json();
    expect(body).toMatchObject({ id: lead.id, status: 'ended', state: { vars: { 'visitor.email': 'mio@example.com' } } });
    expect(body.transcript.some((e: { type: string; text?: string }) => e.type === 'visitor' && e.text === 'mio@example.com')).toBe(true);
    expect(body.effects).toEqual([
      expect.objectContaining({ blockId: 'create', action: 'crm.lead', status: 'done', attempts: 1, outcome: expect.objectContaining({ outcome: 'success' }) }),
    ]);
    expect(detail.body).not.toContain(lead.token);

    const log = (await s.admin({ url: `/api/v1/admin/execution-log?conversationId=${lead.id}` })).json().items;
    expect(log).toEqual([
      expect.objectContaining({
        conversationId: lead.id,
        blockId: 'create',
        action: 'crm.lead',
        provider: 'builtin',
        attempt: 1,
        outcome: 'success',
        message: null,
      }),
    ]);
    expect(log[0].durationMs).toBeGreaterThanOrEqual(0);
    expect((await s.admin({ url: '/api/v1/admin/execution-log?botId=colours' })).json().items).toEqual([]);
  });

  it('answers 404 for an unknown conversation and 400 for a bad filter', async () => {
    const s = await testServer();
    const missing = await s.admin({ url: '/api/v1/admin/conversations/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('conversation_not_found');
    expect((await s.admin({ url: '/api/v1/admin/conversations?status=lost' })).statusCode).toBe(400);
    expect((await s.admin({ url: '/api/v1/admin/execution-log?limit=-5' })).statusCode).toBe(400);
  });
});
