import { describe, expect, it } from 'vitest';
import {
  alreadyExists,
  assigneeInvalid,
  departmentInvalid,
  failure,
  integrationInvalid,
  OUTCOMES,
  success,
  type Outcome,
  type OutcomeName,
} from '../vocabulary/outcome.ts';
import type { CallContext, RoleConnectors } from '../vocabulary/roles.ts';
import { Chat, makeBot } from './test-bots.ts';
import { BLOCKS } from '../blocks/index.ts';

type IntegrationType = 'crm.lead' | 'crm.contact' | 'crm.deal' | 'helpdesk.ticket' | 'mailing.subscribe' | 'webhook';

/** Each integration block with the inputs it needs, what it saves, and what a connector returns on success. */
const CASES: Record<IntegrationType, { inputs: Record<string, unknown>; save?: Record<string, string>; outputs: Record<string, string> }> = {
  'crm.lead': { inputs: {}, save: { id: 'lead_id' }, outputs: { id: 'L-1' } },
  'crm.contact': { inputs: {}, save: { id: 'contact_id' }, outputs: { id: 'C-1' } },
  'crm.deal': { inputs: { name: 'Deal', stage: 'Qualification' }, save: { id: 'deal_id' }, outputs: { id: 'D-1' } },
  'helpdesk.ticket': {
    inputs: { subject: 'Help' },
    save: { id: 'ticket_id', number: 'ticket_number' },
    outputs: { id: 'T-1', number: '101' },
  },
  'mailing.subscribe': { inputs: { list: 'Newsletter' }, save: { status: 'subscription' }, outputs: { status: 'pending_confirmation' } },
  webhook: { inputs: { url: 'https://hooks.example.com/x', save: { plan: '$.plan' } }, outputs: { plan: 'gold' } },
};

const outcomeFor = (name: OutcomeName, outputs: Record<string, string>): Outcome => {
  switch (name) {
    case 'success':
      return success(outputs);
    case 'already_exists':
      return alreadyExists(outputs.id ?? 'X-9', 'a lead with this email exists');
    case 'integration_invalid':
      return integrationInvalid('CRM integration is disabled');
    case 'department_invalid':
      return departmentInvalid('no department "Sales"');
    case 'assignee_invalid':
      return assigneeInvalid('agent is inactive');
    case 'failure':
      return failure('HTTP 500', true);
  }
};

function botFor(type: IntegrationType, ports: readonly string[]) {
  const { inputs, save } = CASES[type];
  const blocks: Record<string, unknown> = {
    act: { type, ...inputs, ...(save && type !== 'webhook' ? { save } : {}), ports: Object.fromEntries(ports.map((p) => [p, `to_${p}`])) },
  };
  for (const port of ports) blocks[`to_${port}`] = { type: 'end', text: `took ${port}` };
  return makeBot(blocks);
}

const savedVariables = (type: IntegrationType): string[] => (type === 'webhook' ? ['plan'] : Object.values(CASES[type].save ?? {}));

describe.each(Object.keys(CASES) as IntegrationType[])('%s', (type) => {
  const spec = BLOCKS[type].integration;
  const allPorts = ['success', 'failure', ...spec.specificPorts];
  // A block type without an already_exists port associates the existing record: success.
  const associates = (name: OutcomeName) => name === 'already_exists' && !allPorts.includes(name);

  it('emits one effect and waits for its outcome', () => {
    const chat = new Chat(botFor(type, allPorts));
    expect(chat.last.state).toMatchObject({ status: 'waiting_effect', at: 'act', effects: 1, pendingEffect: 'conv:1' });
    expect(chat.last.effect).toMatchObject({ id: 'conv:1', blockId: 'act', action: type, locale: 'en', botId: 'test-bot' });
    expect(chat.last.input).toBeNull();
    expect(spec.request.safeParse(chat.last.effect?.request).success).toBe(true);
  });

  it.each(OUTCOMES)('with every port wired, outcome %s takes its own port or failure', (name) => {
    const chat = new Chat(botFor(type, allPorts));
    chat.settle(outcomeFor(name, CASES[type].outputs));
    const port = allPorts.includes(name) ? name : associates(name) ? 'success' : 'failure';
    expect(chat.texts).toEqual([`took ${port}`]);
    expect(chat.last.integration).toMatchObject({ block: 'act', action: type, outcome: name, port });
    expect(chat.last.path).toEqual([`to_${port}`]);
  });

  it.each(OUTCOMES)('with only success and failure wired, outcome %s falls back to failure unless it succeeded', (name) => {
    const chat = new Chat(botFor(type, ['success', 'failure']));
    chat.settle(outcomeFor(name, CASES[type].outputs));
    const port = name === 'success' || associates(name) ? 'success' : 'failure';
    expect(chat.last.integration).toMatchObject({ outcome: name, port });
    expect(chat.texts).toEqual([`took ${port}`]);
  });

  it('saves its outputs on success, and on nothing but success and already_exists', () => {
    for (const name of OUTCOMES) {
      const chat = new Chat(botFor(type, allPorts));
      const outcome = outcomeFor(name, CASES[type].outputs);
      chat.settle(outcome);
      const saves = name === 'success' || name === 'already_exists';
      for (const variable of savedVariables(type)) {
        expect(Object.hasOwn(chat.vars, variable), `${name} sets ${variable}`).toBe(saves);
      }
      expect(chat.last.integration?.outputs).toEqual('outputs' in outcome ? outcome.outputs : {});
    }
  });
});

