import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, renkei, tempDir } from './helpers/cli.ts';

/**
 * Every example bot through every one of its ports, end to end through the real `renkei` binary
 * and the built-in store. Ports the built-in store cannot produce on demand are forced with
 * `--outcome`, the simulator a bot author uses for the same purpose.
 */
let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const lines = (...answers: string[]): string => answers.join('\n') + '\n';

async function chat(file: string, input: string, ...extra: string[]) {
  const run = await renkei(['chat', `examples/${file}`, '--json', '--db', t.db, ...extra], { input });
  expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  const evs = events(run.stdout);
  const integrations = evs.filter((e) => e['type'] === 'integration');
  const end = evs.find((e) => e['type'] === 'end') as { status: string; reason: string | null; variables: Record<string, string> } | undefined;
  const messages = evs.filter((e) => e['type'] === 'message').map((e) => e['text'] as string);
  return { run, evs, integrations, end, messages };
}

async function records(kind: string): Promise<Array<Record<string, unknown>>> {
  const run = await renkei(['records', kind, '--json', '--db', t.db]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Array<Record<string, unknown>>;
}

it('every example validates without errors or warnings', async () => {
  const files = readdirSync('examples').filter((f) => f.endsWith('.yaml'));
  expect(files.length).toBeGreaterThanOrEqual(5);
  const run = await renkei(['validate', ...files.map((f) => `examples/${f}`)]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  for (const f of files) expect(run.stdout).toContain(`examples/${f}: valid\n`);
});

describe('lead.yaml', () => {
  const visitor = lines('Yui Tanaka', 'yui@example.com', '090-1234-5678', 'Example KK');

  it('success creates the lead and quotes its id', async () => {
    const { integrations, end, messages } = await chat('lead.yaml', visitor);
    expect(integrations).toEqual([expect.objectContaining({ block: 'create_lead', action: 'crm.lead', outcome: 'success', port: 'success' })]);
    const [lead] = await records('leads');
    expect(lead).toMatchObject({ name: 'Yui Tanaka', email: 'yui@example.com', phone: '090-1234-5678', company: 'Example KK', source: 'Chat' });
    expect(end).toMatchObject({ status: 'ended', variables: { lead_id: lead?.['id'] } });
    expect(messages.at(-1)).toContain(`Your reference is ${String(lead?.['id'])}`);
  });

  it('already_exists for a known email, with the existing id and no second lead', async () => {
    const first = await chat('lead.yaml', visitor);
    const again = await chat('lead.yaml', lines('Yui T.', 'YUI@Example.com', '0312345678', 'Example KK'));
    expect(again.integrations[0]).toMatchObject({ outcome: 'already_exists', port: 'already_exists' });
    expect(again.end?.variables['lead_id']).toBe(first.end?.variables['lead_id']);
    expect(again.messages.at(-1)).toMatch(/^Welcome back/);
    expect(await records('leads')).toHaveLength(1);
  });

  it('integration_invalid when the CRM integration is disabled', async () => {
    expect((await renkei(['integrations', 'disable', 'crm', '--db', t.db])).code).toBe(0);
    const { integrations, end } = await chat('lead.yaml', visitor);
    expect(integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
    expect(end).toMatchObject({ status: 'handoff', reason: 'crm_unavailable' });
    expect(await records('leads')).toHaveLength(0);
  });

  it('failure (forced) hands off', async () => {
    const { integrations, end } = await chat('lead.yaml', visitor, '--outcome', 'create_lead=failure');
    expect(integrations[0]).toMatchObject({ outcome: 'failure', port: 'failure' });
    expect(end).toMatchObject({ status: 'handoff', reason: 'lead_failed' });
    expect(await records('leads')).toHaveLength(0);
  });

  it('an email refused three times takes the invalid port', async () => {
    const { end, messages } = await chat('lead.yaml', lines('Yui', 'not-an-email', 'still@no', 'nope'));
    expect(end).toMatchObject({ status: 'handoff', reason: 'invalid_email' });
    expect(messages.filter((m) => m === 'Which email address can we reach you at?')).toHaveLength(3);
  });
});

describe('contact.yaml', () => {
  const visitor = lines('Ken Sato', 'ken@example.com', '+81 3 1234 5678', 'Sato Trading');

  it('success creates the contact and quotes its id', async () => {
    const { integrations, end } = await chat('contact.yaml', visitor);
    expect(integrations[0]).toMatchObject({ action: 'crm.contact', outcome: 'success', port: 'success' });
    const [contact] = await records('contacts');
    expect(contact).toMatchObject({ name: 'Ken Sato', email: 'ken@example.com', company: 'Sato Trading' });
    expect(end?.variables['contact_id']).toBe(contact?.['id']);
  });

  it('integration_invalid and failure', async () => {
    await renkei(['integrations', 'disable', 'crm', '--db', t.db]);
    expect((await chat('contact.yaml', visitor)).end).toMatchObject({ status: 'handoff', reason: 'crm_unavailable' });
    await renkei(['integrations', 'enable', 'crm', '--db', t.db]);
    const forced = await chat('contact.yaml', visitor, '--outcome', 'create_contact=failure');
    expect(forced.integrations[0]).toMatchObject({ outcome: 'failure', port: 'failure' });
    expect(forced.end).toMatchObject({ status: 'ended' });
  });
});

describe('deal.yaml', () => {
  const visitor = lines('Aiko Mori', 'aiko@example.com', '１２，０００', '2026/12/1');

  it('creates a contact, then a deal for it', async () => {
    const { integrations, end } = await chat('deal.yaml', visitor);
    expect(integrations.map((i) => [i['block'], i['port']])).toEqual([
      ['create_contact', 'success'],
      ['create_deal', 'success'],
    ]);
    const [contact] = await records('contacts');
    const [deal] = await records('deals');
    expect(deal).toMatchObject({ name: 'Chat quote: Aiko Mori', stage: 'Qualification', closingDate: '2026-12-01', amount: 12000, contactId: contact?.['id'] });
    expect(end?.variables['deal_id']).toBe(deal?.['id']);
  });

  it('the contact failing skips the deal; the deal failing or the CRM being off hands off', async () => {
    const noContact = await chat('deal.yaml', visitor, '--outcome', 'create_contact=failure');
    expect(noContact.integrations).toHaveLength(1);
    expect(noContact.end).toMatchObject({ status: 'handoff', reason: 'deal_failed' });
    const noDeal = await chat('deal.yaml', visitor, '--outcome', 'create_deal=failure');
    expect(noDeal.integrations.map((i) => i['port'])).toEqual(['success', 'failure']);
    expect(await records('deals')).toHaveLength(0);
    await renkei(['integrations', 'disable', 'crm', '--db', t.db]);
    expect((await chat('deal.yaml', visitor)).end).toMatchObject({ status: 'handoff', reason: 'crm_unavailable' });
  });
});

describe('support.yaml (ja)', () => {
  const visitor = (priority: string) => lines('田中 太郎', 'ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'ログインできません', priority);

  it('opens a ticket with the chosen priority and quotes its number', async () => {
    const first = await chat('support.yaml', visitor('高'));
    expect(first.integrations[0]).toMatchObject({ action: 'helpdesk.ticket', outcome: 'success', port: 'success' });
    expect(first.messages.at(-1)).toBe('お問い合わせを受け付けました。問い合わせ番号は 1 です。');
    const second = await chat('support.yaml', visitor('1'));
    expect(second.end?.variables['ticket_number']).toBe('2');
    const tickets = await records('tickets');
    expect(tickets.map((x) => [x['number'], x['priority']])).toEqual(
      expect.arrayContaining([
        [1, 'High'],
        [2, 'Low'],
      ]),
    );
    expect(tickets[0]).toMatchObject({
      subject: 'チャットからの問い合わせ: 田中 太郎',
      status: 'Open',
      classification: 'Question',
      department: 'Support',
      contact: { name: '田中 太郎', email: 'taro@example.com' },
    });
  });

  it('department_invalid when the department is disabled', async () => {
    expect((await renkei(['builtin', 'departments', 'disable', 'Support', '--db', t.db])).code).toBe(0);
    const { integrations, end } = await chat('support.yaml', visitor('中'));
    expect(integrations[0]).toMatchObject({ outcome: 'department_invalid', port: 'department_invalid' });
    expect(end).toMatchObject({ status: 'handoff', reason: 'department_invalid' });
    expect(await records('tickets')).toHaveLength(0);
  });

  it.each([
    ['assignee_invalid', 'assignee_invalid'],
    ['failure', 'ticket_failed'],
  ])('%s (forced) takes its own port', async (port, reason) => {
    const { integrations, end } = await chat('support.yaml', visitor('高'), '--outcome', `open_ticket=${port}`);
    expect(integrations[0]).toMatchObject({ outcome: port, port });
    expect(end).toMatchObject({ status: 'handoff', reason });
  });

  it('integration_invalid when the helpdesk is disabled', async () => {
    await renkei(['integrations', 'disable', 'helpdesk', '--db', t.db]);
    const { integrations, end } = await chat('support.yaml', visitor('高'));
    expect(integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
    expect(end).toMatchObject({ status: 'handoff', reason: 'ticket_failed' });
  });

  it('re-prompts in Japanese, then hands off after the retries', async () => {
    const { end, messages } = await chat('support.yaml', lines('田中', 'だめ', 'だめ', 'だめ'));
    expect(messages.filter((m) => m === 'メールアドレスをお願いします。')).toHaveLength(3);
    expect(end).toMatchObject({ status: 'handoff', reason: 'invalid_email' });
  });
});

describe('newsletter.yaml', () => {
  const visitor = lines('Mia', 'mia@example.com');

  it('subscribes once, and a second sign-up is still success without a second subscriber', async () => {
    const first = await chat('newsletter.yaml', visitor);
    expect(first.integrations[0]).toMatchObject({ action: 'mailing.subscribe', outcome: 'success', port: 'success' });
    const again = await chat('newsletter.yaml', lines('Mia', 'MIA@example.com'));
    expect(again.integrations[0]).toMatchObject({ outcome: 'success' });
    expect(await records('subscribers')).toEqual([expect.objectContaining({ list: 'Newsletter', name: 'Mia', email: 'mia@example.com' })]);
  });

  it('integration_invalid and failure both apologise', async () => {
    await renkei(['integrations', 'disable', 'mailing', '--db', t.db]);
    const off = await chat('newsletter.yaml', visitor);
    expect(off.integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
    await renkei(['integrations', 'enable', 'mailing', '--db', t.db]);
    const failed = await chat('newsletter.yaml', visitor, '--outcome', 'subscribe=failure');
    expect(failed.integrations[0]).toMatchObject({ outcome: 'failure', port: 'failure' });
    expect(failed.messages.at(-1)).toMatch(/^Sorry/);
    expect(await records('subscribers')).toHaveLength(0);
  });
});
