/// <reference lib="dom" />
// (for the callbacks given to page.evaluate: they run in the browser)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTML_AS_PNG, solidPng } from '../../src/appearance/test-images.ts';
import { imageIdOf } from '../../src/store/images.ts';
import { ROOT } from '../helpers/cli.ts';
import { seriousAxeViolations, startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';
import type { RunningServer } from '../helpers/server.ts';

const SCREENSHOTS = process.env['RENKEI_SCREENSHOTS'] === '1';

describe("the admin's appearance page", () => {
  let admin: AdminBrowser;
  let server: RunningServer;

  beforeAll(async () => {
    admin = await startAdminBrowser({ widget: true });
    server = admin.server;
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
  });

  async function appearancePage(botId: string): Promise<Page> {
    const page = await admin.signIn({
      viewport: { width: 1400, height: 1000 },
      prepare: (context) => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url }),
    });
    await page
      .getByRole('row', { name: new RegExp(`^${botId} `) })
      .getByRole('link', { name: 'Appearance' })
      .click();
    await page.getByRole('heading', { level: 1, name: `Appearance: ${botId}` }).waitFor();
    return page;
  }

  /** The preview is the real widget view, in its own shadow root. */
  const preview = (page: Page, selector: string) => page.getByTestId('widget-preview').locator(selector);
  const source = async (botId: string): Promise<string> =>
    (
      await fetch(`${server.url}/api/v1/admin/bots/${botId}/source?version=${await latest(botId)}`, {
        headers: { authorization: `Bearer ${server.adminToken}` },
      })
    ).text();
  const latest = async (botId: string): Promise<number> =>
    (
      (await (await fetch(`${server.url}/api/v1/admin/bots/${botId}/versions`, { headers: { authorization: `Bearer ${server.adminToken}` } })).json()) as {
        items: { version: number }[];
      }
    ).items[0]!.version;

  it('previews every change live in English and Japanese, checks the contrast, uploads the avatar, and saves it into the bot file keeping its comments', async () => {
    const page = await appearancePage('support');
    const before = await latest('support');

    // The Japanese support bot: the preview speaks its language until told otherwise.
    await expect.poll(() => preview(page, '.send').textContent()).toBe('送信');
    await page.getByLabel('Preview language').selectOption('en');
    await expect.poll(() => preview(page, '.send').textContent()).toBe('Send');
    expect(await preview(page, '.msg.bot').first().textContent()).toContain('Hello! How can we help?');

    const accent = page.getByLabel('Accent colour (#rrggbb)');
    await accent.fill('#7a1fa2');
    await expect.poll(() => preview(page, '.header').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(122, 31, 162)');
    const check = page.getByRole('list', { name: 'Contrast check' });
    expect(await check.textContent()).toContain('Text on the accent (white): 8.');
    // A pale yellow: black text on it, and the warning the server would give, in the admin's language.
    await accent.fill('#ffe066');
    await expect.poll(() => check.textContent()).toContain('Text on the accent (black)');
    expect(await check.textContent()).toContain('links and option buttons use the text colour instead');
    await expect.poll(() => page.locator('.field-problems').first().textContent()).toContain('has a contrast of only 1.3:1');
    expect(
      await preview(page, '.choices button')
        .first()
        .evaluate((el) => getComputedStyle(el).color),
    ).toBe('rgb(31, 35, 40)');
    // Half-typed: the preview keeps the last colour it could draw, the form says what is wrong.
    await accent.fill('#12');
    await expect.poll(() => page.locator('.field-problems').first().textContent()).toContain('#rrggbb');
    expect(await page.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    await accent.fill('#7a1fa2');

    await page.getByLabel('Title (default: “Chat”)').fill('Acme help');
    await page.getByLabel('Subtitle').fill('We answer within minutes');
    await expect.poll(() => preview(page, '.title').textContent()).toBe('Acme help');
    await page.getByLabel('Dark').check();
    await expect.poll(() => preview(page, '.panel').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(22, 27, 34)');
    await page.getByLabel('Position').selectOption('left');
    await page.getByLabel('Greeting text (empty: no greeting)').fill('Questions about your order?');
    // Closing the preview shows the launcher and the greeting beside it, bottom left.
    await preview(page, '.close').click();
    await expect.poll(() => preview(page, '.greeting').isVisible()).toBe(true);
    const frame = (await page.getByTestId('widget-preview').boundingBox())!;
    expect((await preview(page, '.launcher').boundingBox())!.x - frame.x).toBeLessThan(30);
    await preview(page, '.launcher').click();

    // An HTML file named .png is refused by its content; a real image is stored and drawn.
    const upload = page.getByLabel('Upload an image (PNG, JPEG, GIF or WebP, at most 256 KiB)');
    await upload.setInputFiles({ name: 'avatar.png', mimeType: 'image/png', buffer: HTML_AS_PNG });
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not a PNG, JPEG, GIF or WebP');
    const png = solidPng('#f2a900', 48);
    await upload.setInputFiles({ name: 'avatar.png', mimeType: 'image/png', buffer: png });
    await expect.poll(() => preview(page, 'img.avatar').count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Current avatar' }).isVisible()).toBe(true);

    await page.getByLabel('Open the chat by itself (once per visit; on phones the greeting shows instead)').check();
    await page.getByLabel('Seconds on the page before it opens (default 0)').fill('20');
    await page.getByLabel('Only on pages whose path matches, one per line (* for any characters; empty: every page)').fill('/pricing*\n/help');

    if (SCREENSHOTS) {
      mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'docs/screenshots/appearance.png'), fullPage: true });
    }

    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved as draft version' }).textContent()).toBe(`Saved as draft version ${before + 1}.`);
    const saved = await source('support');
    // The rest of the file as it was, comments included; the look under `appearance:`.
    expect(saved).toContain('# assignee: agent@example.com   # optional');
    expect((parse(saved) as { appearance: unknown }).appearance).toEqual({
      theme: 'dark',
      accent: '#7a1fa2',
      title: 'Acme help',
      subtitle: 'We answer within minutes',
      avatar: imageIdOf(png),
      greeting: { text: 'Questions about your order?' },
      launcher: { position: 'left' },
      proactive: { delay: 20, paths: ['/pricing*', '/help'] },
    });
    // A draft: visitors still get the published look.
    expect(((await (await fetch(`${server.url}/api/v1/bots/support/widget`)).json()) as { appearance: { title: string | null } }).appearance.title).toBeNull();

    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Published version' }).textContent()).toBe(`Published version ${before + 1}.`);
    const chat = await page.context().newPage();
    await chat.goto(`${server.url}/chat/support`);
    await chat.getByRole('region', { name: 'Acme help' }).waitFor();
    await expect.poll(() => chat.locator('renkei-chat img.avatar').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(48);

    // The page in Japanese.
    await page.getByRole('banner').getByLabel('Language', { exact: true }).selectOption('ja');
    await page.getByRole('heading', { level: 1, name: '外観: support' }).waitFor();
    expect(await page.getByRole('button', { name: '下書きを保存' }).isVisible()).toBe(true);
    await page.getByRole('banner').getByLabel('言語', { exact: true }).selectOption('en');
  }, 120_000);

  it('shows the snippet of every embed mode with a working copy button', async () => {
    const page = await appearancePage('lead');
    const snippets = page.getByRole('region', { name: 'Put the chat on your site' });
    expect(await snippets.locator('pre').allTextContents()).toEqual([
      `<script src="${server.url}/widget.js" data-bot="lead" async></script>`,
      `<div id="renkei-chat" style="height: 560px"></div>\n<script src="${server.url}/widget.js" data-bot="lead" data-mode="inline" data-target="#renkei-chat" async></script>`,
      `${server.url}/chat/lead`,
    ]);
    await snippets.getByRole('button', { name: 'Copy: Inline: open inside an element of your page' }).click();
    await expect.poll(() => snippets.getByRole('status').filter({ hasText: 'Copied.' }).count()).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('data-mode="inline"');
  }, 60_000);

  it('has no serious or critical accessibility violation', async () => {
    const page = await appearancePage('lead');
    await expect.poll(() => preview(page, '.msg.bot').count()).toBeGreaterThan(0);
    await page.getByLabel('Open the chat by itself (once per visit; on phones the greeting shows instead)').check();
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 60_000);
});
