import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBotText } from '../src/flow/index.ts';
import { getPublished, listVersions, saveDraft } from '../src/store/bots.ts';
import { openStore } from '../src/store/store.ts';
import { steppedClock } from '../src/connectors/remote/test-clock.ts';
import { itPostgres, newTestTarget } from '../src/store/test-support.ts';
import { renkei, ROOT, tempDir } from './helpers/cli.ts';
import { providerFakes, setOptions } from './helpers/provider-fake.ts';

const SUPPORT = readFileSync(join(ROOT, 'examples/support.yaml'), 'utf8');

/** The 1-based line of the first line of `text` holding `what`. */
const lineOf = (text: string, what: string): number => {
  const index = text.split('\n').findIndex((l) => l.includes(what));
  if (index < 0) throw new Error(`no line holds ${what}`);
  return index + 1;
};

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

/** What the database holds for a bot: its versions newest first, and which one is published. */
async function versionsOf(db: string, botId: string): Promise<{ versions: number[]; published: number | null }> {
  const store = await openStore(db);
  try {
    return { versions: (await listVersions(store.db, botId)).map((v) => v.version), published: (await getPublished(store.db, botId))?.version ?? null };
  } finally {
    await store.close();
  }
}

describe('renkei publish', () => {
  it('validates a bot file, saves it as the next version and publishes it; the same file again changes nothing', async () => {
    const file = join(t.dir, 'support.yaml');
    writeFileSync(file, SUPPORT);
    const first = await renkei(['publish', file, '--db', t.db]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`published support version 1 from ${file}\n`);

    const again = await renkei(['publish', file], { env: { RENKEI_DB: t.db } });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`support: ${file} is already published as version 1; nothing changed\n`);

    writeFileSync(file, SUPPORT.replace('こんにちは！', 'いらっしゃいませ。'));
    expect((await renkei(['publish', file, '--db', t.db])).stdout).toBe(`published support version 2 from ${file}\n`);
    expect(await versionsOf(t.db, 'support')).toEqual({ versions: [2, 1], published: 2 });
  });

  it('refuses an invalid file with every error by line, block and field, and saves nothing', async () => {
    const file = join(t.dir, 'support.yaml');
    writeFileSync(file, SUPPORT);
    await renkei(['publish', file, '--db', t.db]);
    writeFileSync(file, SUPPORT.replace('next: ask_email', 'next: ask_emial').replace('kind: text', 'kind: txt'));
    const run = await renkei(['publish', file, '--db', t.db]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`${file}:18 block "ask_name" field "next": no block "ask_emial" in this bot — did you mean "ask_email"?`);
    expect(lines[1]).toMatch(new RegExp(`^${file}:\\d+ block "ask_issue" field "kind": `));
    expect(lines[2]).toBe(`${file}: 2 errors; nothing was saved or published`);
    // Warnings (the blocks the typo cut off) go to stdout, as validate prints them.
    expect(run.stdout).toMatch(/warning: unreachable block/);
    expect(run.stdout).not.toContain('published support');
    expect(await versionsOf(t.db, 'support')).toEqual({ versions: [1], published: 1 });
  });

  it("publishes a bot's latest saved version by its id", async () => {
    const file = join(t.dir, 'support.yaml');
    writeFileSync(file, SUPPORT);
    await renkei(['publish', file, '--db', t.db]);
    // A draft saved from the builder (PUT …/bots/support), not published yet.
    const store = await openStore(t.db);
    const draft = SUPPORT.replace('こんにちは！', 'ようこそ。');
    await saveDraft(store.db, 'support', { source: draft, format: 'yaml', bot: loadBotText(draft, 'draft.yaml').bot! });
    await store.close();

    const run = await renkei(['publish', 'support', '--db', t.db]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('published support version 2\n');
    expect(await versionsOf(t.db, 'support')).toEqual({ versions: [2, 1], published: 2 });
    const again = await renkei(['publish', 'support', '--db', t.db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('support: version 2, its latest, is already published; nothing changed\n');
  });

  it('says clearly when there is no such bot or file, in one line and with exit code 1', async () => {
    const unknown = await renkei(['publish', 'nope', '--db', t.db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('renkei: there is no bot "nope" in the database (and no file of that name); to publish a bot file, give its path\n');
    const missing = await renkei(['publish', join(t.dir, 'missing.yaml'), '--db', t.db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^renkei: cannot read bot file .*missing\.yaml: ENOENT.*\n$/);
    const upper = await renkei(['publish', 'Support', '--db', t.db]);
    expect(upper.code).toBe(1);
    expect(upper.stderr).toContain('(a bot id is lower-case letters, digits and -)');
  });

  itPostgres('works on PostgreSQL like the other commands', async () => {
    const { target, remove } = newTestTarget('postgres');
    try {
      const file = join(t.dir, 'support.yaml');
      writeFileSync(file, SUPPORT);
      const run = await renkei(['publish', file], { env: { DATABASE_URL: target } });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(`published support version 1 from ${file}\n`);
      expect((await renkei(['publish', 'support', '--db', target])).stdout).toBe('support: version 1, its latest, is already published; nothing changed\n');
      expect(await versionsOf(target, 'support')).toEqual({ versions: [1], published: 1 });
    } finally {
      await remove();
    }
  });
});

describe('renkei publish checks literal values against the connected service', () => {
  it('refuses a department the built-in store does not have, naming the block and the field; nothing is saved', async () => {
    const file = join(t.dir, 'support.yaml');
    const refused = SUPPORT.replace('department: Support', 'department: Suport');
    writeFileSync(file, refused);
    const run = await renkei(['publish', file, '--db', t.db]);
    expect(run.code).toBe(1);
    // Where the value is, as `renkei validate` says where: file:line.
    expect(run.stderr.trim().split('\n')).toEqual([
      `${file}:${lineOf(refused, 'department: Suport')} block "open_ticket" field "department": "Suport" is not a value the helpdesk service (builtin) has. Did you mean "Support"? It offers "Support"`,
      `${file}: 1 value the connected service does not have; nothing was saved or published`,
    ]);
    expect(await versionsOf(t.db, 'support')).toEqual({ versions: [], published: null });

    // A saved draft published by its id is checked the same way.
    const store = await openStore(t.db);
    try {
      const text = SUPPORT.replace('status: Open', 'status: Opem');
      await saveDraft(store.db, 'support', { source: text, format: 'yaml', bot: loadBotText(text, 'support.yaml').bot! });
    } finally {
      await store.close();
    }
    const byId = await renkei(['publish', 'support', '--db', t.db]);
    expect(byId.code).toBe(1);
    expect(byId.stderr).toContain(
      `support version 1 line ${lineOf(SUPPORT, 'status: Open')} block "open_ticket" field "status": "Opem" is not a value the helpdesk service (builtin) has. Did you mean "Open"?`,
    );
    expect(await versionsOf(t.db, 'support')).toEqual({ versions: [1], published: null });
  });

  it('publishes with a warning when the service cannot be reached', async () => {
    // Nothing listens on port 9 of the loopback: Zoho Desk cannot be asked.
    const set = await renkei(
      [
        'integrations',
        'set',
        'helpdesk',
        'zoho',
        '--dc',
        'com',
        '--client-id',
        '1000.X',
        '--org-id',
        '42',
        '--accounts-url',
        'http://127.0.0.1:9',
        '--api-url',
        'http://127.0.0.1:9',
        '--db',
        t.db,
      ],
      { env: { RENKEI_ZOHO_CLIENT_SECRET: 's', RENKEI_ZOHO_REFRESH_TOKEN: 'r' } },
    );
    expect(set.code, set.stderr).toBe(0);
    const file = join(t.dir, 'support.yaml');
    writeFileSync(file, SUPPORT);
    // Time moves only when waited on: the unreachable Zoho gives up without waiting out the backoff.
    const run = await renkei(['publish', file, '--db', t.db], { clock: steppedClock() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${file}:${lineOf(SUPPORT, 'department: Support')} block "open_ticket" field "department": warning: "Support" could not be checked: the helpdesk service (zoho) could not be asked`,
    );
    expect(run.stdout).toContain(`published support version 1 from ${file}`);
  });

  it("warns of a fields: name the connected CRM's object lacks, with the name meant, and publishes", async () => {
    const target = (await providerFakes()).find((f) => f.provider === 'salesforce')!;
    const fake = await target.start({ seed: 5 });
    try {
      const set = await renkei(['integrations', 'set', 'crm', 'salesforce', ...setOptions(fake.integration('crm')), '--db', t.db]);
      expect(set.code, set.stderr).toBe(0);
      const file = join(t.dir, 'lead.yaml');
      const lead = readFileSync(join(ROOT, 'examples/lead.yaml'), 'utf8');
      writeFileSync(file, lead);
      const run = await renkei(['publish', file, '--db', t.db]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `${file}:${lineOf(lead, 'Lead_Source:')} block "create_lead" field "fields": warning: the CRM (salesforce) has no field "Lead_Source" on its Lead records — did you mean "LeadSource"?`,
      );
      expect(run.stdout).toContain(`published lead version 1 from ${file}`);
    } finally {
      await fake.close();
    }
  });
});