describe('saving outputs', () => {
  it('a helpdesk ticket saves its id and number for later messages', () => {
    const bot = makeBot({
      act: {
        type: 'helpdesk.ticket',
        subject: 'Help',
        save: { id: 'ticket_id', number: 'ticket_number' },
        ports: { success: 'done', failure: 'done' },
      },
      done: { type: 'end', text: 'Ticket #%ticket_number% (%ticket_id%)' },
    });
    const chat = new Chat(bot);
    chat.settle(success({ id: 'T-77', number: '1042' }));
    expect(chat.texts).toEqual(['Ticket #1042 (T-77)']);
  });

  it('already_exists saves the existing id even when its port is not wired', () => {
    const bot = makeBot({
      act: { type: 'crm.lead', save: { id: 'lead_id' }, ports: { success: 'ok', failure: 'bad' } },
      ok: { type: 'end', text: 'new %lead_id%' },
      bad: { type: 'end', text: 'known %lead_id%' },
    });
    const chat = new Chat(bot);
    chat.settle(alreadyExists('L-5'));
    expect(chat.texts).toEqual(['known L-5']);
    expect(chat.last.integration).toMatchObject({ outcome: 'already_exists', port: 'failure', outputs: { id: 'L-5' } });
  });

  it('a contact that already exists is associated: success, with the existing id', () => {
    const bot = makeBot({
      act: { type: 'crm.contact', save: { id: 'contact_id' }, ports: { success: 'ok', failure: 'bad' } },
      ok: { type: 'end', text: 'contact %contact_id%' },
      bad: { type: 'end', text: 'failed' },
    });
    const chat = new Chat(bot);
    chat.settle(alreadyExists('C-9'));
    expect(chat.texts).toEqual(['contact C-9']);
    expect(chat.last.integration).toMatchObject({ outcome: 'already_exists', port: 'success', outputs: { id: 'C-9' } });
  });

  it('a webhook saves the variables its connector returned, and an empty value for a path the response lacked', () => {
    const bot = makeBot({
      hook: {
        type: 'webhook',
        url: 'https://hooks.example.com/x',
        save: { plan: '$.plan', seats: '$.data.seats' },
        ports: { success: 'done', failure: 'done' },
      },
      done: { type: 'end', text: '[%plan%][%seats%]' },
    });
    const chat = new Chat(bot);
    chat.settle(success({ plan: 'gold' }));
    expect(chat.texts).toEqual(['[gold][]']);
  });

  it('numbers effects per conversation: the second integration is :2', () => {
    const bot = makeBot({
      contact: { type: 'crm.contact', save: { id: 'contact_id' }, ports: { success: 'deal', failure: 'bye' } },
      deal: { type: 'crm.deal', name: 'Deal', stage: 'New', contact: '%contact_id%', ports: { success: 'bye', failure: 'bye' } },
      bye: { type: 'end' },
    });
    const chat = new Chat(bot, {}, 'c-42');
    expect(chat.last.effect?.id).toBe('c-42:1');
    chat.settle(success({ id: 'C-9' }));
    expect(chat.last.effect).toMatchObject({ id: 'c-42:2', action: 'crm.deal', request: { contactId: 'C-9' } });
    expect(chat.last.integration).toMatchObject({ block: 'contact', port: 'success' });
    expect(chat.last.state).toMatchObject({ effects: 2, pendingEffect: 'c-42:2' });
  });
});

