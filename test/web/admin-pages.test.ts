/// <reference lib="dom" />
// (for the callbacks given to page.evaluate: they run in the browser)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { seriousAxeViolations, startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';
import type { RunningServer } from '../helpers/server.ts';
import { reply, startConversation } from '../helpers/visitors.ts';

const SCREENSHOTS = process.env['RENKEI_SCREENSHOTS'] === '1';

/** An English ticket bot, for the screenshot only. */
const HELP_BOT = `renkei: 1
id: help
name: Help desk
locale: en
start: ask_name
blocks:
  ask_name: { type: ask, kind: name, prompt: "Your name?", save: visitor.name, next: ask_email }
  ask_email: { type: ask, kind: email, prompt: "Your email?", save: visitor.email, next: ask_issue }
  ask_issue: { type: ask, kind: text, prompt: "How can we help?", save: issue, next: open }
  open:
    type: helpdesk.ticket
    subject: "Billing question from %visitor.name%"
    description: "%issue%"
    priority: Medium
    classification: Problem
    save: { id: ticket_id }
    ports: { success: done, failure: done }
  done: { type: end, text: "Thank you." }
`;

/**
 * Words that must not reach a Japanese page: the outcome ports, the ask kinds, the conversation
 * statuses and the provider and block codes as the API sends them, matched as whole words (so
 * `visitor.email` in a merge field is not a hit, but a column saying `email` is), and zod's
 * English messages.
 */
const CODES = [
  'success',
  'failure',
  'integration_invalid',
  'already_exists',
  'department_invalid',
  'assignee_invalid',
  'no_agent',
  'invalid',
  'text',
  'name',
  'email',
  'phone',
  'number',
  'date',
  'url',
  'choice',
  'waiting_input',
  'waiting_effect',
  'working',
  'ended',
  'handoff',
  'builtin',
  'crm.lead',
  'crm.contact',
  'crm.deal',
  'helpdesk.ticket',
  'mailing.subscribe',
];
const ZOD = ['Too small', 'Too big', 'expected string', 'expected number', 'Invalid input', 'Invalid option', 'Invalid string', 'Unrecognized key', 'Required'];
const ENGLISH = new RegExp(`(?<![\\w.%-])(?:${CODES.map((c) => c.replace('.', '\\.')).join('|')})(?![\\w%-]|\\.\\w)|${ZOD.join('|')}`, 'g');

const STRICT_CSP =
  "default-src 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The builder speaks Japanese since issue 20 (ports, edges, providers and problems in the admin's
 * words), so its walk must pass; set to false only to mark a known regression (it.fails).
 */
const BUILDER_IN_JAPANESE = true;

/** Every admin page a Japanese admin walks through, with what to open on it so its parts show. */
interface Walk {
  readonly name: string;
  readonly path: (ids: Seeded) => string;
  /** Waits for the page's content and opens what is behind buttons. */
  readonly open: (page: Page) => Promise<void>;
}

interface Seeded {
  readonly ticketId: string;
  readonly leadId: string;
  readonly conversationId: string;
}

const heading = (page: Page) => page.locator('h1').first().waitFor();

const PAGES: readonly Walk[] = [
  { name: 'Bots', path: () => '/bots', open: async (page) => void (await page.locator('tbody tr').first().waitFor()) },
  {
    name: 'Records, every tab',
    path: () => '/records',
    open: async (page) => {
      // Each tab's table is read as it shows; the last one stays for the text check.
      for (const tab of ['見込み客', '連絡先', '商談', '購読者', 'チケット']) {
        await page.getByRole('tab', { name: tab }).click();
        await page.locator('.pager').waitFor();
      }
      await page.locator('table.records tbody tr').first().waitFor();
    },
  },
  {
    name: 'a ticket',
    path: (ids) => `/records/tickets/${ids.ticketId}`,
    open: async (page) => void (await page.getByRole('heading', { name: '変更履歴' }).waitFor()),
  },
  { name: 'a lead', path: (ids) => `/records/leads/${ids.leadId}`, open: async (page) => void (await page.getByRole('heading', { name: '作成元' }).waitFor()) },
  { name: 'Conversations', path: () => '/conversations', open: async (page) => void (await page.locator('tbody tr').first().waitFor()) },
  {
    name: 'a conversation',
    path: (ids) => `/conversations/${ids.conversationId}`,
    open: async (page) => void (await page.locator('.execution-log tbody tr').first().waitFor()),
  },
  { name: 'Analytics', path: () => '/bots/support/analytics', open: async (page) => void (await page.locator('tbody tr').first().waitFor()) },
  { name: 'Integrations', path: () => '/integrations', open: async (page) => void (await page.getByRole('region', { name: 'CRM' }).waitFor()) },
  {
    name: 'Directory',
    path: () => '/directory',
    open: async (page) => void (await page.getByRole('region', { name: '担当者' }).getByRole('listitem').first().waitFor()),
  },
  { name: 'Appearance', path: () => '/bots/support/appearance', open: async (page) => void (await page.getByRole('form', { name: '外観の設定' }).waitFor()) },
];

