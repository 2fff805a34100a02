import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startFakeZoho } from '../../../test/fake-zoho/index.ts';
import { steppedClock } from '../../connectors/remote/test-clock.ts';
import { CHOICE_BOT, testServer, type TestServer } from '../test-support.ts';

const YAML = { 'content-type': 'application/yaml' };

const upload = (s: TestServer, id: string, body: string, headers: Record<string, string> = YAML) =>
  s.admin({ method: 'PUT', url: `/api/v1/admin/bots/${id}`, headers, payload: body });

/** The 1-based line of the first line of `text` holding `what`. */
const lineOf = (text: string, what: string): number => {
  const index = text.split('\n').findIndex((l) => l.includes(what));
  if (index < 0) throw new Error(`no line holds ${what}`);
  return index + 1;
};

/** The choice bot with its prompt changed: a second version visitors can tell apart. */
const CHOICE_BOT_V2 = CHOICE_BOT.replace('"Pick a colour"', '"Which colour do you like?"');

const BROKEN = `
renkei: 1
id: colours
name: Colours
locale: en
start: pick
blocks:
  pick:
    type: choice
    prompt: "Pick a colour"
    save: colour
    options:
      - { label: Red, value: red, next: nowhere }
  lead:
    type: crm.lead
    ports: { success: pick }
    colour: blue
`;

describe('admin authentication', () => {
  it('refuses every admin route without the admin token or with a wrong one', async () => {
    const s = await testServer();
    for (const url of ['/api/v1/admin/bots', '/api/v1/admin/records/leads', '/api/v1/admin/integrations', '/api/v1/admin/conversations']) {
      const none = await s.app.inject({ url });
      expect(none.statusCode, url).toBe(401);
      expect(none.json().error.code).toBe('unauthorized');
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      const wrong = await s.app.inject({ url, headers: { authorization: 'Bearer not-the-admin-token' } });
      expect(wrong.statusCode, url).toBe(401);
      const basic = await s.app.inject({ url, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
      expect(basic.statusCode, url).toBe(401);
    }
    const put = await s.app.inject({ method: 'PUT', url: '/api/v1/admin/bots/colours', headers: YAML, payload: CHOICE_BOT });
    expect(put.statusCode).toBe(401);
    expect((await s.admin({ url: '/api/v1/admin/bots' })).json()).toEqual({ items: [] });
  });

  it("does not take a conversation's token as the admin token", async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const { token } = await s.start('colours');
    const res = await s.app.inject({ url: '/api/v1/admin/bots', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(401);
  });
});

describe('bot uploads', () => {
  it('saves YAML and JSON uploads as numbered drafts, 201 for a new bot and 200 after', async () => {
    const s = await testServer();
    const first = await upload(s, 'colours', CHOICE_BOT);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ botId: 'colours', version: 1, warnings: [] });

    const asJson = JSON.stringify(parseYaml(CHOICE_BOT_V2));
    const second = await upload(s, 'colours', asJson, { 'content-type': 'application/json; charset=utf-8' });
    expect(second.statusCode).toBe(200);
    expect(second.json().version).toBe(2);

    const third = await upload(s, 'colours', CHOICE_BOT, { 'content-type': 'text/yaml' });
    expect(third.json().version).toBe(3);

    const bots = (await s.admin({ url: '/api/v1/admin/bots' })).json();
    expect(bots.items).toEqual([expect.objectContaining({ id: 'colours', name: 'Colours', publishedVersion: null, latestVersion: 3 })]);
    const versions = (await s.admin({ url: '/api/v1/admin/bots/colours/versions' })).json();
    expect(versions.items.map((v: { version: number; format: string }) => [v.version, v.format])).toEqual([
      [3, 'yaml'],
      [2, 'json'],
      [1, 'yaml'],
    ]);
  });

  it('refuses an invalid file with 422 and every problem by block, field and line, saving nothing', async () => {
    const s = await testServer();
    const res = await upload(s, 'colours', BROKEN);
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error.code).toBe('invalid_bot');
    const where = body.problems.map((p: { block: string; field: string; code: string }) => [p.block, p.field, p.code]);
    expect(where).toEqual(
      expect.arrayContaining([
        ['pick', 'options.0.next', 'unknown_target'],
        ['lead', 'ports.failure', 'missing_port'],
        ['lead', 'colour', 'unknown_key'],
      ]),
    );
    for (const p of body.problems) {
      expect(p.severity).toBe('error');
      expect(typeof p.message).toBe('string');
      expect(p.line).toBeGreaterThan(0);
    }
    expect((await s.admin({ url: '/api/v1/admin/bots' })).json().items).toEqual([]);
  });

  it('refuses YAML syntax errors, a file for another id, an unsupported type and an oversized file', async () => {
    const s = await testServer();
    const syntax = await upload(s, 'colours', 'renkei: 1\nid: [unclosed\n');
    expect(syntax.statusCode).toBe(422);
    expect(syntax.json().problems[0]).toMatchObject({ code: 'yaml_syntax', block: null });

    const mismatch = await upload(s, 'other', CHOICE_BOT);
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().problems).toEqual([expect.objectContaining({ code: 'id_mismatch', field: 'id' })]);

    const empty = await upload(s, 'colours', '');
    expect(empty.statusCode).toBe(422);

    const plain = await upload(s, 'colours', CHOICE_BOT, { 'content-type': 'text/plain' });
    expect(plain.statusCode).toBe(415);

    const huge = await upload(s, 'colours', `${CHOICE_BOT}\n# ${'x'.repeat(1_100_000)}\n`);
    expect(huge.statusCode).toBe(413);

    const badId = await upload(s, 'Colours!', CHOICE_BOT);
    expect(badId.statusCode).toBe(400);
  });
});

