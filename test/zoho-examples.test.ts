import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeZoho, type FakeZoho } from './fake-zoho/index.ts';
import { events, renkei, tempDir } from './helpers/cli.ts';
import { openStore } from '../src/store/store.ts';

/**
 * The same example bots, pointed at Zoho (the faithful fake on loopback) through
 * `renkei integrations set … zoho`: every port each block can take against the real contract.
 */
let fake: FakeZoho;
let t: ReturnType<typeof tempDir>;
let secrets: string[];
/** A database with the three roles set to Zoho, copied for each test (with its key file). */
let template: ReturnType<typeof tempDir>;

beforeAll(async () => {
  fake = await startFakeZoho({ seed: 7 });
  template = t = tempDir();
  secrets = [];
  // One after another: in one process (renkei() runs the CLI in-process) SQLite's busy wait would
  // block the very thread holding the lock.
  for (const role of ['crm', 'helpdesk', 'mailing'] as const) await configure(role);
});
afterAll(async () => {
  template.cleanup();
  await fake.close();
});

async function configure(role: 'crm' | 'helpdesk' | 'mailing', client = fake.client) {
  const run = await renkei([
    'integrations',
    'set',
    role,
    'zoho',
    '--dc',
    'com',
    '--client-id',
    client.clientId,
    '--client-secret',
    client.clientSecret,
    '--refresh-token',
    client.refreshToken,
    ...(role === 'helpdesk' ? ['--org-id', fake.orgId] : []),
    '--accounts-url',
    fake.url,
    '--api-url',
    fake.url,
    '--db',
    t.db,
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  secrets.push(client.clientSecret, client.refreshToken);
  for (const s of secrets) expect(run.stdout).not.toContain(s);
}

beforeEach(() => {
  t = tempDir();
  secrets = [fake.client.clientSecret, fake.client.refreshToken];
  fake.reset();
  copyFileSync(template.db, t.db);
  copyFileSync(`${template.db}.key`, `${t.db}.key`);
});
afterEach(() => {
  // Secrets never in plain text at rest: not in the database, its WAL, or anything printed.
  for (const file of [t.db, `${t.db}-wal`]) {
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file).toString('latin1');
    for (const s of secrets) expect(bytes.includes(s), `${file} holds a secret`).toBe(false);
  }
  t.cleanup();
});

const lines = (...answers: string[]): string => answers.join('\n') + '\n';

async function chat(file: string, input: string) {
  const run = await renkei(['chat', file, '--json', '--db', t.db], { input });
  for (const s of secrets) expect(run.stdout + run.stderr).not.toContain(s);
  const evs = events(run.stdout);
  return {
    integrations: evs.filter((e) => e['type'] === 'integration'),
    end: evs.find((e) => e['type'] === 'end') as { status: string; reason: string | null; variables: Record<string, string> },
    messages: evs.filter((e) => e['type'] === 'message').map((e) => e['text'] as string),
  };
}

/** A copy of an example with some lines replaced, for a port the example itself cannot reach. */
function variant(example: string, from: string, to: string): string {
  const file = join(t.dir, example);
  const text = readFileSync(join('examples', example), 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
  return file;
}

describe('crm.lead → Zoho CRM Leads', () => {
  const visitor = lines('Yui Tanaka', 'yui@example.com', '090-1234-5678', 'Example KK');

  it('success inserts a lead with the name split and Lead_Source, and quotes its id', async () => {
    const { integrations, end, messages } = await chat('examples/lead.yaml', visitor);
    expect(integrations[0]).toMatchObject({ outcome: 'success', port: 'success' });
    expect(fake.crm.leads).toHaveLength(1);
    const lead = fake.crm.leads[0]!;
    expect(lead).toMatchObject({ First_Name: 'Yui', Last_Name: 'Tanaka', Email: 'yui@example.com', Company: 'Example KK', Lead_Source: 'Chat' });
    expect(end.variables['lead_id']).toBe(lead['id']);
    expect(messages.at(-1)).toContain(String(lead['id']));
  });

  it('already_exists for a known email, with the existing id', async () => {
    const first = await chat('examples/lead.yaml', visitor);
    const again = await chat('examples/lead.yaml', lines('Yui T', 'Yui@Example.com', '0312345678', 'Example KK'));
    expect(again.integrations[0]).toMatchObject({ outcome: 'already_exists', port: 'already_exists' });
    expect(again.end.variables['lead_id']).toBe(first.end.variables['lead_id']);
    expect(fake.crm.leads).toHaveLength(1);
  });

  it('failure with Zoho refusing the record', async () => {
    fake.faults.set({ failNext: { status: 400, count: 1, route: 'POST /crm/v8/Leads' } });
    const { integrations, end } = await chat('examples/lead.yaml', visitor);
    expect(integrations[0]).toMatchObject({ outcome: 'failure', port: 'failure' });
    expect(end).toMatchObject({ status: 'handoff', reason: 'lead_failed' });
  });

  it('integration_invalid when the refresh token was revoked, and the integration is marked invalid', async () => {
    const client = { clientId: '1000.REVOKED', clientSecret: 'revoked-secret-123', refreshToken: '1000.revoked.refresh.token' };
    fake.addClient(client);
    await configure('crm', client);
    fake.revokeRefreshToken(client.refreshToken);
    const { integrations, end } = await chat('examples/lead.yaml', visitor);
    expect(integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
    expect(end).toMatchObject({ status: 'handoff', reason: 'crm_unavailable' });
    const list = await renkei(['integrations', 'list', '--db', t.db]);
    expect(list.stdout).toMatch(/^crm\s+zoho\s+com\s+yes\s+invalid: .*invalid_code/m);
    const check = await renkei(['integrations', 'check', 'crm', '--db', t.db]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/^crm: .*invalid_code/);
  });

  it('a chat reuses the access token a check stored; credentials no integration holds any more lose theirs', async () => {
    const before = fake.stats.tokenRefreshes;
    const check = await renkei(['integrations', 'check', 'crm', '--db', t.db]);
    expect(check.code, check.stderr).toBe(0);
    const { integrations } = await chat('examples/lead.yaml', visitor);
    expect(integrations[0]).toMatchObject({ outcome: 'success' });
    expect(fake.stats.tokenRefreshes - before).toBe(1);

    const storedKeys = async (): Promise<string[]> => {
      const store = await openStore(t.db);
      try {
        return (await store.db.selectFrom('access_tokens').select('key').where('token', 'is not', null).execute()).map((r) => r.key);
      } finally {
        await store.close();
      }
    };
    const [old] = await storedKeys();
    const client = { clientId: '1000.ROTATED', clientSecret: 'rotated-secret-456', refreshToken: '1000.rotated.refresh.token' };
    fake.addClient(client);
    await configure('crm', client);
    // Helpdesk and mailing still hold the old credentials: their token stays.
    expect(await storedKeys()).toEqual([old]);
    expect((await renkei(['integrations', 'check', 'crm', '--db', t.db])).code).toBe(0);
    expect(fake.stats.tokenRefreshes - before).toBe(2);
    expect(await storedKeys()).toHaveLength(2);
    for (const role of ['helpdesk', 'mailing']) expect((await renkei(['integrations', 'set', role, 'builtin', '--db', t.db])).code).toBe(0);
    const left = await storedKeys();
    expect(left).toHaveLength(1);
    expect(left).not.toContain(old);
  }, 90_000); // Six commands, each a process of its own: more than the default limit on a busy machine.

  it('a 503 is retried, and the lead is created once', async () => {
    fake.faults.set({ failNext: { status: 503, count: 1, route: 'POST /crm/v8/Leads' } });
    const { integrations } = await chat('examples/lead.yaml', visitor);
    expect(integrations[0]).toMatchObject({ outcome: 'success' });
    expect(fake.crm.leads).toHaveLength(1);
  });
});

describe('crm.contact and crm.deal → Zoho CRM', () => {
  it('a contact, then a deal whose Contact_Name is that contact', async () => {
    const { integrations, end } = await chat('examples/deal.yaml', lines('森 愛子', 'aiko@example.com', '１２，０００', '2026/12/1'));
    expect(integrations.map((i) => [i['block'], i['outcome'], i['port']])).toEqual([
      ['create_contact', 'success', 'success'],
      ['create_deal', 'success', 'success'],
    ]);
    const contact = fake.crm.contacts[0]!;
    expect(contact).toMatchObject({ Last_Name: '愛子', First_Name: '森', Email: 'aiko@example.com' }); // en bot: last word is the family name
    expect(fake.crm.deals[0]).toMatchObject({
      Deal_Name: 'Chat quote: 森 愛子',
      Stage: 'Qualification',
      Amount: 12000,
      Closing_Date: '2026-12-01',
      Contact_Name: { id: contact['id'] },
    });
    expect(end.variables['deal_id']).toBe(fake.crm.deals[0]!['id']);
  });

  it('an existing contact is associated (success with its id); a refused deal is failure', async () => {
    const existing = fake.addCrmRecord('Contacts', { Last_Name: 'Mori', Email: 'aiko@example.com' });
    fake.faults.set({ failNext: { status: 400, count: 1, route: 'POST /crm/v8/Deals' } });
    const { integrations, end } = await chat('examples/deal.yaml', lines('Aiko Mori', 'aiko@example.com', '500', '2026-12-31'));
    expect(integrations[0]).toMatchObject({ block: 'create_contact', port: 'success', outputs: { id: existing['id'] } });
    expect(integrations[1]).toMatchObject({ block: 'create_deal', outcome: 'failure', port: 'failure' });
    expect(end).toMatchObject({ status: 'handoff', reason: 'deal_failed' });
    expect(fake.crm.contacts).toHaveLength(1);
  });

  it('contact integration_invalid with an unknown client', async () => {
    await configure('crm', { clientId: '1000.UNKNOWN', clientSecret: 'nope-secret-456', refreshToken: '1000.nope.refresh' });
    const { integrations, end } = await chat('examples/contact.yaml', lines('Ken Sato', 'ken@example.com', '0312345678', 'Sato'));
    expect(integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
    expect(end).toMatchObject({ status: 'handoff', reason: 'crm_unavailable' });
  });
});

describe('helpdesk.ticket → Zoho Desk', () => {
  const visitor = lines('田中 太郎', 'taro@example.com', 'ログインできません', '高');

  it('success: the department is resolved by name, the visitor is the contact, the number is quoted', async () => {
    const { integrations, messages, end } = await chat('examples/support.yaml', visitor);
    expect(integrations[0]).toMatchObject({ outcome: 'success', port: 'success' });
    const ticket = fake.desk.tickets[0]!;
    const support = fake.desk.departments.find((d) => d.name === 'Support')!;
    expect(ticket).toMatchObject({ subject: 'チャットからの問い合わせ: 田中 太郎', priority: 'High', departmentId: support.id, channel: 'Chat' });
    expect(fake.desk.contacts.find((c) => c.id === ticket.contactId)).toMatchObject({ lastName: '田中', firstName: '太郎', email: 'taro@example.com' });
    expect(end.variables['ticket_number']).toBe(ticket.ticketNumber);
    expect(messages.at(-1)).toBe(`お問い合わせを受け付けました。問い合わせ番号は ${ticket.ticketNumber} です。`);
  });

  it('department_invalid when the department is disabled in Desk', async () => {
    fake.desk.departments.find((d) => d.name === 'Support')!.isEnabled = false;
    const { integrations, end } = await chat('examples/support.yaml', visitor);
    expect(integrations[0]).toMatchObject({ outcome: 'department_invalid', port: 'department_invalid' });
    expect(end).toMatchObject({ reason: 'department_invalid' });
    expect(fake.desk.tickets).toHaveLength(0);
  });

  it.each([
    ['gone@example.com', 'an inactive agent'],
    ['nobody@example.com', 'an unknown agent'],
  ])('assignee_invalid for %s (%s)', async (assignee) => {
    const file = variant('support.yaml', '# assignee: agent@example.com', `assignee: ${assignee}`);
    const { integrations, end } = await chat(file, visitor);
    expect(integrations[0]).toMatchObject({ outcome: 'assignee_invalid', port: 'assignee_invalid' });
    expect(end).toMatchObject({ reason: 'assignee_invalid' });
  });

  it('an active assignee is sent as assigneeId', async () => {
    const file = variant('support.yaml', '# assignee: agent@example.com', 'assignee: agent@example.com');
    await chat(file, visitor);
    const agent = fake.desk.agents.find((a) => a.emailId === 'agent@example.com')!;
    expect(fake.desk.tickets[0]).toMatchObject({ assigneeId: agent.id });
  });

  it('failure when Desk refuses the ticket; integration_invalid when its token is revoked', async () => {
    fake.faults.set({ failNext: { status: 400, count: 1, route: 'POST /api/v1/tickets' } });
    expect((await chat('examples/support.yaml', visitor)).integrations[0]).toMatchObject({ outcome: 'failure', port: 'failure' });
    const client = { clientId: '1000.DESK', clientSecret: 'desk-secret-789', refreshToken: '1000.desk.refresh' };
    fake.addClient(client);
    await configure('helpdesk', client);
    fake.revokeRefreshToken(client.refreshToken);
    const { integrations, end } = await chat('examples/support.yaml', visitor);
    expect(integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
    expect(end).toMatchObject({ reason: 'ticket_failed' });
  });
});

describe('mailing.subscribe → Zoho Campaigns', () => {
  it('subscribes to the list by name; a second sign-up is success without a second subscriber', async () => {
    const first = await chat('examples/newsletter.yaml', lines('Mia Chen', 'mia@example.com'));
    expect(first.integrations[0]).toMatchObject({ outcome: 'success', port: 'success' });
    const again = await chat('examples/newsletter.yaml', lines('Mia Chen', 'mia@example.com'));
    expect(again.integrations[0]).toMatchObject({ outcome: 'success' });
    const newsletter = fake.campaigns.lists.find((l) => l.listname === 'Newsletter')!;
    expect(fake.campaigns.subscribers).toEqual([expect.objectContaining({ listkey: newsletter.listkey, email: 'mia@example.com' })]);
  });

  it("failure with Zoho's message for an unknown list; integration_invalid for a revoked token", async () => {
    const file = variant('newsletter.yaml', 'list: Newsletter', 'list: Nonexistent');
    const missing = await chat(file, lines('Mia', 'mia@example.com'));
    expect(missing.integrations[0]).toMatchObject({ outcome: 'failure', port: 'failure', message: expect.stringMatching(/Nonexistent/) });
    const client = { clientId: '1000.CAMP', clientSecret: 'camp-secret-000', refreshToken: '1000.camp.refresh' };
    fake.addClient(client);
    await configure('mailing', client);
    fake.revokeRefreshToken(client.refreshToken);
    const revoked = await chat('examples/newsletter.yaml', lines('Mia', 'mia@example.com'));
    expect(revoked.integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
  });
});
