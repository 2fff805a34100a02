import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.ts';
import { events, renkei, tempDir } from './helpers/cli.ts';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

/** Bad input ends in one clear line on stderr and a non-zero exit, never a stack trace. */
describe('bad input', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it('malformed YAML names the file and line', async () => {
    const file = join(t.dir, 'bad.yaml');
    writeFileSync(file, 'renkei: 1\nid: [oops\n');
    const run = await renkei(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^${file}:\\d+: malformed YAML`, 'm'));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing bot file', async () => {
    const run = await renkei(['chat', join(t.dir, 'nope.yaml')]);
    expect(run.code).not.toBe(0);
    oneLine(run.stderr);
    expect(run.stderr).toContain('nope.yaml: cannot read the file');
  });

  it('a database that cannot be opened', async () => {
    const missingDir = await renkei(['records', 'leads', '--db', join(t.dir, 'no/such/dir.db')]);
    expect(missingDir.code).toBe(1);
    oneLine(missingDir.stderr);
    expect(missingDir.stderr).toMatch(/cannot open database .*: directory .* does not exist/);
    const notADb = join(t.dir, 'text.db');
    writeFileSync(notADb, 'this is not sqlite, just text that is long enough to have a header of sorts\n'.repeat(20));
    const garbage = await renkei(['records', 'leads', '--db', notADb]);
    expect(garbage.code).toBe(1);
    oneLine(garbage.stderr);
    expect(garbage.stderr).toContain('file is not a database');
  });

  it('an --outcome for a block that is not an integration, or a port it does not have', async () => {
    const notIntegration = await renkei(['chat', 'examples/lead.yaml', '--outcome', 'hello=success']);
    expect(notIntegration.code).toBe(2);
    oneLine(notIntegration.stderr);
    expect(notIntegration.stderr).toContain('block "hello" is a message block, not an integration');
    const noPort = await renkei(['chat', 'examples/support.yaml', '--outcome', 'open_ticket=already_exists']);
    expect(noPort.stderr).toContain('helpdesk.ticket has no outcome "already_exists"');
  });

  it('duplicate and unknown directory entries', async () => {
    const dup = await renkei(['builtin', 'departments', 'add', 'support', '--db', t.db]);
    expect(dup.code).toBe(1);
    oneLine(dup.stderr);
    expect(dup.stderr).toContain('already exists');
    const unknown = await renkei(['builtin', 'departments', 'disable', 'Nowhere', '--db', t.db]);
    expect(unknown.code).toBe(1);
    oneLine(unknown.stderr);
  });
});

describe('validate', () => {
  it('reports every error with file, line, block and field, and exits 1', async () => {
    const file = join(t.dir, 'broken.yaml');
    writeFileSync(
      file,
      [
        'renkei: 1',
        'id: broken',
        'name: Broken',
        'start: a',
        'blocks:',
        '  a:',
        '    type: message',
        '    text: "Hi %nickname%"',
        '    next: b',
        '  b:',
        '    type: crm.lead',
        '    colour: red',
        '    ports: { success: c }',
        '  c:',
        '    type: sparkle',
      ].join('\n'),
    );
    const run = await renkei(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}:8 block "a" field "text"`);
    expect(run.stderr).toMatch(/nickname/);
    expect(run.stderr).toContain(`${file}:12 block "b" field "colour"`);
    expect(run.stderr).toMatch(new RegExp(`${file}:13 block "b" field "ports.failure"`));
    expect(run.stderr).toContain(`${file}:15 block "c" field "type"`);
    expect(run.stderr).toMatch(/4 errors/);
  });

  it('prints warnings but exits 0', async () => {
    const file = join(t.dir, 'island.yaml');
    writeFileSync(file, 'renkei: 1\nid: island\nname: Island\nstart: a\nblocks:\n  a: { type: end, text: bye }\n  lonely: { type: end }\n');
    const run = await renkei(['validate', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/warning: .*lonely|lonely.*warning/);
    expect(run.stdout).toContain('valid (1 warning)');
  });
});