describe('publishing', () => {
  it('publishes the latest draft; a running conversation stays on its version, a new one gets the new version', async () => {
    const s = await testServer();
    await upload(s, 'colours', CHOICE_BOT);
    const notYet = await s.app.inject({ method: 'POST', url: '/api/v1/bots/colours/conversations' });
    expect(notYet.statusCode).toBe(404);

    const published = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/colours/publish' });
    expect(published.statusCode).toBe(200);
    expect(published.json()).toEqual({ botId: 'colours', version: 1, warnings: [] });
    const old = await s.start('colours');
    expect(old.body['messages']).toEqual([{ text: 'Pick a colour' }]);

    await upload(s, 'colours', CHOICE_BOT_V2.replace('"Your name?"', '"Name, please?"'));
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/bots/colours/publish' })).json().version).toBe(2);

    const fresh = await s.start('colours');
    expect(fresh.body['messages']).toEqual([{ text: 'Which colour do you like?' }]);
    const oldTurn = await s.reply(old.id, old.token, { choice: 'red' });
    expect(oldTurn.json().messages).toEqual([{ text: 'Your name?' }]);
    const freshTurn = await s.reply(fresh.id, fresh.token, { choice: 'red' });
    expect(freshTurn.json().messages).toEqual([{ text: 'Name, please?' }]);

    const versions = (await s.admin({ url: '/api/v1/admin/bots/colours/versions' })).json().items;
    expect(versions.map((v: { version: number; published: boolean }) => [v.version, v.published])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('rolls back to an earlier version, and refuses a rollback forward, an unknown version and an unknown bot', async () => {
    const s = await testServer();
    await upload(s, 'colours', CHOICE_BOT);
    await upload(s, 'colours', CHOICE_BOT_V2);
    await s.admin({ method: 'POST', url: '/api/v1/admin/bots/colours/publish' });

    const back = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/colours/rollback', payload: { version: 1 } });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toEqual({ botId: 'colours', version: 1, warnings: [] });
    expect((await s.start('colours')).body['messages']).toEqual([{ text: 'Pick a colour' }]);

    const forward = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/colours/rollback', payload: { version: 2 } });
    expect(forward.statusCode).toBe(400);
    expect(forward.json().error.message).toContain('publish it instead');

    const missing = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/colours/publish', payload: { version: 9 } });
    expect(missing.statusCode).toBe(404);
    const nobody = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/nobody/publish' });
    expect(nobody.statusCode).toBe(404);
    const noBody = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/colours/rollback' });
    expect(noBody.statusCode).toBe(400);
    const wrongType = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/colours/rollback', payload: { version: 'one' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.field).toBe('version');
    expect((await s.admin({ url: '/api/v1/admin/bots/nobody/versions' })).statusCode).toBe(404);
  });
});

describe('downloading', () => {
  it('gives the published version as uploaded, any version on request, and a JSON upload as YAML', async () => {
    const s = await testServer();
    await upload(s, 'colours', CHOICE_BOT);
    await upload(s, 'colours', JSON.stringify(parseYaml(CHOICE_BOT_V2)), { 'content-type': 'application/json' });

    const latest = await s.admin({ url: '/api/v1/admin/bots/colours/source' });
    expect(latest.statusCode).toBe(200);
    expect(latest.headers['content-type']).toMatch(/^application\/yaml/);
    expect(latest.headers['content-disposition']).toBe('attachment; filename="colours.yaml"');
    expect(latest.headers['x-renkei-bot-version']).toBe('2');
    expect(parseYaml(latest.body)).toEqual(parseYaml(CHOICE_BOT_V2));

    await s.admin({ method: 'POST', url: '/api/v1/admin/bots/colours/publish', payload: { version: 1 } });
    const published = await s.admin({ url: '/api/v1/admin/bots/colours/source' });
    expect(published.body).toBe(CHOICE_BOT);
    expect((await s.admin({ url: '/api/v1/admin/bots/colours/source?version=2' })).headers['x-renkei-bot-version']).toBe('2');

    expect((await s.admin({ url: '/api/v1/admin/bots/colours/source?version=7' })).statusCode).toBe(404);
    expect((await s.admin({ url: '/api/v1/admin/bots/colours/source?version=first' })).statusCode).toBe(400);
    expect((await s.admin({ url: '/api/v1/admin/bots/nobody/source' })).statusCode).toBe(404);
  });
});

describe("publishing checks a block's literal values against the connected service", () => {
  it('the built-in store keeps any extra fields as given: no warning about them', async () => {
    const s = await testServer();
    const lead = readFileSync(new URL('../../../examples/lead.yaml', import.meta.url), 'utf8').replace(
      'Lead_Source: Chat',
      'Lead_Source: Chat\n      Anything_At_All: x',
    );
    expect((await upload(s, 'lead', lead)).statusCode).toBeLessThan(300);
    const res = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/lead/publish' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().warnings).toEqual([]);
  });

  const SUPPORT = readFileSync(new URL('../../../examples/support.yaml', import.meta.url), 'utf8');
  const publishSupport = async (s: TestServer, text: string) => {
    const saved = await upload(s, 'support', text);
    expect(saved.statusCode, saved.body).toBeLessThan(300);
    return s.admin({ method: 'POST', url: '/api/v1/admin/bots/support/publish' });
  };

  it('refuses a department and a status the built-in store does not have, naming the block and the field; nothing is published', async () => {
    const s = await testServer();
    const text = SUPPORT.replace('department: Support', 'department: Suport').replace('status: Open', 'status: Pending');
    const refused = await publishSupport(s, text);
    expect(refused.statusCode).toBe(422);
    const body = refused.json();
    expect(body.error.code).toBe('unknown_service_value');
    // Each names the line of its value in the file, as a refused upload's problems do.
    expect(body.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'service_value_unknown',
        block: 'open_ticket',
        field: 'status',
        line: lineOf(text, 'status: Pending'),
      }),
      expect.objectContaining({
        severity: 'error',
        code: 'service_value_unknown',
        block: 'open_ticket',
        field: 'department',
        line: lineOf(text, 'department: Suport'),
      }),
    ]);
    expect(body.problems[1].message).toBe('"Suport" is not a value the helpdesk service (builtin) has. Did you mean "Support"? It offers "Support"');
    expect(body.problems[0].message).toMatch(/^"Pending" is not a value .* It offers "Open", "On Hold", "Closed"$/);
    // In the admin's language when asked.
    const ja = (await s.admin({ method: 'POST', url: '/api/v1/admin/bots/support/publish?locale=ja' })).json();
    expect(ja.problems[1].message).toBe('"Suport" は helpdesk のサービス (builtin) にない値です（"Support" のことですか?）。使える値: "Support"');
    const versions = (await s.admin({ method: 'GET', url: '/api/v1/admin/bots/support/versions' })).json().items;
    expect(versions.map((v: { published: boolean }) => v.published)).toEqual([false]);

    // A JSON upload is pointed into the same way: the line of the value in the JSON text.
    const json = JSON.stringify(parseYaml(text), null, 2);
    expect((await upload(s, 'support', json, { 'content-type': 'application/json' })).statusCode).toBe(200);
    const fromJson = (await s.admin({ method: 'POST', url: '/api/v1/admin/bots/support/publish' })).json();
    expect(fromJson.problems.map((p: { field: string; line: number }) => [p.field, p.line])).toEqual([
      ['status', lineOf(json, '"status": "Pending"')],
      ['department', lineOf(json, '"department": "Suport"')],
    ]);

    // A department added to the directory (by name, or named by its id) is one the store has.
    const added = (await s.admin({ method: 'POST', url: '/api/v1/admin/records/departments', payload: { name: 'Billing' } })).json();
    const ok = await publishSupport(s, SUPPORT.replace('department: Support', `department: ${added.id}`));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ botId: 'support', version: 3, warnings: [] });
    // A merge field is left to the block's run: the example's priority is %priority%.
  });

  it('checks a rollback as it checks a publish: a version the service would refuse is not published again', async () => {
    const s = await testServer();
    // Version 1 was refused at publish; version 2, fixed, is published.
    const bad = SUPPORT.replace('department: Support', 'department: Suport');
    expect((await publishSupport(s, bad)).statusCode).toBe(422);
    expect((await publishSupport(s, SUPPORT)).statusCode).toBe(200);

    const back = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/support/rollback?locale=ja', payload: { version: 1 } });
    expect(back.statusCode).toBe(422);
    expect(back.json().error.code).toBe('unknown_service_value');
    expect(back.json().problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'service_value_unknown',
        block: 'open_ticket',
        field: 'department',
        line: lineOf(bad, 'department: Suport'),
        message: '"Suport" は helpdesk のサービス (builtin) にない値です（"Support" のことですか?）。使える値: "Support"',
      }),
    ]);
    const versions = (await s.admin({ url: '/api/v1/admin/bots/support/versions' })).json().items;
    expect(versions.map((v: { version: number; published: boolean }) => [v.version, v.published])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect((await s.admin({ url: '/api/v1/admin/bots/support/source' })).headers['x-renkei-bot-version']).toBe('2');

    // Once the directory has the department, the same rollback goes through.
    await s.admin({ method: 'POST', url: '/api/v1/admin/records/departments', payload: { name: 'Suport' } });
    const now = await s.admin({ method: 'POST', url: '/api/v1/admin/bots/support/rollback', payload: { version: 1 } });
    expect(now.statusCode, now.body).toBe(200);
    expect(now.json()).toEqual({ botId: 'support', version: 1, warnings: [] });
    // Not earlier than the published version: refused as before, without asking the service.
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/bots/support/rollback', payload: { version: 2 } })).statusCode).toBe(400);
  });

  it('refuses a value the Zoho account does not have (a disabled department, a status the portal lacks), and warns when Zoho cannot be reached', async () => {
    const fake = await startFakeZoho();
    try {
      // Time moves only when waited on: Zoho unreachable gives up at the deadline without waiting out the backoff.
      const s = await testServer({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1' }, clock: steppedClock() });
      const settings = { dc: 'com', clientId: fake.client.clientId, accountsUrl: fake.url, apiUrl: fake.url, orgId: fake.orgId };
      const secrets = { clientSecret: fake.client.clientSecret, refreshToken: fake.client.refreshToken };
      expect((await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/helpdesk', payload: { provider: 'zoho', settings, secrets } })).statusCode).toBe(
        200,
      );

      // Seeded: Support and Sales enabled, Legacy disabled; the portal's statuses include Escalated.
      const refused = await publishSupport(s, SUPPORT.replace('department: Support', 'department: Legacy').replace('status: Open', 'status: Reopened'));
      expect(refused.statusCode).toBe(422);
      expect(refused.json().problems.map((p: { block: string; field: string }) => `${p.block}.${p.field}`)).toEqual([
        'open_ticket.status',
        'open_ticket.department',
      ]);
      expect(refused.json().problems[1].message).toBe('"Legacy" is not a value the helpdesk service (zoho) has. It offers "Support", "Sales"');

      const ok = await publishSupport(s, SUPPORT.replace('department: Support', 'department: sales').replace('status: Open', 'status: Escalated'));
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().warnings).toEqual([]);

      // Zoho unreachable (nothing listens on port 9 of the loopback): published, with a warning per unchecked value.
      const down = { ...settings, accountsUrl: 'http://127.0.0.1:9', apiUrl: 'http://127.0.0.1:9' };
      expect(
        (await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/helpdesk', payload: { provider: 'zoho', settings: down, secrets } })).statusCode,
      ).toBe(200);
      const warned = await publishSupport(s, SUPPORT.replace('department: Support', 'department: Legacy'));
      expect(warned.statusCode, warned.body).toBe(200);
      expect(warned.json().version).toBe(3);
      expect(warned.json().warnings).toEqual(
        ['status', 'classification', 'department'].map((field) =>
          expect.objectContaining({
            severity: 'warning',
            code: 'service_values_unavailable',
            block: 'open_ticket',
            field,
            message: expect.stringMatching(/could not be asked .*published anyway/),
          }),
        ),
      );
    } finally {
      await fake.close();
    }
  });
});