/** The builder with a block's form and the preview open. */
const BUILDER_PAGES: readonly Walk[] = [
  {
    name: 'the builder',
    path: () => '/bots/support',
    open: async (page) => {
      await page.locator('.react-flow__node[data-id="open_ticket"]').waitFor();
      await page.locator('.react-flow__node[data-id="open_ticket"] .block-title').click();
      await page.getByRole('button', { name: 'プレビュー' }).click();
      await page.getByRole('region', { name: 'プレビュー' }).getByRole('button', { name: 'プレビュー開始' }).click();
      await page.getByRole('region', { name: 'プレビュー' }).locator('.line-bot').first().waitFor();
    },
  },
];

/** What a person can read on the page: its text, the options of its lists, the placeholders, open shadow roots too. */
function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [];
    const walk = (root: Document | ShadowRoot): void => {
      const tops = root instanceof Document ? [root.body] : [...root.children];
      for (const el of tops) if (el instanceof HTMLElement) parts.push(el.innerText);
      root.querySelectorAll('option').forEach((o) => parts.push(o.label || o.text));
      root.querySelectorAll('[placeholder]').forEach((el) => parts.push(el.getAttribute('placeholder') ?? ''));
      root.querySelectorAll('*').forEach((el) => {
        if (el.shadowRoot) walk(el.shadowRoot);
      });
    };
    walk(document);
    return parts.join('\n');
  });
}

/** Each English word found, with a little of the text around it to find it by. */
function englishIn(text: string): string[] {
  return [...text.matchAll(ENGLISH)].map((m) => `"${m[0]}" in …${text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).replace(/\s+/g, ' ')}…`);
}

