import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeZoho, type FakeZoho } from './fake-zoho/index.ts';
import { events, renkei, tempDir } from './helpers/cli.ts';
import { openStore } from '../src/store/store.ts';

/**
 * What only Zoho has, with the example bots pointed at the faithful fake through `renkei
 * integrations set … zoho`: its own record fields, its token error codes in what the admin reads,
 * and its access token shared between CLI processes. Every port of every block is run on Zoho (as
 * on every provider with a fake) by test/provider-examples.test.ts.
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

describe("Zoho's own fields", () => {
  it("crm: a lead's name split into First_Name / Last_Name with Lead_Source; a deal's Contact_Name is the contact", async () => {
    const lead = await chat('examples/lead.yaml', lines('Yui Tanaka', 'yui@example.com', '090-1234-5678', 'Example KK'));
    expect(lead.integrations[0]).toMatchObject({ outcome: 'success' });
    expect(fake.crm.leads[0]).toMatchObject({ First_Name: 'Yui', Last_Name: 'Tanaka', Email: 'yui@example.com', Company: 'Example KK', Lead_Source: 'Chat' });
    const { integrations } = await chat('examples/deal.yaml', lines('森 愛子', 'aiko@example.com', '１２，０００', '2026/12/1'));
    expect(integrations.map((i) => i['outcome'])).toEqual(['success', 'success']);
    const contact = fake.crm.contacts[0]!;
    expect(contact).toMatchObject({ Last_Name: '愛子', First_Name: '森' }); // en bot: last word is the family name
    expect(fake.crm.deals[0]).toMatchObject({ Stage: 'Qualification', Amount: 12000, Closing_Date: '2026-12-01', Contact_Name: { id: contact['id'] } });
  });

  it("helpdesk: the department's id, the Chat channel, the contact's names and an active assignee's assigneeId", async () => {
    const file = variant('support.yaml', '# assignee: agent@example.com', 'assignee: agent@example.com');
    const { integrations } = await chat(file, lines('田中 太郎', 'taro@example.com', 'ログインできません', '高'));
    expect(integrations[0]).toMatchObject({ outcome: 'success' });
    const ticket = fake.desk.tickets[0]!;
    const support = fake.desk.departments.find((d) => d.name === 'Support')!;
    const agent = fake.desk.agents.find((a) => a.emailId === 'agent@example.com')!;
    expect(ticket).toMatchObject({ departmentId: support.id, channel: 'Chat', assigneeId: agent.id });
    expect(fake.desk.contacts.find((c) => c.id === ticket.contactId)).toMatchObject({ lastName: '田中', firstName: '太郎' });
  });

  it('mailing: the subscriber is on the list’s listkey', async () => {
    await chat('examples/newsletter.yaml', lines('Mia Chen', 'mia@example.com'));
    const newsletter = fake.campaigns.lists.find((l) => l.listname === 'Newsletter')!;
    expect(fake.campaigns.subscribers).toEqual([expect.objectContaining({ listkey: newsletter.listkey, email: 'mia@example.com' })]);
  });
});

describe("Zoho's tokens", () => {
  it('a revoked refresh token: the list and the check name Zoho’s invalid_code', async () => {
    const client = { clientId: '1000.REVOKED', clientSecret: 'revoked-secret-123', refreshToken: '1000.revoked.refresh.token' };
    fake.addClient(client);
    await configure('crm', client);
    fake.revokeRefreshToken(client.refreshToken);
    const { integrations } = await chat('examples/lead.yaml', lines('Yui Tanaka', 'yui@example.com', '090-1234-5678', 'Example KK'));
    expect(integrations[0]).toMatchObject({ outcome: 'integration_invalid' });
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
    const { integrations } = await chat('examples/lead.yaml', lines('Yui Tanaka', 'yui@example.com', '090-1234-5678', 'Example KK'));
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
});
