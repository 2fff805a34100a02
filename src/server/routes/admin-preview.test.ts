import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { listRecords } from '../../store/records.ts';
import { testServer } from '../test-support.ts';

const TICKET_BOT = {
  renkei: 1,
  id: 'support',
  name: 'Support',
  locale: 'en',
  start: 'ask_email',
  blocks: {
    ask_email: { type: 'ask', kind: 'email', prompt: 'Email?', save: 'visitor.email', next: 'pick' },
    pick: {
      type: 'choice',
      prompt: 'Priority?',
      save: 'priority',
      options: [
        { label: 'Low', value: 'Low', next: 'open' },
        { label: 'High', value: 'High', next: 'open' },
      ],
    },
    open: {
      type: 'helpdesk.ticket',
      subject: 'From %visitor.email%',
      priority: '%priority%',
      department: 'Support',
      save: { number: 'ticket_number' },
      ports: { success: 'done', failure: 'sorry', department_invalid: 'no_department' },
    },
    done: { type: 'end', text: 'Ticket %ticket_number%' },
    sorry: { type: 'handoff', reason: 'ticket_failed', text: 'Sorry' },
    no_department: { type: 'end', text: 'No such department' },
  },
};

/** A hook on loopback answering `{"id":"h-1"}`; its URL and how many calls it had. */
async function loopbackHook(): Promise<{ url: string; calls: () => number }> {
  let calls = 0;
  const server = createServer((_req, res) => {
    calls++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"h-1"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, calls: () => calls };
}

const hookBot = (url: string) => ({
  renkei: 1,
  id: 'hook',
  name: 'Hook',
  locale: 'en',
  start: 'call',
  blocks: {
    call: { type: 'webhook', url, save: { hook_id: '$.id' }, ports: { success: 'done', failure: 'refused' } },
    done: { type: 'end', text: 'Sent %hook_id%' },
    refused: { type: 'end', text: 'Not sent' },
  },
});

describe('POST /api/v1/admin/preview', () => {
  it("runs a real webhook block to a private address as the server's configuration says, not the process environment", async () => {
    const hook = await loopbackHook();
    const preview = (s: Awaited<ReturnType<typeof testServer>>) =>
      s.admin({ method: 'POST', url: '/api/v1/admin/preview', payload: { bot: hookBot(hook.url), state: null, event: { type: 'start' }, real: ['call'] } });

    // Configured: the loopback hook is called.
    const allowed = await testServer({ env: { RENKEI_WEBHOOK_ALLOW_PRIVATE: '1' } });
    const sent = (await preview(allowed)).json();
    expect(sent.messages.map((m: { text: string }) => m.text)).toEqual(['Sent h-1']);
    expect(hook.calls()).toBe(1);

    // Not configured, though the test process's own environment says yes: refused, never called.
    vi.stubEnv('RENKEI_WEBHOOK_ALLOW_PRIVATE', '1');
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    const refusing = await testServer();
    const refused = (await preview(refusing)).json();
    expect(refused.messages.map((m: { text: string }) => m.text)).toEqual(['Not sent']);
    expect(refused.integrations[0]).toMatchObject({ block: 'call', outcome: 'failure', real: true });
    expect(hook.calls()).toBe(1);
  });

  it('previews a consent: the notice with its link, two buttons, and the answer saved with the time of the turn', async () => {
    const s = await testServer();
    const bot = {
      renkei: 1,
      id: 'consent',
      name: 'Consent',
      locale: 'ja',
      start: 'privacy',
      blocks: {
        privacy: { type: 'consent', text: '保存します。', link: { url: 'https://example.com/privacy' }, next: 'done', declined: 'no' },
        done: { type: 'end', text: '同意 %consent%' },
        no: { type: 'end', text: '拒否 %consent%' },
      },
    };
    const turn = async (state: unknown, event: unknown) =>
      (await s.admin({ method: 'POST', url: '/api/v1/admin/preview', payload: { bot, state, event } })).json();
    const first = await turn(null, { type: 'start' });
    expect(first.messages).toEqual([{ text: '保存します。', link: { url: 'https://example.com/privacy' } }]);
    expect(first.input).toEqual({
      blockId: 'privacy',
      kind: 'choice',
      options: [
        { label: '同意する', value: 'yes' },
        { label: '同意しない', value: 'no' },
      ],
    });
    const before = Date.now();
    const declined = await turn(first.state, { type: 'choice', value: 'no' });
    expect(declined.messages.map((m: { text: string }) => m.text)).toEqual(['拒否 no']);
    expect(Date.parse(declined.state.vars.consent_at)).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('runs a draft turn by turn from the state it returns, with the real built-in helpdesk when asked', async () => {
    const s = await testServer();
    await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/helpdesk', payload: { provider: 'builtin' } });
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/departments', payload: { name: 'Support' } });
    const turn = async (state: unknown, event: unknown) => {
      const res = await s.admin({ method: 'POST', url: '/api/v1/admin/preview', payload: { bot: TICKET_BOT, state, event, real: ['open'] } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const first = await turn(null, { type: 'start' });
    expect(first).toMatchObject({ status: 'waiting_input', input: { blockId: 'ask_email', kind: 'email' }, path: ['ask_email'] });
    expect(first.messages.map((m: { text: string }) => m.text)).toEqual(['Email?']);
    expect(first.state.conversationId).toMatch(/^preview-/);

    const second = await turn(first.state, { type: 'reply', text: 'taro@example.com' });
    expect(second.input).toMatchObject({ kind: 'choice', options: [{ value: 'Low' }, { value: 'High' }] });

    const third = await turn(second.state, { type: 'choice', value: 'High' });
    expect(third.status).toBe('ended');
    expect(third.path).toEqual(['open', 'done']);
    expect(third.integrations).toEqual([expect.objectContaining({ block: 'open', outcome: 'success', port: 'success', real: true })]);
    const tickets = await listRecords(s.store.db, 'tickets', { limit: 10, offset: 0 });
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ subject: 'From taro@example.com', priority: 'High' });
    expect(third.messages.map((m: { text: string }) => m.text)).toEqual([`Ticket ${tickets[0]!.number}`]);
  });

  it('simulates every integration block unless told otherwise: success by default, or the outcome forced, falling back to failure when its port is not wired', async () => {
    const s = await testServer();
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/departments', payload: { name: 'Support' } });
    const run = async (forced: Record<string, string>) => {
      let body = (
        await s.admin({ method: 'POST', url: '/api/v1/admin/preview', payload: { bot: TICKET_BOT, state: null, event: { type: 'start' }, forced } })
      ).json();
      body = (
        await s.admin({
          method: 'POST',
          url: '/api/v1/admin/preview',
          payload: { bot: TICKET_BOT, state: body.state, event: { type: 'reply', text: 'a@b.co' }, forced },
        })
      ).json();
      return (
        await s.admin({
          method: 'POST',
          url: '/api/v1/admin/preview',
          payload: { bot: TICKET_BOT, state: body.state, event: { type: 'choice', value: 'Low' }, forced },
        })
      ).json();
    };
    // The built-in helpdesk is configured and has the department: only the simulation keeps it from a ticket.
    const simulated = await run({});
    expect(simulated.path).toEqual(['open', 'done']);
    expect(simulated.integrations[0]).toMatchObject({ outcome: 'success', port: 'success', real: false });
    // The simulated ticket's number is the call's number in the conversation.
    expect(simulated.messages.map((m: { text: string }) => m.text)).toEqual(['Ticket 1']);
    const dept = await run({ open: 'department_invalid' });
    expect(dept.path).toEqual(['open', 'no_department']);
    expect(dept.integrations[0]).toMatchObject({ outcome: 'department_invalid', port: 'department_invalid', real: false });
    const assignee = await run({ open: 'assignee_invalid' });
    expect(assignee.path).toEqual(['open', 'sorry']);
    expect(assignee).toMatchObject({ status: 'handoff' });
    expect(await listRecords(s.store.db, 'tickets', { limit: 10, offset: 0 })).toHaveLength(0);
  });

  it('refuses an invalid draft with its problems, a wrong choice as an engine error, and no token at all', async () => {
    const s = await testServer();
    const broken = { ...TICKET_BOT, blocks: { ...TICKET_BOT.blocks, done: { type: 'end', text: '%nowhere%' } } };
    const bad = await s.admin({ method: 'POST', url: '/api/v1/admin/preview', payload: { bot: broken, state: null, event: { type: 'start' } } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().problems).toEqual([expect.objectContaining({ block: 'done', field: 'text' })]);

    const first = (await s.admin({ method: 'POST', url: '/api/v1/admin/preview', payload: { bot: TICKET_BOT, state: null, event: { type: 'start' } } })).json();
    const second = (
      await s.admin({
        method: 'POST',
        url: '/api/v1/admin/preview',
        payload: { bot: TICKET_BOT, state: first.state, event: { type: 'reply', text: 'a@b.co' } },
      })
    ).json();
    const wrong = await s.admin({
      method: 'POST',
      url: '/api/v1/admin/preview',
      payload: { bot: TICKET_BOT, state: second.state, event: { type: 'choice', value: 'Urgent' } },
    });
    expect(wrong.statusCode).toBe(200);
    expect(wrong.json().error).toMatchObject({ code: 'unknown_choice' });
    expect(wrong.json().state).toEqual(second.state);

    const forcedNonsense = await s.admin({
      method: 'POST',
      url: '/api/v1/admin/preview',
      payload: { bot: TICKET_BOT, state: null, event: { type: 'start' }, forced: { open: 'maybe' } },
    });
    expect(forcedNonsense.statusCode).toBe(400);
    const both = await s.admin({
      method: 'POST',
      url: '/api/v1/admin/preview',
      payload: { bot: TICKET_BOT, state: null, event: { type: 'start' }, forced: { open: 'failure' }, real: ['open'] },
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().error).toMatchObject({ field: 'real.0', message: 'body.real.0: block "open" is both forced and real' });

    const anonymous = await s.app.inject({ method: 'POST', url: '/api/v1/admin/preview', payload: { bot: TICKET_BOT, state: null, event: { type: 'start' } } });
    expect(anonymous.statusCode).toBe(401);
  });
});