describe('the admin pages outside the builder', () => {
  let admin: AdminBrowser;
  let server: RunningServer;
  let browser: Browser;
  let seeded: Seeded;
  const api = (path: string, init?: RequestInit) => admin.api(path, init);

  /** A visitor through the Japanese support bot: a ticket in the built-in helpdesk. */
  async function ticketConversation(name: string, priority: string): Promise<{ conversationId: string; ticketId: string }> {
    const visitor = await startConversation(server.url, 'support');
    for (const text of [name, `${name.toLowerCase()}@example.com`, 'プリンターが動きません', priority]) await reply(server.url, visitor, text);
    const detail = (await (await api(`/conversations/${visitor.id}`)).json()) as { state: { vars: Record<string, string> } };
    return { conversationId: visitor.id, ticketId: detail.state.vars['ticket_id']! };
  }

  beforeAll(async () => {
    admin = await startAdminBrowser({ widget: true });
    ({ server, browser } = admin);
    await api('/records/agents', { method: 'POST', body: JSON.stringify({ email: 'hana@example.com', name: 'Hana' }) });
    await api('/records/agents', { method: 'POST', body: JSON.stringify({ email: 'gone@example.com', name: 'Gone', active: false }) });
    const first = await ticketConversation('Taro', 'High');
    await ticketConversation('Jiro', 'Low');
    const lead = await startConversation(server.url, 'lead');
    for (const text of ['Mei Tanaka', 'mei@example.com', '080-2222-3333', 'Initech']) await reply(server.url, lead, text);
    const leads = (await (await api('/records/leads')).json()) as { items: { id: string }[] };
    seeded = { ...first, leadId: leads.items[0]!.id };
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
  });

  /** A browser in the admin's language and time zone, signed in. */
  const signedIn = (locale: 'en-US' | 'ja-JP', timezoneId = 'UTC', cspViolations?: string[]): Promise<Page> =>
    admin.signIn({
      locale,
      timezoneId,
      viewport: { width: 1400, height: 900 },
      prepare: async (context, page) => {
        if (!cspViolations) return;
        // The admin app's policy (issue 12): nothing from elsewhere, no inline script or style.
        await context.route(`${server.url}/admin/**`, async (route) => {
          if (route.request().resourceType() !== 'document') return route.continue();
          const response = await route.fetch();
          await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': STRICT_CSP } });
        });
        page.on('console', (message) => message.text().includes('Content Security Policy') && cspViolations.push(message.text()));
      },
    });

  it("tells a wrong admin token, and an address locked out for a while, on the login form in the admin's language", async () => {
    const context = await browser.newContext({ locale: 'ja-JP' });
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/`);
    const token = page.getByLabel('管理トークン', { exact: true });
    await token.fill('not-the-token');
    await page.getByRole('button', { name: 'ログイン' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('管理トークンが違います。確かめてもう一度入力してください。');
    expect(await token.isVisible()).toBe(true);

    // Too many wrong tokens from one address: 429 with Retry-After (issue 12's limit).
    await page.route('**/api/v1/admin/bots', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '540' },
        body: JSON.stringify({ error: { code: 'too_many_failures', message: 'too many failed authentications from this address: try again in 540 s' } }),
      }),
    );
    await token.fill(server.adminToken);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('このアドレスから誤ったトークンが何度も送られました。9 分後にもう一度お試しください。');
    await page.unroute('**/api/v1/admin/bots');

    const en = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await en.goto(`${server.url}/admin/`);
    await en.getByLabel('Admin token', { exact: true }).fill('wrong');
    await en.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => en.getByRole('alert').textContent()).toBe('That is not the admin token. Check it and try again.');
    await context.close();
    await en.context().close();
  }, 60_000);

  it("opens a ticket from the records list, shows every field and its conversation in the admin's time zone, and changes its status and assignee", async () => {
    const page = await signedIn('ja-JP', 'Asia/Tokyo');
    await page.getByRole('link', { name: 'レコード' }).click();
    const row = page.locator('table.records tbody tr', { hasText: 'チャットからの問い合わせ: Taro' });
    // Times are the admin's: Japanese format, Tokyo time, never the raw UTC string.
    const created = row.locator('time');
    const iso = (await created.getAttribute('datetime'))!;
    const shown = (await created.textContent())!;
    expect(shown).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2}$/);
    expect(Number(shown.split(' ')[1]!.split(':')[0])).toBe((new Date(iso).getUTCHours() + 9) % 24);
    expect(await page.locator('table.records').textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T/);

    await row.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: /^チケット #\d+: チャットからの問い合わせ: Taro$/ }).waitFor();
    const fields = page.getByRole('region', { name: '項目' });
    const field = (label: string) => fields.locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('+ dd');
    expect(await field('件名').textContent()).toBe('チャットからの問い合わせ: Taro');
    expect(await field('説明').textContent()).toBe('プリンターが動きません（taro@example.com から）');
    expect(await field('優先度').textContent()).toBe('High');
    expect(await field('部門').textContent()).toBe('Support');
    expect(await field('連絡先').textContent()).toBe('Taro · taro@example.com');
    expect(await field('ボット').textContent()).toBe('support');
    expect(await field('作成日時').textContent()).toBe(shown);
    const origin = page.getByRole('region', { name: '作成元' });
    expect(await origin.textContent()).toContain('support（バージョン 1）との会話で作成');
    expect(await origin.textContent()).toContain('外部サービスには登録されていないため、リンクはありません。');

    // Status and assignee: the helpdesk's statuses, the active agents only.
    const form = page.getByRole('region', { name: 'ステータスと担当者' });
    expect(await form.getByLabel('ステータス').locator('option').allTextContents()).toEqual(['Open', 'On Hold', 'Closed']);
    expect(await form.getByLabel('担当者').locator('option').allTextContents()).toEqual(['— なし —', 'Hana <hana@example.com>']);
    await form.getByLabel('ステータス').selectOption('On Hold');
    await form.getByLabel('担当者').selectOption('hana@example.com');
    await form.getByRole('button', { name: '変更を保存' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('保存しました。');
    const history = form.getByRole('list', { name: '変更履歴' });
    await expect.poll(() => history.getByRole('listitem').count()).toBe(2);
    const lines = await history.getByRole('listitem').allTextContents();
    expect(lines[0]).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2} — ステータス: Open → On Hold$/);
    expect(lines[1]).toMatch(/ — 担当者: なし → hana@example.com$/);
    await expect.poll(() => field('ステータス').textContent()).toBe('On Hold');
    expect(await field('担当者').textContent()).toBe('hana@example.com');
    const saved = (await (await api(`/records/tickets/${seeded.ticketId}`)).json()) as { record: { status: string; assignee: string } };
    expect(saved.record).toMatchObject({ status: 'On Hold', assignee: 'hana@example.com' });

    // Saving what is already there is said, not sent.
    await form.getByRole('button', { name: '変更を保存' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('変更はありません。チケットはすでにこの内容です。');
    // The agent is deactivated meanwhile: the server refuses, and the form says so in Japanese.
    await api('/records/agents', { method: 'POST', body: JSON.stringify({ email: 'ken@example.com', name: 'Ken' }) });
    await page.reload();
    await form.getByLabel('担当者').selectOption('ken@example.com');
    await page.route(`**/api/v1/admin/records/tickets/${seeded.ticketId}`, async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      // What the server answers when Ken was made inactive after the page loaded.
      return route.fulfill({
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: { code: 'assignee_invalid', message: 'body.assignee: the agent ken@example.com is inactive', field: 'assignee' } }),
      });
    });
    await form.getByRole('button', { name: '変更を保存' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('その担当者には割り当てられません（存在しないか、無効になっています）。');

    // The conversation that created it is one click away.
    await origin.getByRole('link', { name: '会話を開く' }).click();
    await expect
      .poll(() => page.getByRole('list', { name: '会話記録' }).locator('.from-visitor').allTextContents())
      .toEqual(['Taro', 'taro@example.com', 'プリンターが動きません', 'High']);
    await page.context().close();
  }, 90_000);

  it("filters tickets by status and by the admin's own days", async () => {
    await api(`/records/tickets/${seeded.ticketId}`, { method: 'PATCH', body: JSON.stringify({ status: 'Closed' }) });
    const page = await signedIn('en-US', 'Asia/Tokyo');
    await page.getByRole('link', { name: 'Records' }).click();
    const rows = page.locator('table.records tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const filters = page.getByRole('form', { name: 'Filters' });
    expect(await filters.getByLabel('Status').locator('option').allTextContents()).toEqual(['Any status', 'Open', 'On Hold', 'Closed']);
    await filters.getByLabel('Status').selectOption('Closed');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Taro');
    await filters.getByLabel('Status').selectOption('Open');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => rows.first().textContent()).toContain('Jiro');
    expect(await rows.count()).toBe(1);

    // Today in Tokyo holds both tickets; tomorrow none. The server got Tokyo's midnight.
    const today = await page.evaluate(() => new Date().toLocaleDateString('sv'));
    const requested: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/records/tickets?')) requested.push(new URL(r.url()).searchParams.get('from') ?? '');
    });
    await filters.getByLabel('Status').selectOption('');
    await filters.getByLabel('Created from').fill(today);
    await filters.getByLabel('Created until').fill(today);
    await filters.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('.pager span').textContent()).toBe('1–2 of 2');
    expect(requested.at(-1)).toMatch(/T15:00:00\.000Z$/);
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await filters.getByLabel('Created until').fill(tomorrow);
    await filters.getByLabel('Created from').fill(tomorrow);
    await filters.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('.pager span').textContent()).toBe('0–0 of 0');
    await filters.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    if (SCREENSHOTS) {
      // An English ticket: the machine that takes the screenshots may have no Japanese font.
      await api('/bots/help', { method: 'PUT', headers: { 'content-type': 'application/yaml' }, body: HELP_BOT });
      await api('/bots/help/publish', { method: 'POST', body: '{}' });
      const visitor = await startConversation(server.url, 'help');
      for (const text of ['Olivia Brown', 'olivia@example.com', 'The invoice shows the wrong address']) await reply(server.url, visitor, text);
      const ticketId = ((await (await api(`/conversations/${visitor.id}`)).json()) as { state: { vars: Record<string, string> } }).state.vars['ticket_id']!;
      await api(`/records/tickets/${ticketId}`, { method: 'PATCH', body: JSON.stringify({ status: 'On Hold', assignee: 'hana@example.com' }) });
      mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
      await page.goto(`${server.url}/admin/records/tickets/${ticketId}`);
      await page.getByRole('heading', { name: 'History' }).waitFor();
      await page.setViewportSize({ width: 1200, height: 600 });
      await page.screenshot({ path: join(ROOT, 'docs/screenshots/record.png') });
    }
    await page.context().close();
  }, 60_000);

  it('runs the preview simulated by default; a block calls the connected service only when chosen, with a warning naming it', async () => {
    const page = await signedIn('en-US');
    const tickets = async () => ((await (await api('/records/tickets')).json()) as { total: number }).total;
    const before = await tickets();
    await page.goto(`${server.url}/admin/bots/support`);
    await page.locator('.react-flow__node[data-id="open_ticket"]').waitFor();
    // A bot without problems says so in words, not as "0 errors".
    expect(await page.locator('.problem-count').textContent()).toBe('No problems');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    const outcome = preview.getByLabel('Outcome of open_ticket', { exact: true });
    expect(await outcome.locator('option:checked').textContent()).toBe('Simulate: Success');
    expect(await outcome.locator('option').allTextContents()).toEqual([
      'Simulate: Success',
      'Simulate: Failure',
      'Simulate: Integration invalid',
      'Simulate: Department invalid',
      'Simulate: Assignee invalid',
      'Real call (the built-in store)',
    ]);
    expect(await preview.getByRole('alert').count()).toBe(0);

    const run = async () => {
      await preview.getByRole('button', { name: /Start preview|Restart/ }).click();
      for (const answer of ['Hanako', 'hanako@example.com', 'Help']) {
        await preview.getByLabel('Your reply', { exact: true }).fill(answer);
        await preview.getByRole('button', { name: 'Send' }).click();
      }
      await preview.getByRole('button', { name: '高' }).click();
      await expect.poll(() => preview.locator('.line-bot').last().textContent()).toMatch(/^お問い合わせを受け付けました。問い合わせ番号は \S+ です。$/);
      return (await preview.locator('.line-trace').first().textContent())!;
    };
    expect(await run()).toBe('open_ticket: Success → Success (simulated)');
    expect(await tickets()).toBe(before);

    await outcome.selectOption({ label: 'Real call (the built-in store)' });
    expect(await preview.getByRole('alert').textContent()).toBe(
      'open_ticket calls the built-in store for real: each time the preview reaches it, a real record is created there.',
    );
    expect(await run()).toBe('open_ticket: Success → Success (real call)');
    expect(await tickets()).toBe(before + 1);
    await page.context().close();
  }, 90_000);

  it('shows no English code word or zod message on any Japanese page outside the builder, and each works under a strict CSP', async () => {
    const violations: string[] = [];
    const blocked: string[] = [];
    const page = await signedIn('ja-JP', 'UTC', violations);
    const found: string[] = [];
    for (const walk of PAGES) {
      await page.goto(`${server.url}/admin${walk.path(seeded)}`);
      await heading(page);
      await walk.open(page);
      found.push(...englishIn(await visibleText(page)).map((f) => `${walk.name}: ${f}`));
      blocked.push(...violations.splice(0).map((v) => `${walk.name}: ${v}`));
    }
    expect(found, found.join('\n')).toEqual([]);
    expect(blocked).toEqual([]);
    // A new bot speaks the admin's language unless they choose otherwise.
    await page.goto(`${server.url}/admin/bots`);
    expect(await page.locator('select[name="bot-locale"]').inputValue()).toBe('ja');
    await page.context().close();
  }, 90_000);

  (BUILDER_IN_JAPANESE ? it : it.fails)(
    'shows no English code word or zod message in the Japanese builder',
    async () => {
      const page = await signedIn('ja-JP');
      const found: string[] = [];
      for (const walk of BUILDER_PAGES) {
        await page.goto(`${server.url}/admin${walk.path(seeded)}`);
        await walk.open(page);
        found.push(...englishIn(await visibleText(page)).map((f) => `${walk.name}: ${f}`));
      }
      await page.context().close();
      expect(found, found.join('\n')).toEqual([]);
    },
    90_000,
  );

  it("shows the seed's words on the Japanese canvas: block types, outcome ports, the error section, a Japanese display name", async () => {
    const bot = `renkei: 1
id: words
name: 言葉
locale: ja
start: greet
blocks:
  greet: { type: message, name: 問い合わせ作成, text: "こんにちは", next: ticket }
  ticket:
    type: helpdesk.ticket
    subject: "問い合わせ"
    description: "%visitor.name%"
    ports: { success: lead, failure: done, integration_invalid: done, department_invalid: done, assignee_invalid: done }
  lead:
    type: crm.lead
    ports: { success: contact, failure: done, already_exists: done }
  contact: { type: crm.contact, ports: { success: deal, failure: done } }
  deal: { type: crm.deal, name: "商談", stage: Qualification, ports: { success: subscribe, failure: done } }
  subscribe: { type: mailing.subscribe, list: news, ports: { success: done, failure: done } }
  done: { type: end, text: "ありがとうございました。" }
`;
    const put = await api('/bots/words', { method: 'PUT', headers: { 'content-type': 'application/yaml' }, body: bot });
    expect(put.status, await put.text()).toBe(201);
    const page = await signedIn('ja-JP');
    await page.goto(`${server.url}/admin/bots/words`);
    const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
    await node('ticket').waitFor();
    const typeOf = (id: string) => node(id).locator('.block-type').textContent();
    expect({
      lead: await typeOf('lead'),
      contact: await typeOf('contact'),
      deal: await typeOf('deal'),
      ticket: await typeOf('ticket'),
      subscribe: await typeOf('subscribe'),
    }).toEqual({
      lead: '見込み客を関連付ける',
      contact: '連絡先を関連付ける',
      deal: '商談を関連付ける',
      ticket: '問い合わせを関連付ける',
      subscribe: '配信リストに追加する',
    });
    expect(await node('ticket').locator('.port').allTextContents()).toEqual(['成功', '失敗', '連携が無効', '部門が無効', '問い合わせの担当者が無効']);
    expect(await node('lead').locator('.port').allTextContents()).toEqual(['成功', '失敗', '既に存在します']);
    // A display name is any text; the canvas titles the block with it rather than its id.
    expect(await node('greet').locator('.block-title').textContent()).toBe('問い合わせ作成');
    await node('ticket').locator('.block-title').click();
    await expect.poll(() => page.locator('fieldset.advanced legend').textContent()).toBe('詳細なエラー対応');
    await page.context().close();
  }, 90_000);

  it('finds no serious or critical accessibility violation on the records, record and integrations pages', async () => {
    const page = await signedIn('en-US');
    const scans: Record<string, unknown> = {};
    for (const [name, path, ready] of [
      ['records', '/records', 'table.records tbody tr'],
      ['ticket', `/records/tickets/${seeded.ticketId}`, '.ticket-form select'],
      ['lead', `/records/leads/${seeded.leadId}`, '.record-page dl'],
      ['integrations', '/integrations', '.card dl'],
    ] as const) {
      await page.goto(`${server.url}/admin${path}`);
      await page.locator(ready).first().waitFor();
      scans[name] = await seriousAxeViolations(page);
    }
    expect(scans).toEqual({ records: [], ticket: [], lead: [], integrations: [] });
    await page.context().close();
  }, 90_000);
});
