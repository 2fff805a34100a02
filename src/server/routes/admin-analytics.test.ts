import { describe, expect, it } from 'vitest';
import { eventually } from '../../runtime/test-support.ts';
import { testServer } from '../test-support.ts';

const BOT = `
renkei: 1
id: desk
name: Desk
locale: en
start: pick
blocks:
  pick:
    type: choice
    prompt: Which department?
    save: dept
    options:
      - { label: Support, value: Support, next: open }
      - { label: Nowhere, value: Nowhere, next: open }
  open:
    type: helpdesk.ticket
    subject: Help
    department: "%dept%"
    ports: { success: done, failure: done, department_invalid: done }
  done:
    type: end
`;

describe('GET /api/v1/admin/bots/{id}/analytics', () => {
  it('counts the conversations that took each port of each integration block', async () => {
    const s = await testServer();
    await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/helpdesk', payload: { provider: 'builtin' } });
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/departments', payload: { name: 'Support' } });
    await s.publishBot(BOT);
    for (const value of ['Support', 'Support', 'Nowhere']) {
      const { id, token } = await s.start('desk');
      expect((await s.reply(id, token, { choice: value })).statusCode).toBe(200);
    }
    const stats = await eventually('three settled calls', async () => {
      const body = (await s.admin({ method: 'GET', url: '/api/v1/admin/bots/desk/analytics' })).json();
      const ports = body.blocks[0]?.ports ?? [];
      return ports.reduce((n: number, p: { conversations: number }) => n + p.conversations, 0) === 3 && body;
    });
    expect(stats).toEqual({
      botId: 'desk',
      conversations: 3,
      blocks: [
        {
          block: 'open',
          type: 'helpdesk.ticket',
          ports: [
            { port: 'success', conversations: 2 },
            { port: 'department_invalid', conversations: 1 },
          ],
        },
      ],
    });
  });

  it('is empty for a bot nobody talked to, and 404 for an unknown bot', async () => {
    const s = await testServer();
    await s.publishBot(BOT);
    expect((await s.admin({ method: 'GET', url: '/api/v1/admin/bots/desk/analytics' })).json()).toEqual({ botId: 'desk', conversations: 0, blocks: [] });
    const missing = await s.admin({ method: 'GET', url: '/api/v1/admin/bots/nobody/analytics' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('bot_not_found');
  });
});
