import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../src/vocabulary/roles.ts';
import { events, renkei, tempDir } from './helpers/cli.ts';
import { providerFakes, setOptions, type FakeCredentials, type RunningProviderFake } from './helpers/provider-fake.ts';

/**
 * Every example bot through every port, on every provider that has a fake (each one's
 * test/fake-<provider>/provider-fake.ts, found by providerFakes): the same bot files, unchanged,
 * set up with `renkei integrations set ROLE <provider> …` and run with `renkei chat`. Records are
 * read back in the blocks' words; each fake's own tests check the service's shapes.
 */
const FAKES = await providerFakes();

describe.each(FAKES.map((f) => [f.provider, f] as const))('the examples on %s', (provider, target) => {
  let fake: RunningProviderFake;
  let t: ReturnType<typeof tempDir>;
  let secrets: string[];
  /** A database with every role the provider serves set to it, copied for each test (with its key file). */
  let template: ReturnType<typeof tempDir>;
  const serves = (role: Role) => target.roles.includes(role);
  const itServing = (role: Role) => (serves(role) ? it : it.skip);

  beforeAll(async () => {
    fake = await target.start({ seed: 7 });
    template = t = tempDir();
    secrets = [];
    for (const role of target.roles) await configure(role);
  });
  afterAll(async () => {
    template.cleanup();
    await fake.close();
  });

  async function configure(role: Role, credentials?: FakeCredentials) {
    const values = fake.integration(role, credentials);
    const run = await renkei(['integrations', 'set', role, provider, ...setOptions(values), '--db', t.db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    secrets.push(...Object.values(values.secrets));
    for (const s of secrets) expect(run.stdout).not.toContain(s);
  }

  beforeEach(() => {
    t = tempDir();
    secrets = Object.values(fake.integration('crm').secrets);
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
  const words = (name: string) => name.split(/\s+/).filter(Boolean).sort();

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

  describe('crm.lead (examples/lead.yaml)', () => {
    const visitor = lines('Yui Tanaka', 'yui@example.com', '090-1234-5678', 'Example KK');

    itServing('crm')('success creates one lead and quotes its id', async () => {
      const { integrations, end, messages } = await chat('examples/lead.yaml', visitor);
      expect(integrations[0]).toMatchObject({ outcome: 'success', port: 'success' });
      const leads = fake.records.leads();
      expect(leads).toHaveLength(1);
      expect(leads[0]).toMatchObject({ email: 'yui@example.com', company: 'Example KK' });
      expect(words(leads[0]!.name)).toEqual(['Tanaka', 'Yui']);
      expect(end.variables['lead_id']).toBe(leads[0]!.id);
      expect(messages.at(-1)).toContain(leads[0]!.id);
    });

    itServing('crm')('already_exists for a known email, with the existing id', async () => {
      const first = await chat('examples/lead.yaml', visitor);
      const again = await chat('examples/lead.yaml', lines('Yui T', 'Yui@Example.com', '0312345678', 'Example KK'));
      expect(again.integrations[0]).toMatchObject({ outcome: 'already_exists', port: 'already_exists' });
      expect(again.end.variables['lead_id']).toBe(first.end.variables['lead_id']);
      expect(fake.records.leads()).toHaveLength(1);
    });

    itServing('crm')('failure when the service refuses the record', async () => {
      fake.failNextCreate('lead', 400);
      const { integrations, end } = await chat('examples/lead.yaml', visitor);
      expect(integrations[0]).toMatchObject({ outcome: 'failure', port: 'failure' });
      expect(end).toMatchObject({ status: 'handoff', reason: 'lead_failed' });
      expect(fake.records.leads()).toHaveLength(0);
    });

    itServing('crm')('a 503 is retried, and the lead is created once', async () => {
      fake.failNextCreate('lead', 503);
      const { integrations } = await chat('examples/lead.yaml', visitor);
      expect(integrations[0]).toMatchObject({ outcome: 'success' });
      expect(fake.records.leads()).toHaveLength(1);
    });

    itServing('crm')('integration_invalid when the grant was revoked; the integration is marked invalid and the check fails', async () => {
      const credentials = fake.addCredentials('revoked');
      await configure('crm', credentials);
      fake.revoke(credentials);
      const { integrations, end } = await chat('examples/lead.yaml', visitor);
      expect(integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
      expect(end).toMatchObject({ status: 'handoff', reason: 'crm_unavailable' });
      const list = await renkei(['integrations', 'list', '--db', t.db]);
      expect(list.stdout).toMatch(new RegExp(`^crm\\s+${provider}\\s.*invalid: `, 'm'));
      const check = await renkei(['integrations', 'check', 'crm', '--db', t.db]);
      expect(check.code).toBe(1);
      expect(check.stderr).toMatch(/^crm: /);
    });

    itServing('crm')('the check passes with the ready credentials', async () => {
      const check = await renkei(['integrations', 'check', 'crm', '--db', t.db]);
      expect(check.stderr).toBe('');
      expect(check.code).toBe(0);
    });
  });

  describe('crm.contact and crm.deal (examples/contact.yaml, examples/deal.yaml)', () => {
    itServing('crm')('a contact, then a deal in the stage the bot names, for that contact', async () => {
      const { integrations, end } = await chat('examples/deal.yaml', lines('森 愛子', 'aiko@example.com', '１２，０００', '2026/12/1'));
      expect(integrations.map((i) => [i['block'], i['outcome'], i['port']])).toEqual([
        ['create_contact', 'success', 'success'],
        ['create_deal', 'success', 'success'],
      ]);
      const [contact] = fake.records.contacts();
      expect(contact).toMatchObject({ email: 'aiko@example.com' });
      expect(words(contact!.name)).toEqual(['愛子', '森']);
      const [deal] = fake.records.deals();
      expect(deal).toMatchObject({ name: 'Chat quote: 森 愛子', stage: 'Qualification', amount: 12000, closingDate: '2026-12-01', contactId: contact!.id });
      expect(end.variables['deal_id']).toBe(deal!.id);
    });

    itServing('crm')('an existing contact is associated (success with its id); a refused deal is failure', async () => {
      const existing = fake.addContact({ name: 'Aiko Mori', email: 'aiko@example.com' });
      fake.failNextCreate('deal', 400);
      const { integrations, end } = await chat('examples/deal.yaml', lines('Aiko Mori', 'aiko@example.com', '500', '2026-12-31'));
      expect(integrations[0]).toMatchObject({ block: 'create_contact', port: 'success', outputs: { id: existing } });
      expect(integrations[1]).toMatchObject({ block: 'create_deal', outcome: 'failure', port: 'failure' });
      expect(end).toMatchObject({ status: 'handoff', reason: 'deal_failed' });
      expect(fake.records.contacts()).toHaveLength(1);
      expect(fake.records.deals()).toHaveLength(0);
    });

    itServing('crm')('a contact with its company; integration_invalid with an unknown app', async () => {
      const ok = await chat('examples/contact.yaml', lines('Ken Sato', 'ken@example.com', '0312345678', 'Sato Shoji'));
      expect(ok.integrations[0]).toMatchObject({ outcome: 'success', port: 'success' });
      expect(fake.records.contacts()[0]).toMatchObject({ email: 'ken@example.com', company: 'Sato Shoji' });
      expect(ok.end.variables['contact_id']).toBe(fake.records.contacts()[0]!.id);
      await configure('crm', fake.unknownCredentials());
      const { integrations, end } = await chat('examples/contact.yaml', lines('Ken Sato', 'ken@example.com', '0312345678', 'Sato'));
      expect(integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
      expect(end).toMatchObject({ status: 'handoff', reason: 'crm_unavailable' });
    });
  });

  describe('helpdesk.ticket (examples/support.yaml)', () => {
    const visitor = lines('田中 太郎', 'taro@example.com', 'ログインできません', '高');

    itServing('helpdesk')('success: in the Support department, the visitor as its contact, the number quoted', async () => {
      const { integrations, messages, end } = await chat('examples/support.yaml', visitor);
      expect(integrations[0]).toMatchObject({ outcome: 'success', port: 'success' });
      const [ticket] = fake.records.tickets();
      expect(ticket).toMatchObject({
        subject: 'チャットからの問い合わせ: 田中 太郎',
        status: 'Open',
        priority: 'High',
        classification: 'Question',
        department: 'Support',
        contactEmail: 'taro@example.com',
      });
      expect(ticket!.description).toContain('ログインできません');
      expect(end.variables['ticket_number']).toBe(ticket!.number);
      expect(messages.at(-1)).toBe(`お問い合わせを受け付けました。問い合わせ番号は ${ticket!.number} です。`);
    });

    itServing('helpdesk')('department_invalid when the department is no longer usable', async () => {
      fake.disableDepartment('Support');
      const { integrations, end } = await chat('examples/support.yaml', visitor);
      expect(integrations[0]).toMatchObject({ outcome: 'department_invalid', port: 'department_invalid' });
      expect(end).toMatchObject({ reason: 'department_invalid' });
      expect(fake.records.tickets()).toHaveLength(0);
    });

    itServing('helpdesk')('assignee_invalid for a deactivated and for an unknown agent; an active one is assigned', async () => {
      for (const assignee of [fake.assignees.inactive, fake.assignees.unknown]) {
        const file = variant('support.yaml', '# assignee: agent@example.com', `assignee: ${assignee}`);
        const { integrations, end } = await chat(file, visitor);
        expect(integrations[0], assignee).toMatchObject({ outcome: 'assignee_invalid', port: 'assignee_invalid' });
        expect(end).toMatchObject({ reason: 'assignee_invalid' });
      }
      expect(fake.records.tickets()).toHaveLength(0);
      const file = variant('support.yaml', '# assignee: agent@example.com', `assignee: ${fake.assignees.active}`);
      expect((await chat(file, visitor)).integrations[0]).toMatchObject({ outcome: 'success' });
      expect(fake.records.tickets()[0]).toMatchObject({ assignee: fake.assignees.active });
    });

    itServing('helpdesk')('failure when the service refuses the ticket; integration_invalid when the grant is revoked', async () => {
      fake.failNextCreate('ticket', 400);
      expect((await chat('examples/support.yaml', visitor)).integrations[0]).toMatchObject({ outcome: 'failure', port: 'failure' });
      const credentials = fake.addCredentials('desk');
      await configure('helpdesk', credentials);
      fake.revoke(credentials);
      const { integrations, end } = await chat('examples/support.yaml', visitor);
      expect(integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
      expect(end).toMatchObject({ reason: 'ticket_failed' });
    });
  });

  describe('mailing.subscribe (examples/newsletter.yaml)', () => {
    itServing('mailing')('subscribes to the list by name; a second sign-up is success without a second subscriber', async () => {
      const first = await chat('examples/newsletter.yaml', lines('Mia Chen', 'mia@example.com'));
      expect(first.integrations[0]).toMatchObject({ outcome: 'success', port: 'success' });
      const again = await chat('examples/newsletter.yaml', lines('Mia Chen', 'mia@example.com'));
      expect(again.integrations[0]).toMatchObject({ outcome: 'success' });
      expect(fake.records.subscribers()).toEqual([{ list: 'Newsletter', email: 'mia@example.com' }]);
    });

    itServing('mailing')('failure naming an unknown list; integration_invalid for a revoked grant', async () => {
      const file = variant('newsletter.yaml', 'list: Newsletter', 'list: Nonexistent');
      const missing = await chat(file, lines('Mia', 'mia@example.com'));
      expect(missing.integrations[0]).toMatchObject({ outcome: 'failure', port: 'failure', message: expect.stringMatching(/Nonexistent/) });
      const credentials = fake.addCredentials('mail');
      await configure('mailing', credentials);
      fake.revoke(credentials);
      const revoked = await chat('examples/newsletter.yaml', lines('Mia', 'mia@example.com'));
      expect(revoked.integrations[0]).toMatchObject({ outcome: 'integration_invalid', port: 'integration_invalid' });
    });
  });
});