describe('chat', () => {
  it('runs a bot without integrations without creating a database', async () => {
    const file = join(t.dir, 'hello.yaml');
    writeFileSync(
      file,
      [
        'renkei: 1',
        'id: hello',
        'name: Hello',
        'start: ask',
        'blocks:',
        '  ask: { type: ask, kind: name, prompt: "Name?", save: visitor.name, next: pick }',
        '  pick:',
        '    type: choice',
        '    prompt: "Colour?"',
        '    save: colour',
        '    options:',
        '      - { label: Red, value: red, next: bye }',
        '      - { label: Blue, value: blue, next: bye }',
        '  bye: { type: end, text: "Bye %visitor.name%, you chose %colour%" }',
      ].join('\n'),
    );
    const run = await renkei(['chat', file, '--json', '--db', t.db], { input: '%colour%\n2\n' });
    expect(run.code).toBe(0);
    const evs = events(run.stdout);
    expect(evs).toContainEqual({
      type: 'input',
      kind: 'choice',
      options: [
        { label: 'Red', value: 'red' },
        { label: 'Blue', value: 'blue' },
      ],
    });
    expect(evs).toContainEqual({ type: 'message', text: 'Bye %colour%, you chose blue' });
    expect(evs.at(-1)).toMatchObject({ type: 'end', status: 'ended', reason: null, variables: { 'visitor.name': '%colour%', colour: 'blue' } });
    const { existsSync } = await import('node:fs');
    expect(existsSync(t.db)).toBe(false);
  });

  it('asks for consent with the policy link and two numbered answers, and ends politely on a refusal', async () => {
    const file = join(t.dir, 'consent.yaml');
    writeFileSync(
      file,
      [
        'renkei: 1',
        'id: consent',
        'name: Consent',
        'start: privacy',
        'blocks:',
        '  privacy:',
        '    type: consent',
        '    text: "We keep what you type."',
        '    link: { url: "https://example.com/privacy", label: Privacy policy }',
        '    next: bye',
        '  bye: { type: end, text: "Thanks" }',
      ].join('\n'),
    );
    const json = await renkei(['chat', file, '--json', '--db', t.db], { input: 'maybe\n2\n' });
    expect(json.code).toBe(0);
    const evs = events(json.stdout);
    expect(evs[0]).toEqual({ type: 'message', text: 'We keep what you type.', link: { url: 'https://example.com/privacy', label: 'Privacy policy' } });
    expect(evs).toContainEqual({
      type: 'input',
      kind: 'choice',
      options: [
        { label: 'I agree', value: 'yes' },
        { label: 'I do not agree', value: 'no' },
      ],
    });
    expect(evs).toContainEqual({ type: 'message', text: 'Please pick one of the options.' });
    expect(evs.at(-1)).toMatchObject({ type: 'end', status: 'ended', reason: 'consent_declined', variables: { consent: 'no' } });
    expect((evs.at(-1) as { variables: Record<string, string> }).variables['consent_at']).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);

    const text = await renkei(['chat', file, '--db', t.db], { input: '1\n' });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('https://example.com/privacy');
    expect(text.stdout).toContain('  1) I agree');
    expect(text.stdout).toContain('Thanks');
  });
});

it('schema prints a JSON Schema of the bot format', async () => {
  const run = await renkei(['schema']);
  expect(run.code).toBe(0);
  const schema = JSON.parse(run.stdout) as { $schema: string; properties: Record<string, unknown> };
  expect(schema.$schema).toMatch(/json-schema/);
  expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['renkei', 'id', 'locale', 'start', 'blocks']));
  expect(run.stdout).toContain('helpdesk.ticket');
});

it('integrations list shows each role without secrets', async () => {
  await renkei(['integrations', 'disable', 'mailing', '--db', t.db]);
  const run = await renkei(['integrations', 'list', '--db', t.db]);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^crm\s+builtin\s+yes\s+ok/m);
  expect(run.stdout).toMatch(/^mailing\s+builtin\s+no\s+ok/m);
});

describe('what visitors typed, on the terminal', () => {
  it('is printed with its control characters escaped, so a stored name cannot drive the terminal', async () => {
    // A lead stored before control characters were stripped from answers, or by another writer.
    const store = await openStore(t.db);
    await store.db
      .insertInto('leads')
      .values({
        id: 'lead-1',
        name: '\u001b]0;pwned\u0007Mio\u009b2J',
        email: 'mio@example.com',
        email_key: 'mio@example.com',
        phone: null,
        company: 'Ac\u001b[31mme',
        source: 'test',
        bot_id: null,
        fields: '{}',
        effect_id: null,
        created_at: new Date().toISOString(),
      })
      .execute();
    await store.close();
    for (const args of [
      ['records', 'leads'],
      ['records', 'leads', '--json'],
    ]) {
      const run = await renkei([...args, '--db', t.db]);
      expect(run.code).toBe(0);
      // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
      expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
    }
    const table = await renkei(['records', 'leads', '--db', t.db]);
    expect(table.stdout).toContain('\\x1B]0;pwned\\x07Mio\\x9B2J');
    expect(table.stdout).toContain('Ac\\x1B[31mme');
  });
});