describe('requests', () => {
  const visitor = { name: '山田 太郎', email: 'taro@example.com', phone: '090-1234-5678', company: 'ACME' };
  const requestOf = (block: Record<string, unknown>) => {
    const chat = new Chat(makeBot({ act: { ...block, ports: { success: 'bye', failure: 'bye' } }, bye: { type: 'end' } }), visitor);
    const effect = chat.last.effect;
    if (!effect) throw new Error('no effect');
    return { effect, parsed: BLOCKS[block.type as IntegrationType].integration.request.parse(effect.request) };
  };

  it('crm.lead and crm.contact default to the visitor and render their fields', () => {
    for (const type of ['crm.lead', 'crm.contact']) {
      expect(requestOf({ type, fields: { Lead_Source: 'Chat', Description: 'from %visitor.email%' } }).parsed).toEqual({
        ...visitor,
        fields: { Lead_Source: 'Chat', Description: 'from taro@example.com' },
      });
    }
    expect(requestOf({ type: 'crm.lead', company: 'Fixed Co', phone: '' }).parsed).toMatchObject({ company: 'Fixed Co', phone: '' });
  });

  it('crm.deal maps closing_date and contact to the connector names', () => {
    expect(
      requestOf({ type: 'crm.deal', name: 'Deal for %visitor.company%', stage: 'Won', closing_date: '2026-12-01', amount: '12000', contact: 'C-1' }).parsed,
    ).toEqual({ name: 'Deal for ACME', stage: 'Won', closingDate: '2026-12-01', amount: '12000', contactId: 'C-1', fields: {} });
  });

  it('helpdesk.ticket renders every input and sends the visitor as the contact', () => {
    expect(
      requestOf({
        type: 'helpdesk.ticket',
        subject: 'Chat: %visitor.name%',
        description: 'from %visitor.email%',
        status: 'Open',
        priority: 'High',
        classification: 'Question',
        department: 'Support',
        assignee: 'agent@example.com',
      }).parsed,
    ).toEqual({
      subject: 'Chat: 山田 太郎',
      description: 'from taro@example.com',
      status: 'Open',
      priority: 'High',
      classification: 'Question',
      department: 'Support',
      assignee: 'agent@example.com',
      contact: { name: '山田 太郎', email: 'taro@example.com', phone: '090-1234-5678' },
    });
  });

  it('mailing.subscribe defaults name, email and phone to the visitor', () => {
    expect(requestOf({ type: 'mailing.subscribe', list: 'Newsletter' }).parsed).toEqual({
      list: 'Newsletter',
      name: '山田 太郎',
      email: 'taro@example.com',
      phone: '090-1234-5678',
    });
  });

  it('webhook renders merge fields inside every string of its body and headers, other values untouched', () => {
    const { parsed } = requestOf({
      type: 'webhook',
      url: 'https://hooks.example.com/%visitor.company%',
      method: 'PUT',
      headers: { 'X-Token': 'abc', 'X-Who': '%visitor.email%' },
      body: { customer: { name: '%visitor.name%', tags: ['chat', '%visitor.company%'] }, count: 3, vip: true, note: null },
      save: { plan: '$.data.plan' },
      timeout_ms: 5000,
    });
    expect(parsed).toEqual({
      url: 'https://hooks.example.com/ACME',
      method: 'PUT',
      headers: { 'X-Token': 'abc', 'X-Who': 'taro@example.com' },
      body: { customer: { name: '山田 太郎', tags: ['chat', 'ACME'] }, count: 3, vip: true, note: null },
      save: { plan: '$.data.plan' },
      timeoutMs: 5000,
    });
    expect(requestOf({ type: 'webhook', url: 'https://h.example.com' }).parsed).toMatchObject({ method: 'POST', body: {}, timeoutMs: 10_000 });
  });
});

describe('call', () => {
  // Records which connector method each block calls; each answers with its own name so a wrong
  // dispatch cannot pass.
  const calls: { method: string; request: unknown; effectId: string }[] = [];
  const answering = (method: string) => async (request: unknown, ctx: CallContext) => {
    calls.push({ method, request, effectId: ctx.effectId });
    return success({ method });
  };
  const connectors: RoleConnectors = {
    crm: { createLead: answering('crm.createLead'), createContact: answering('crm.createContact'), createDeal: answering('crm.createDeal') },
    helpdesk: { createTicket: answering('helpdesk.createTicket') },
    mailing: { subscribe: answering('mailing.subscribe') },
    webhook: { call: answering('webhook.call') },
  };
  it.each([
    ['crm.lead', 'crm.createLead'],
    ['crm.contact', 'crm.createContact'],
    ['crm.deal', 'crm.createDeal'],
    ['helpdesk.ticket', 'helpdesk.createTicket'],
    ['mailing.subscribe', 'mailing.subscribe'],
    ['webhook', 'webhook.call'],
  ] as const)('%s calls %s with the parsed request', async (type, method) => {
    const chat = new Chat(makeBot({ act: { type, ...CASES[type].inputs, ports: { success: 'bye', failure: 'bye' } }, bye: { type: 'end' } }));
    const effect = chat.last.effect!;
    const spec = BLOCKS[type].integration;
    const request = spec.request.parse(effect.request);
    const outcome = await spec.call(connectors, request, { effectId: effect.id, botId: effect.botId, locale: effect.locale });
    expect(outcome).toEqual(success({ method }));
    expect(calls.at(-1)).toEqual({ method, request, effectId: 'conv:1' });
  });
});
