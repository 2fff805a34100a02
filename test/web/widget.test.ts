/// <reference lib="dom" />
// (for the callbacks given to page.evaluate: they run in the browser)
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { serve, type RunningServer } from '../helpers/server.ts';
import { ensureWebBuild, launchChromium, staticPage, type StaticPage } from '../helpers/browser.ts';

const XSS = '<img src=x onerror=alert(1)>';
const SCREENSHOTS = process.env['RENKEI_SCREENSHOTS'] === '1';

/** A customer's page on another origin that embeds the widget with the one documented tag. */
function hostPage(serverUrl: string, options: { bot?: string; hostile?: boolean } = {}): string {
  // The hostile page: CSS that would repaint the widget if it leaked in, and elements named like the widget's.
  const style = options.hostile
    ? '* { color: rgb(255, 0, 0) !important; font-size: 40px !important; } div, section, p, button, input { background: rgb(0, 128, 0); }'
    : 'body { font: 17px/1.6 Georgia, serif; margin: 0; color: #222; } header { background: #2d2a26; color: #f5efe6; padding: 18px 32px; } main { padding: 8px 32px; max-width: 40rem; }';
  const extra = options.hostile
    ? '<p class="msg bot" id="page-msg">A page paragraph named like a widget bubble.</p><button class="launcher send" id="page-button">Page button</button>'
    : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme Coffee</title>
<style>${style}</style>
</head>
<body>
<header><strong>Acme Coffee</strong></header>
<main>
<h1>Support</h1>
<p id="page-text">Questions about an order, a delivery or your machine? Our team answers in the chat at the bottom right.</p>
${extra}
</main>
<script src="${serverUrl}/widget.js" data-bot="${options.bot ?? 'support'}" async></script>
</body>
</html>`;
}

describe('the chat widget, embedded on another site', () => {
  let server: RunningServer;
  let site: StaticPage;
  let hostileSite: StaticPage;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild('widget');
    server = await serve();
    site = await staticPage(() => hostPage(server.url));
    hostileSite = await staticPage(() => hostPage(server.url, { hostile: true }));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await hostileSite?.close();
    await server?.stop();
  });

  async function openPage(context?: BrowserContext, url = site.url): Promise<{ page: Page; dialogs: string[] }> {
    const page = await (context ?? (await browser.newContext({ viewport: { width: 1100, height: 760 } }))).newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url);
    return { page, dialogs };
  }

  const shadowCount = (page: Page, selector: string): Promise<number> =>
    page.evaluate((s) => document.querySelector('renkei-chat')?.shadowRoot?.querySelectorAll(s).length ?? -1, selector);

  it('chats through the support bot in Japanese, shows the ticket number, keeps the transcript over a reload, and shows HTML as text', async () => {
    const { page, dialogs } = await openPage();
    const host = page.locator('renkei-chat');
    expect(await host.evaluate((el) => el.shadowRoot?.mode)).toBe('open');

    // Until the conversation tells the bot's locale, the widget speaks the page's language.
    await page.getByRole('button', { name: 'Open chat' }).click();
    const log = page.getByRole('log');
    await expect.poll(() => log.textContent()).toContain('お名前を教えてください。');
    expect(await log.getAttribute('aria-live')).toBe('polite');
    // The bot is Japanese: every label follows it now.
    await expect.poll(() => page.getByRole('button', { name: 'チャットを閉じる' }).count()).toBe(2);
    const answer = page.getByRole('textbox', { name: '回答' });
    expect(await answer.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    expect(await answer.getAttribute('autocomplete')).toBe('name');

    // A name is kept as typed, so this reaches the widget, the ticket and the transcript as it is.
    await answer.fill(XSS);
    await answer.press('Enter');
    await expect.poll(() => log.textContent()).toContain('メールアドレスをお願いします。');
    expect(await answer.getAttribute('type')).toBe('email');
    expect(await answer.getAttribute('inputmode')).toBe('email');
    expect(await answer.getAttribute('placeholder')).toBe('name@example.com');

    await answer.fill('hanako@example.com');
    await page.getByRole('button', { name: '送信' }).click();
    await expect.poll(() => log.textContent()).toContain('お問い合わせ内容をお書きください。');
    expect(await answer.getAttribute('type')).toBe('text');
    await answer.fill('ログインできません');
    await answer.press('Enter');

    await expect.poll(() => log.textContent()).toContain('優先度を選んでください。');
    const options = page.getByRole('group', { name: '選択肢' }).getByRole('button');
    expect(await options.allTextContents()).toEqual(['低', '中', '高']);
    await page.getByRole('button', { name: '高', exact: true }).click();

    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toMatch(/問い合わせ番号は \S+ です。/);
    const number = /問い合わせ番号は (\S+) です。/.exec((await log.textContent()) ?? '')![1]!;
    expect(await options.count()).toBe(0);
    // Over: the field is closed and a new conversation is offered.
    expect(await answer.isDisabled()).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: '新しい会話を始める' }).isVisible()).toBe(true);

    // The ticket exists, with the choice's value and the name as typed.
    const tickets = (await (
      await fetch(`${server.url}/api/v1/admin/records/tickets`, { headers: { authorization: `Bearer ${server.adminToken}` } })
    ).json()) as { items: Array<{ number: string; priority: string; subject: string }> };
    const ticket = tickets.items.find((t) => String(t.number) === number);
    expect(ticket).toMatchObject({ priority: 'High', subject: `チャットからの問い合わせ: ${XSS}` });

    // The visitor's HTML is text: no element was made of it, and nothing ran.
    const bubbles = page.locator('renkei-chat .msg.visitor');
    expect(await bubbles.allTextContents()).toEqual([`あなた: ${XSS}`, 'あなた: hanako@example.com', 'あなた: ログインできません', 'あなた: 高']);
    expect(await shadowCount(page, 'img')).toBe(0);
    expect(dialogs).toEqual([]);

    if (SCREENSHOTS) {
      mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'docs/screenshots/widget.png') });
    }

    // A reload restores the conversation (the window was open, so it opens again).
    const before = await page.locator('renkei-chat .msg').allTextContents();
    await page.reload();
    await expect.poll(() => page.locator('renkei-chat .msg').allTextContents()).toEqual(before);
    expect(await page.getByRole('textbox', { name: '回答' }).isDisabled()).toBe(true);
    expect(await shadowCount(page, 'img')).toBe(0);
    expect(dialogs).toEqual([]);

    // A new conversation starts from the top and replaces the stored one.
    await page.getByRole('button', { name: '新しい会話を始める' }).click();
    await expect
      .poll(() => page.locator('renkei-chat .msg').allTextContents())
      .toEqual(['ボット: こんにちは！ご用件を伺います。', 'ボット: お名前を教えてください。']);
    await page.reload();
    await expect.poll(() => page.locator('renkei-chat .msg').count()).toBe(2);
    await page.close();
  }, 90_000);

  it('says the chat is not available when the page names a bot that is not published', async () => {
    const missing = await staticPage(() => hostPage(server.url, { bot: 'no-such-bot' }));
    onTestFinished(() => missing.close());
    const { page } = await openPage(undefined, missing.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This chat is not available.');
    expect(await page.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    expect(await page.locator('renkei-chat .msg').count()).toBe(0);
    await page.close();
  }, 60_000);

  it('keeps the page and the widget styles apart', async () => {
    const { page } = await openPage(undefined, hostileSite.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const firstBubble = page.locator('renkei-chat .msg.bot').first();
    await firstBubble.waitFor();
    const style = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((el) => {
          const s = getComputedStyle(el);
          return { color: s.color, fontSize: s.fontSize, background: s.backgroundColor };
        });

    // The page's `* { color: red !important; font-size: 40px !important }` does not reach inside.
    for (const selector of ['renkei-chat .msg.bot', 'renkei-chat .title', 'renkei-chat input']) {
      const inner = await style(selector);
      expect(inner.color, selector).not.toBe('rgb(255, 0, 0)');
      expect(inner.fontSize, selector).not.toBe('40px');
      expect(inner.background, selector).not.toBe('rgb(0, 128, 0)');
    }
    expect((await style('renkei-chat .msg.bot')).fontSize).toBe('15px');
    // And the widget's `.msg.bot`, `.launcher` and `button` rules do not reach the page's elements.
    expect(await style('#page-msg')).toEqual({ color: 'rgb(255, 0, 0)', fontSize: '40px', background: 'rgb(0, 128, 0)' });
    const pageButton = await page.locator('#page-button').evaluate((el) => {
      const s = getComputedStyle(el);
      return { position: s.position, borderRadius: s.borderTopLeftRadius, background: s.backgroundColor };
    });
    expect(pageButton).toEqual({ position: 'static', borderRadius: '0px', background: 'rgb(0, 128, 0)' });
    await page.close();
  }, 60_000);

  it('is driven by keyboard: Enter opens it with the focus in the answer field, Escape closes it and returns the focus', async () => {
    const { page } = await openPage();
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.focus();
    await page.keyboard.press('Enter');
    const answer = page.getByRole('textbox', { name: /回答|Your answer/ });
    await expect.poll(() => answer.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    expect(await page.getByRole('dialog').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(false);
    const focused = await page.evaluate(() => {
      const root = document.querySelector('renkei-chat')?.shadowRoot;
      return { host: document.activeElement?.tagName, inner: root?.activeElement?.getAttribute('aria-expanded') };
    });
    expect(focused).toEqual({ host: 'RENKEI-CHAT', inner: 'false' });
    await page.close();
  }, 60_000);

  it('fills a 360 px wide phone screen and is usable there', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const { page } = await openPage(context);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.locator('renkei-chat .msg.bot').nth(1).waitFor();
    const panel = await page.getByRole('dialog').boundingBox();
    expect(panel).toEqual({ x: 0, y: 0, width: 360, height: 740 });
    for (const control of [
      page.getByRole('textbox'),
      page.getByRole('button', { name: '送信' }),
      page.getByRole('button', { name: 'チャットを閉じる' }).first(),
    ]) {
      const box = (await control.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(360);
      expect(box.y + box.height).toBeLessThanOrEqual(740);
    }
    await page.getByRole('textbox').fill('山田太郎');
    await page.getByRole('button', { name: '送信' }).tap();
    await expect.poll(() => page.getByRole('log').textContent()).toContain('メールアドレスをお願いします。');
    await context.close();
  }, 60_000);
});

/** Counts the widget's reads of the transcript (`GET /api/v1/conversations/{id}`). */
function countTranscriptReads(page: Page): () => number {
  let reads = 0;
  page.on('request', (request) => {
    if (request.method() === 'GET' && /\/api\/v1\/conversations\/[^/?]+$/.test(request.url())) reads++;
  });
  return () => reads;
}

/** A webhook endpoint that answers only when the test lets it: an integration that takes as long as the test needs. */
async function heldWebhook(): Promise<{ url: string; calls: () => number; release: () => void; close: () => Promise<void> }> {
  let calls = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((request, response) => {
    calls++;
    request.resume();
    void released.then(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ref":"R-42"}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    calls: () => calls,
    release,
    close: () =>
      new Promise((resolve) => {
        release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const slowBot = (hookUrl: string): string => `renkei: 1
id: slow
name: Slow desk
locale: en
start: ask_name
blocks:
  ask_name:
    type: ask
    kind: name
    prompt: "What is your name?"
    save: visitor.name
    next: call
  call:
    type: webhook
    url: "${hookUrl}"
    body: { name: "%visitor.name%" }
    save: { ref: "$.ref" }
    timeout_ms: 60000
    ports: { success: done, failure: failed }
  done:
    type: end
    text: "Thanks %visitor.name%, your reference is %ref%."
  failed:
    type: end
    text: "Sorry, that did not work."
`;

describe('the chat widget while an integration runs', () => {
  let server: RunningServer;
  let site: StaticPage;
  let slowSite: StaticPage;
  let hook: Awaited<ReturnType<typeof heldWebhook>>;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild('widget');
    hook = await heldWebhook();
    // Replies answer at once with `working`: the rest of the turn must come over the event stream.
    server = await serve({ env: { RENKEI_TURN_WAIT_MS: '0', RENKEI_WEBHOOK_ALLOW_PRIVATE: '1' } });
    const admin = { authorization: `Bearer ${server.adminToken}` };
    const put = await fetch(`${server.url}/api/v1/admin/bots/slow`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/yaml' },
      body: slowBot(hook.url),
    });
    expect(put.status, await put.text()).toBeLessThan(300);
    const published = await fetch(`${server.url}/api/v1/admin/bots/slow/publish`, { method: 'POST', headers: admin });
    expect(published.status, await published.text()).toBeLessThan(300);
    site = await staticPage(() => hostPage(server.url));
    slowSite = await staticPage(() => hostPage(server.url, { bot: 'slow' }));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await slowSite?.close();
    await server?.stop();
    await hook?.close();
  });

  /** Answers the support bot up to its choice of priority. */
  async function upToPriority(page: Page): Promise<void> {
    await page.goto(site.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const answer = page.getByRole('textbox');
    const log = page.getByRole('log');
    // The field takes typing while the conversation starts, but an answer only once the question is there.
    await expect.poll(() => log.textContent()).toContain('お名前を教えてください。');
    for (const [text, next] of [
      ['山田花子', 'メールアドレス'],
      ['hanako@example.com', 'お問い合わせ内容'],
      ['返品したい', '優先度'],
    ] as const) {
      await expect.poll(() => answer.isEnabled()).toBe(true);
      await answer.fill(text);
      await answer.press('Enter');
      await expect.poll(() => log.textContent()).toContain(next);
    }
  }

  it('shows the typing indicator while the ticket is made, then the ticket number from the event stream', async () => {
    const page = await browser.newPage();
    const transcripts = countTranscriptReads(page);
    let streams = 0;
    // Hold the stream back a moment, so the indicator is there to see.
    await page.route(/\/events\?/, async (route) => {
      streams++;
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await upToPriority(page);
    await page.getByRole('button', { name: '中', exact: true }).click();
    const typing = page.getByRole('status').filter({ hasText: '入力中…' });
    await expect.poll(() => typing.isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('log').textContent(), { timeout: 15_000 }).toMatch(/問い合わせ番号は \S+ です。/);
    expect(await typing.isVisible()).toBe(false);
    expect(streams).toBe(1);
    // It came over the stream: the widget never had to read the transcript to catch up.
    expect(transcripts()).toBe(0);
    await page.close();
  }, 60_000);

  it('says the connection was lost when the stream fails, retries, and catches up', async () => {
    const page = await browser.newPage();
    let streams = 0;
    await page.route(/\/events\?/, async (route) => {
      streams++;
      await route.abort('connectionreset');
    });
    await upToPriority(page);
    await page.getByRole('button', { name: '低', exact: true }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe('接続が切れました。再接続しています…');
    await expect.poll(() => page.getByRole('log').textContent(), { timeout: 15_000 }).toMatch(/問い合わせ番号は \S+ です。/);
    await expect.poll(() => alert.isVisible()).toBe(false);
    expect(streams).toBeGreaterThanOrEqual(1);
    // Nothing shown twice.
    const texts = await page.locator('renkei-chat .msg.bot').allTextContents();
    expect(new Set(texts).size).toBe(texts.length);
    await page.close();
  }, 60_000);
  it('reconnects the stream after it drops while the integration still runs, and gets the rest from it (English bot)', async () => {
    const page = await browser.newPage();
    const transcripts = countTranscriptReads(page);
    let streams = 0;
    await page.route(/\/events\?/, async (route) => {
      streams++;
      if (streams === 1) await route.abort('connectionreset');
      else await route.continue();
    });
    await page.goto(slowSite.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const log = page.getByRole('log');
    await expect.poll(() => log.textContent()).toContain('What is your name?');
    const answer = page.getByRole('textbox', { name: 'Your answer' });
    expect(await answer.getAttribute('placeholder')).toBe('Your name');
    await answer.fill('Ada');
    await answer.press('Enter');

    const typing = page.getByRole('status').filter({ hasText: 'Typing…' });
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe('Connection lost, retrying…');
    expect(await typing.isVisible()).toBe(true);
    // Caught up (still working) and listening again: the notice goes, the indicator stays.
    await expect.poll(() => streams, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => alert.isVisible()).toBe(false);
    expect(await typing.isVisible()).toBe(true);
    expect(transcripts()).toBe(1);
    expect(hook.calls()).toBe(1);

    hook.release();
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain('Thanks Ada, your reference is R-42.');
    expect(await typing.isVisible()).toBe(false);
    // The rest came over the reconnected stream, not from another transcript read.
    expect(transcripts()).toBe(1);
    expect(await page.getByRole('button', { name: 'Start a new conversation' }).isVisible()).toBe(true);
    await page.close();
  }, 60_000);
});
