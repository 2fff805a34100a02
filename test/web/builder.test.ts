import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';
import type { RunningServer } from '../helpers/server.ts';

const XSS = '<img src=x onerror=alert(1)>';
const SCREENSHOTS = process.env['RENKEI_SCREENSHOTS'] === '1';
const BOT = 'support-ja';

describe('the admin app: building, publishing and previewing a bot by clicking', () => {
  let admin: AdminBrowser;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    // The Zoho form below points at 127.0.0.1, which the admin API allows only with custom service URLs.
    admin = await startAdminBrowser({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1' }, widget: true });
    ({ server, browser } = admin);
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
  });

  /** A signed-in admin page; its dialogs are kept and dismissed, but for as many as `acceptNext` was called for. */
  async function adminPage(): Promise<{ page: Page; dialogs: string[]; acceptNext: () => void }> {
    const dialogs: string[] = [];
    let accepting = 0;
    const page = await admin.signIn({
      prepare: (_context, page) =>
        void page.on('dialog', (dialog) => {
          dialogs.push(dialog.message());
          if (accepting > 0) {
            accepting -= 1;
            void dialog.accept();
          } else {
            void dialog.dismiss();
          }
        }),
    });
    return {
      page,
      dialogs,
      acceptNext: () => {
        accepting += 1;
      },
    };
  }

  const inspector = (page: Page): Locator => page.getByRole('complementary', { name: 'Block settings' });
  const node = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

  async function add(page: Page, type: string, id: string): Promise<Locator> {
    await page.locator(`.palette button[data-type="${type}"]`).click();
    await node(page, id).waitFor();
    await expect.poll(() => inspector(page).locator('#block-id').inputValue()).toBe(id);
    return inspector(page);
  }

  async function wire(page: Page, from: string, port: string, to: string): Promise<void> {
    await node(page, from).locator('.block-title').click();
    await expect.poll(() => inspector(page).locator('#block-id').inputValue()).toBe(from);
    await inspector(page).locator(`select[id="port-${port}"]`).selectOption(to);
  }

  it('builds the Japanese support-ticket bot from an empty canvas, publishes it, chats through the widget and finds the ticket', async () => {
    const { page, dialogs } = await adminPage();

    // The language switch changes every label and is remembered.
    await page.getByRole('banner').getByLabel('Language', { exact: true }).selectOption('ja');
    await page.getByRole('heading', { level: 1, name: 'ボット' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'ボット' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    await page.getByRole('banner').getByLabel('言語', { exact: true }).selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Bots' }).waitFor();

    await page.locator('input[name="bot-id"]').fill(BOT);
    await page.locator('input[name="bot-name"]').fill('サポート窓口');
    await page.locator('select[name="bot-locale"]').selectOption('ja');
    await page.getByRole('button', { name: 'Create and open the builder' }).click();
    await page.getByRole('toolbar', { name: 'Builder actions' }).waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(0);

    // The palette groups the blocks; integrations say which provider runs them.
    const palette = page.getByRole('navigation', { name: 'Blocks' });
    expect(await palette.getByRole('heading').allTextContents()).toEqual(['Messages', 'Inputs', 'Logic', 'Integrations']);
    expect(await palette.locator('button[data-type="helpdesk.ticket"]').textContent()).toBe('Associate ticketthe built-in store');

    let form = await add(page, 'message', 'message_1');
    await form.getByLabel('Text', { exact: true }).fill('こんにちは！ご用件を伺います。');
    // An unconnected block is an error on the node and at the field at fault.
    await expect.poll(() => node(page, 'message_1').locator('.block-errors').textContent()).toBe('1 error');

    form = await add(page, 'ask', 'ask_1');
    await form.getByLabel('Answer kind', { exact: true }).selectOption('name');
    await form.getByLabel('Question', { exact: true }).fill('お名前を教えてください。');
    await form.getByLabel('Save to variable', { exact: true }).fill('visitor.name');

    form = await add(page, 'ask', 'ask_2');
    await form.getByLabel('Answer kind', { exact: true }).selectOption('email');
    await form.getByLabel('Question', { exact: true }).fill('メールアドレスをお願いします。');
    await form.getByLabel('Save to variable', { exact: true }).fill('visitor.email');

    form = await add(page, 'choice', 'choice_1');
    await form.getByLabel('Question', { exact: true }).fill('優先度を選んでください。');
    await form.getByLabel('Save to variable', { exact: true }).fill('priority');
    for (const [label, value] of [
      ['低', 'Low'],
      ['中', 'Medium'],
      ['高', 'High'],
    ] as const) {
      await form.getByRole('button', { name: 'Add to Options' }).click();
      await form.getByLabel('Label', { exact: true }).last().fill(label);
      await form.getByLabel('Value', { exact: true }).last().fill(value);
    }
    // One handle per option on the node.
    await expect.poll(() => node(page, 'choice_1').locator('.port').allTextContents()).toEqual(['低', '中', '高', 'Invalid answer']);

    form = await add(page, 'helpdesk.ticket', 'helpdesk_ticket_1');
    // Advanced error handling adds the department_invalid handle to the node.
    expect(await node(page, 'helpdesk_ticket_1').locator('.port').allTextContents()).toEqual(['Success', 'Failure']);
    await form.getByLabel('Department invalid', { exact: true }).check();
    await expect.poll(() => node(page, 'helpdesk_ticket_1').locator('.port').allTextContents()).toEqual(['Success', 'Failure', 'Department invalid']);
    await form.getByLabel('Choose Status', { exact: true }).selectOption('Open');
    await form.getByLabel('Choose Classification', { exact: true }).selectOption('Question');
    // Departments come from the configured (built-in) helpdesk.
    await form.getByLabel('Choose Department', { exact: true }).selectOption('Support');
    expect(await form.getByRole('textbox', { name: 'Department' }).inputValue()).toBe('Support');
    await form.getByRole('button', { name: '+ save' }).click();
    await form.getByLabel('Number', { exact: true }).fill('ticket_number');

    form = await add(page, 'end', 'end_1');
    await form.getByRole('button', { name: '+ Text' }).count(); // text is optional: a plain field
    await form.getByLabel('Text', { exact: true }).fill('問い合わせ番号は %ticket_number% です。');
    form = await add(page, 'handoff', 'handoff_1');
    await form.getByLabel('Reason', { exact: true }).fill('ticket_failed');
    await form.getByLabel('Text', { exact: true }).fill('担当者におつなぎします。');
    form = await add(page, 'end', 'end_2');
    await form.getByLabel('Text', { exact: true }).fill('部門が見つかりません。担当者におつなぎします。');

    // The first connection by dragging from the port's handle, the rest with the form.
    await node(page, 'message_1').locator('.react-flow__handle[data-handleid="next"]').dragTo(node(page, 'ask_1').locator('.react-flow__handle.target'));
    await expect.poll(() => page.locator('.react-flow__edge[data-id="message_1:next"]').count()).toBe(1);
    await wire(page, 'ask_1', 'next', 'ask_2');
    await wire(page, 'ask_2', 'next', 'choice_1');
    for (const i of [0, 1, 2]) await wire(page, 'choice_1', `options.${i}.next`, 'helpdesk_ticket_1');
    await wire(page, 'helpdesk_ticket_1', 'ports.success', 'end_1');
    await wire(page, 'helpdesk_ticket_1', 'ports.failure', 'handoff_1');
    await wire(page, 'helpdesk_ticket_1', 'ports.department_invalid', 'end_2');

    // The merge-field picker offers what is set on the way here: the choice's variable too.
    form = inspector(page);
    const subject = form.getByLabel('Subject', { exact: true });
    await subject.fill('チャットからの問い合わせ: ');
    const picker = form.getByLabel('Insert a merge field into Subject', { exact: true });
    expect(await picker.locator('option').allTextContents()).toEqual([
      'Insert merge field…',
      '%visitor.name%',
      '%visitor.email%',
      '%visitor.phone%',
      '%visitor.company%',
      '%priority%',
      // Saved by this block itself: listed, and marked as not set on the way here.
      '%ticket_number% (not set on every path)',
    ]);
    await picker.selectOption('visitor.name');
    expect(await subject.inputValue()).toBe('チャットからの問い合わせ: %visitor.name%');
    await form.getByLabel('Description', { exact: true }).fill('%visitor.email% から');
    await form.getByRole('textbox', { name: 'Priority' }).fill('%priority%');

    await expect.poll(() => page.locator('.problem-count').getAttribute('data-errors')).toBe('0');
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Published version 1.');

    // A page embedding the widget with one script tag.
    const site = await (await browser.newContext({ viewport: { width: 1000, height: 800 } })).newPage();
    site.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await site.goto(`${server.url}/demo?bot=${BOT}`);
    await site.getByRole('button', { name: /Open chat|チャットを開く/ }).click();
    const log = site.getByRole('log');
    await expect.poll(() => log.textContent()).toContain('お名前を教えてください。');
    const answer = site.getByRole('textbox', { name: '回答' });
    await answer.fill(XSS);
    await answer.press('Enter');
    await expect.poll(() => log.textContent()).toContain('メールアドレスをお願いします。');
    await answer.fill('hanako@example.com');
    await answer.press('Enter');
    await expect.poll(() => log.textContent()).toContain('優先度を選んでください。');
    await site.getByRole('button', { name: '高', exact: true }).click();
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toMatch(/問い合わせ番号は \S+ です。/);
    const number = /問い合わせ番号は (\S+) です。/.exec((await log.textContent()) ?? '')![1]!;

    // The ticket is on the records page.
    await page.getByRole('link', { name: 'Records' }).click();
    await page.getByRole('tab', { name: 'Tickets' }).click();
    const row = page.locator('table.records tbody tr', { hasText: `チャットからの問い合わせ: ${XSS}` });
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells).toContain(number);
    expect(cells).toContain('High');
    expect(cells).toContain('Support');
    await page.getByRole('searchbox', { name: 'Search' }).fill('hanako');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.locator('.pager span').textContent()).toBe('1–1 of 1');
    if (SCREENSHOTS) {
      mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'docs/screenshots/records.png') });
    }

    // The transcript shows the visitor's HTML as text, with the ticket call in the execution log.
    await page.getByRole('link', { name: 'Conversations' }).click();
    await page.locator('.conversations tbody tr', { hasText: BOT }).first().getByRole('link').click();
    const transcript = page.getByRole('list', { name: 'Transcript' });
    await expect.poll(() => transcript.locator('.from-visitor').allTextContents()).toEqual([XSS, 'hanako@example.com', '高']);
    expect(await transcript.locator('img').count()).toBe(0);
    await expect
      .poll(() => page.locator('.execution-log tbody td').allTextContents())
      .toEqual(expect.arrayContaining(['helpdesk_ticket_1', 'Associate ticket', 'the built-in store', 'Success']));

    // Analytics: one conversation took the ticket block's success port.
    await page.goto(`${server.url}/admin/bots/${BOT}/analytics`);
    await expect
      .poll(() => page.locator('tbody tr').first().locator('td').allTextContents())
      .toEqual(['helpdesk_ticket_1 (Associate ticket)', 'Success', '1', '']);

    // The preview forced to department_invalid takes that branch, and the canvas shows the path.
    await page.goto(`${server.url}/admin/bots/${BOT}`);
    await node(page, 'helpdesk_ticket_1').waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByLabel('Outcome of helpdesk_ticket_1', { exact: true }).selectOption('department_invalid');
    await preview.getByRole('button', { name: 'Start preview' }).click();
    await expect.poll(() => preview.locator('.line-bot').allTextContents()).toEqual(['こんにちは！ご用件を伺います。', 'お名前を教えてください。']);
    await preview.getByLabel('Your reply', { exact: true }).fill('花子');
    await preview.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => preview.locator('.line-bot').last().textContent()).toBe('メールアドレスをお願いします。');
    await preview.getByLabel('Your reply', { exact: true }).fill('hanako@example.com');
    await preview.getByRole('button', { name: 'Send' }).click();
    await preview.getByRole('button', { name: '中' }).click();
    await expect.poll(() => preview.locator('.line-bot').last().textContent()).toBe('部門が見つかりません。担当者におつなぎします。');
    expect(await preview.locator('.line-trace').first().textContent()).toBe('helpdesk_ticket_1: Department invalid → Department invalid (simulated)');
    const onPath = await page.locator('.block-node[data-on-path="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-block')));
    expect(onPath.sort()).toEqual(['ask_1', 'ask_2', 'choice_1', 'end_2', 'helpdesk_ticket_1', 'message_1']);
    expect(await page.locator('.react-flow__edge.on-path').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toContain(
      'helpdesk_ticket_1:ports.department_invalid',
    );
    if (SCREENSHOTS) await page.screenshot({ path: join(ROOT, 'docs/screenshots/builder.png') });

    expect(dialogs).toEqual([]);
  }, 120_000);

  it('edits an imported bot: auto-layout, delete, undo and redo, server-side problems, export, versions and roll-back', async () => {
    const { page, dialogs } = await adminPage();
    await page.goto(`${server.url}/admin/bots/imported`);
    await page.getByRole('toolbar', { name: 'Builder actions' }).waitFor();
    const source = readFileSync(join(ROOT, 'examples/support.yaml'), 'utf8');
    await page.getByTestId('import-file').setInputFiles({ name: 'support.yaml', mimeType: 'application/yaml', buffer: Buffer.from(source) });
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(Object.keys((parse(source) as { blocks: object }).blocks).length);
    // Laid out automatically: no two blocks at the same place.
    const places = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => (e as HTMLElement).style.transform));
    expect(new Set(places).size).toBe(places.length);
    expect(await page.locator('.problem-count').getAttribute('data-errors')).toBe('0');

    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Saved as draft version 1.');

    // Export: the file as imported (under this bot's id), plus positions.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export YAML' }).click()]);
    const exported = parse(readFileSync((await download.path())!, 'utf8')) as { id: string; blocks: Record<string, { position?: unknown }> };
    expect(Object.values(exported.blocks).every((b) => b.position !== undefined)).toBe(true);
    for (const b of Object.values(exported.blocks)) delete b.position;
    expect(exported).toEqual({ ...(parse(source) as object), id: 'imported' });

    // Delete a block with the keyboard; its neighbour's connection is now an error on the node and field.
    await node(page, 'done').locator('.block-title').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => node(page, 'done').count()).toBe(0);
    await expect.poll(() => page.locator('.problem-count').getAttribute('data-errors')).not.toBe('0');
    await page.getByRole('button', { name: 'Undo' }).focus();
    await page.keyboard.press('Control+z');
    await expect.poll(() => node(page, 'done').count()).toBe(1);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => node(page, 'done').count()).toBe(0);
    const ticketId = Object.entries(exported.blocks).find(([, b]) => (b as { type?: string }).type === 'helpdesk.ticket')![0];
    await expect.poll(() => node(page, ticketId).locator('.block-errors').textContent()).toBe('1 error');

    // The server refuses the broken draft with the same problem; nothing is saved.
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('nothing was saved (invalid_bot)');
    await node(page, ticketId).locator('.block-title').click();
    expect(await inspector(page).locator('.field.invalid select[id="port-ports.success"]').count()).toBe(1);

    // Undo it all, save again, publish, and roll back to version 1.
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => node(page, 'done').count()).toBe(1);
    await node(page, 'hello').locator('.block-title').click();
    await inspector(page).getByLabel('Text', { exact: true }).fill('いらっしゃいませ。');
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Published version 2.');
    await page.getByRole('button', { name: 'Versions' }).click();
    const versions = page.getByRole('region', { name: 'Versions' });
    await expect.poll(() => versions.getByRole('listitem').count()).toBe(2);
    await versions.getByRole('listitem').filter({ hasText: 'v1' }).getByRole('button', { name: 'Roll back to this' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Version 1 is published again.');
    await node(page, 'hello').locator('.block-title').click();
    await expect.poll(() => inspector(page).getByLabel('Text', { exact: true }).inputValue()).toBe('こんにちは！ご用件を伺います。');
    const bots = (await (await fetch(`${server.url}/api/v1/admin/bots`, { headers: { authorization: `Bearer ${server.adminToken}` } })).json()) as {
      items: { id: string; publishedVersion: number }[];
    };
    expect(bots.items.find((b) => b.id === 'imported')?.publishedVersion).toBe(1);
    expect(dialogs).toEqual([]);
  }, 120_000);

  it("shows a refused publish's problem at the block's field, with its line in the saved file", async () => {
    const admin = { authorization: `Bearer ${server.adminToken}` };
    const bad = readFileSync(join(ROOT, 'examples/support.yaml'), 'utf8')
      .replace('id: support', 'id: publish-refused')
      .replace('department: Support', 'department: Suport');
    const saved = await fetch(`${server.url}/api/v1/admin/bots/publish-refused`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/yaml' },
      body: bad,
    });
    expect(saved.status, await saved.text()).toBe(201);

    const { page, dialogs } = await adminPage();
    await page.goto(`${server.url}/admin/bots/publish-refused`);
    await node(page, 'open_ticket').waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('nothing was published');
    // The builder saved its own YAML as version 2 before publishing: the line is in that file.
    const source = await (await fetch(`${server.url}/api/v1/admin/bots/publish-refused/source?version=2`, { headers: admin })).text();
    const line = source.split('\n').findIndex((l) => l.includes('department: Suport')) + 1;
    expect(line).toBeGreaterThan(0);
    await node(page, 'open_ticket').locator('.block-title').click();
    await expect
      .poll(() => inspector(page).locator('.field-problems').allTextContents())
      .toContain(`line ${line}: "Suport" is not a value the helpdesk service (builtin) has. Did you mean "Support"? It offers "Support"`);
    expect(dialogs).toEqual([]);
  }, 60_000);

  it('lists what a refused rollback would publish by line, block and field, and publishes nothing', async () => {
    const admin = { authorization: `Bearer ${server.adminToken}` };
    const support = readFileSync(join(ROOT, 'examples/support.yaml'), 'utf8').replace('id: support', 'id: rollback-refused');
    const bad = support.replace('department: Support', 'department: Suport');
    for (const text of [bad, support]) {
      const saved = await fetch(`${server.url}/api/v1/admin/bots/rollback-refused`, {
        method: 'PUT',
        headers: { ...admin, 'content-type': 'application/yaml' },
        body: text,
      });
      expect(saved.status, await saved.text()).toBeLessThan(300);
    }
    const published = await fetch(`${server.url}/api/v1/admin/bots/rollback-refused/publish`, { method: 'POST', headers: admin });
    expect(published.status, await published.text()).toBe(200);

    const { page, dialogs } = await adminPage();
    await page.goto(`${server.url}/admin/bots/rollback-refused`);
    await page.getByRole('button', { name: 'Versions' }).click();
    const versions = page.getByRole('region', { name: 'Versions' });
    await versions.getByRole('listitem').filter({ hasText: 'v1' }).getByRole('button', { name: 'Roll back to this' }).click();
    const line = bad.split('\n').findIndex((l) => l.includes('department: Suport')) + 1;
    const refused = versions.getByRole('alert');
    await expect.poll(() => refused.textContent()).toContain('nothing was published');
    expect(await refused.getByRole('listitem').allTextContents()).toEqual([
      `line ${line} block open_ticket department "Suport" is not a value the helpdesk service (builtin) has. Did you mean "Support"? It offers "Support"`,
    ]);
    const bots = (await (await fetch(`${server.url}/api/v1/admin/bots`, { headers: admin })).json()) as { items: { id: string; publishedVersion: number }[] };
    expect(bots.items.find((b) => b.id === 'rollback-refused')?.publishedVersion).toBe(2);
    expect(dialogs).toEqual([]);
  }, 60_000);

  it('sets up Zoho with write-only secrets, tests it, disables it, disconnects it, exports records as CSV and grows the directory', async () => {
    const { page, dialogs, acceptNext } = await adminPage();
    await page.getByRole('link', { name: 'Integrations' }).click();
    const crm = page.getByRole('region', { name: 'CRM' });
    await crm.getByRole('button', { name: 'Set up Zoho' }).click();
    await crm.getByLabel('Client ID').fill('1000.ABC');
    // Nothing may leave 127.0.0.1: the accounts server is a closed local port.
    await crm.getByLabel('Accounts URL (optional)').fill('http://127.0.0.1:9');
    await crm.getByLabel('API URL (optional)').fill('http://127.0.0.1:9');
    await crm.getByLabel('Client secret').fill('s3cret-value');
    await crm.getByLabel('Refresh token').fill('1000.refresh');
    await crm.getByRole('button', { name: 'Save Zoho settings' }).click();
    await expect.poll(() => crm.locator('dd').first().textContent()).toBe('Zoho');
    expect(await page.content()).not.toContain('s3cret-value');
    await crm.getByRole('button', { name: 'Set up Zoho' }).click();
    expect(await crm.getByLabel('Client secret').inputValue()).toBe('');
    expect(await crm.getByLabel('Client secret').getAttribute('placeholder')).toBe('kept — type to replace');
    await crm.getByRole('button', { name: 'Set up Zoho' }).click();

    await crm.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => crm.getByRole('status').textContent(), { timeout: 20_000 })
      .toMatch(/^The service could not be reached; try again later\. \(.*accounts server/);
    await expect.poll(() => crm.locator('dd').nth(3).textContent()).not.toBe('—');
    await crm.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => crm.locator('dd').nth(1).textContent()).toContain('Disabled');
    await crm.getByRole('button', { name: 'Enable' }).click();
    // Disconnecting asks first: dismissed, nothing changes; accepted, the role is back on the built-in store.
    await crm.getByRole('button', { name: 'Disconnect (use the built-in store)' }).click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toMatch(/^Disconnect Zoho\? Its settings and credentials are erased/);
    expect(await crm.locator('dd').first().textContent()).toBe('Zoho');
    acceptNext();
    await crm.getByRole('button', { name: 'Disconnect (use the built-in store)' }).click();
    await expect.poll(() => crm.locator('dd').first().textContent()).toBe('the built-in store');

    await page.getByRole('link', { name: 'Directory' }).click();
    const departments = page.getByRole('region', { name: 'Departments' });
    await departments.getByLabel('Name').fill('営業');
    await departments.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => departments.getByRole('listitem').allTextContents()).toContain('営業');
    await departments.getByLabel('Name').fill('営業');
    await departments.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => departments.getByRole('alert').textContent()).toContain('already exists');
    const agents = page.getByRole('region', { name: 'Agents' });
    await agents.getByLabel('Name').fill('Hana');
    await agents.getByLabel('Email').fill('hana@example.com');
    await agents.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => agents.getByRole('listitem').allTextContents()).toContain('Hana <hana@example.com>');

    // The CSV of the tickets tab: the table's columns, one line per ticket.
    await page.getByRole('link', { name: 'Records' }).click();
    await page.getByRole('tab', { name: 'Tickets' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('id,number,subject,status,priority,classification,department,assignee,contact,createdAt');
    const shown = await page.locator('table.records tbody tr').count();
    expect(lines.length - 1).toBe(shown);
  }, 120_000);
});
