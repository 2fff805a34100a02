/// <reference lib="dom" />
// (for the callbacks given to page.evaluate: they run in the browser)
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { solidPng } from '../../src/appearance/test-images.ts';
import { ensureWebBuild, launchChromium, seriousAxeViolations, staticSite, type StaticPage } from '../helpers/browser.ts';
import { serve, type RunningServer } from '../helpers/server.ts';

/** Asks name and email unless the site told them, then what the visitor needs, and makes a lead. */
const knownBot = (id: string, appearance = ''): string => `renkei: 1
id: ${id}
name: Known desk
locale: en
start: ask_name
blocks:
  ask_name:
    type: ask
    kind: name
    prompt: "What is your name?"
    save: visitor.name
    skip_if_known: true
    next: ask_email
  ask_email:
    type: ask
    kind: email
    prompt: "What is your email?"
    save: visitor.email
    skip_if_known: true
    next: ask_need
  ask_need:
    type: ask
    kind: text
    prompt: "How can we help, %visitor.name%?"
    save: need
    next: lead
  lead:
    type: crm.lead
    save: { id: lead_id }
    ports: { success: done, failure: sorry }
  done:
    type: end
    text: "Thanks! Lead %lead_id%."
  sorry:
    type: end
    text: "Sorry, that did not work."
${appearance}`;

interface PageOptions {
  readonly bot: string;
  /** Extra data-* attributes of the script tag. */
  readonly attrs?: string;
  /** Script that runs before the widget's tag (the page's own code). */
  readonly before?: string;
  /** Page body before the script tag. */
  readonly body?: string;
}

/** A customer's page embedding the widget with its documented tag(s). */
function hostPage(serverUrl: string, options: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme Coffee</title>
<style>body { font: 17px/1.6 Georgia, serif; margin: 0; color: #222; } main { padding: 8px 32px; }</style>
${options.before ? `<script>${options.before}</script>` : ''}
</head>
<body>
<main>
<h1>Acme Coffee</h1>
<p>Questions about an order, a delivery or your machine?</p>
${options.body ?? ''}
</main>
<script src="${serverUrl}/widget.js" data-bot="${options.bot}" ${options.attrs ?? ''} async></script>
</body>
</html>`;
}

/** The documented stub: calls made before widget.js has loaded wait in `q`. */
const STUB = `window.Renkei = window.Renkei || { q: [] };
['open', 'close', 'identify', 'on'].forEach(function (name) {
  window.Renkei[name] = window.Renkei[name] || function () { window.Renkei.q.push([name, arguments]); };
});`;

/** Records every event the page hears in `window.seen`. */
const LISTEN = `window.seen = [];
['open', 'close', 'message', 'end', 'lead.created'].forEach(function (name) {
  Renkei.on(name, function (data) { window.seen.push([name, data]); });
});`;

const seen = (page: Page): Promise<Array<[string, unknown]>> => page.evaluate(() => (window as unknown as { seen: Array<[string, unknown]> }).seen);

describe('the widget on a customer site: appearance, embed modes and the page API', () => {
  let server: RunningServer;
  let browser: Browser;
  let avatarId: string;
  const sites: StaticPage[] = [];
  const admin = (): Record<string, string> => ({ authorization: `Bearer ${server.adminToken}` });

  async function putBot(id: string, yaml: string): Promise<void> {
    const put = await fetch(`${server.url}/api/v1/admin/bots/${id}`, {
      method: 'PUT',
      headers: { ...admin(), 'content-type': 'application/yaml' },
      body: yaml,
    });
    expect(put.status, await put.text()).toBeLessThan(300);
  }
  async function publish(id: string): Promise<void> {
    const res = await fetch(`${server.url}/api/v1/admin/bots/${id}/publish`, { method: 'POST', headers: admin() });
    expect(res.status, await res.text()).toBe(200);
  }
  async function site(pages: Record<string, () => string>): Promise<StaticPage> {
    const s = await staticSite(pages);
    sites.push(s);
    return s;
  }
  async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, ...options });
    onTestFinished(() => context.close());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    return { page, context, errors };
  }
  const shadowFocused = (page: Page): Promise<string | null> =>
    page.evaluate(() => {
      const inner = document.querySelector('renkei-chat')?.shadowRoot?.activeElement;
      return inner ? `${inner.tagName.toLowerCase()}${inner.id ? `#${inner.id}` : ''}` : null;
    });

  beforeAll(async () => {
    await ensureWebBuild('widget');
    server = await serve();
    const upload = await fetch(`${server.url}/api/v1/admin/images`, {
      method: 'POST',
      headers: { ...admin(), 'content-type': 'image/png' },
      body: new Uint8Array(solidPng('#f2a900', 64)),
    });
    expect(upload.status).toBe(201);
    avatarId = ((await upload.json()) as { id: string }).id;
    await putBot('known', knownBot('known'));
    await publish('known');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of sites) await s.close();
    await server?.stop();
  });

  it('wears the published appearance — colour, corner, title, avatar, greeting — and a new look only once it is published', async () => {
    await putBot(
      'styled',
      knownBot(
        'styled',
        `appearance:
  accent: "#7a1fa2"
  title: Acme help
  subtitle: We answer within minutes
  avatar: ${avatarId}
  greeting: { text: "Questions about your order?", delay: 0 }
  launcher: { position: left, offset: { x: 24, y: 32 } }
`,
      ),
    );
    await publish('styled');
    const shop = await site({ '/': () => hostPage(server.url, { bot: 'styled' }) });
    const { page } = await newPage();
    await page.goto(shop.url);

    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    expect(await launcher.boundingBox()).toEqual({ x: 24, y: 760 - 32 - 56, width: 56, height: 56 });
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(122, 31, 162)');
    // The greeting bubble says its text beside the launcher; choosing it opens the chat.
    const greeting = page.getByRole('button', { name: 'Questions about your order?' });
    await greeting.click();
    const dialog = page.getByRole('dialog', { name: 'Acme help' });
    await dialog.waitFor();
    expect(await greeting.isVisible()).toBe(false);
    expect(await dialog.getByText('We answer within minutes').isVisible()).toBe(true);
    const avatar = page.locator('renkei-chat img.avatar');
    await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);
    expect(await avatar.getAttribute('alt')).toBe('');
    expect((await dialog.boundingBox())!.x).toBe(24);

    const answer = page.getByRole('textbox', { name: 'Your answer' });
    await expect.poll(() => page.getByRole('log').textContent()).toContain('What is your name?');
    await answer.fill('Ada');
    await answer.press('Enter');
    const visitorBubble = page.locator('renkei-chat .msg.visitor');
    await visitorBubble.waitFor();
    // White on the purple accent; the header too.
    expect(await visitorBubble.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color])).toEqual([
      'rgb(122, 31, 162)',
      'rgb(255, 255, 255)',
    ]);

    // A new look saved as a draft reaches no one until it is published.
    await putBot('styled', knownBot('styled', 'appearance:\n  theme: dark\n  accent: "#ffe066"\n  title: Night desk\n'));
    await page.reload();
    await page.getByRole('dialog', { name: 'Acme help' }).waitFor();
    await publish('styled');
    await page.reload();
    const night = page.getByRole('dialog', { name: 'Night desk' });
    await night.waitFor();
    expect(await night.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(22, 27, 34)');
    expect(await page.locator('renkei-chat img').count()).toBe(0);
    // Black on the pale yellow accent, which is too pale for the option outlines on a light page but fine on this dark one.
    expect(await visitorBubble.first().evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 0, 0)');
    expect((await page.getByRole('button', { name: 'Close chat' }).first().boundingBox())!.x).toBeGreaterThan(1100 - 20 - 56 - 1);
  }, 90_000);

  it('skips what a known visitor was asked: identify queued before the script, then on() hears the messages and the lead id', async () => {
    const shop = await site({
      '/': () => hostPage(server.url, { bot: 'known', before: `${STUB}\nRenkei.identify({ name: 'Hanako Yamada', email: 'Hanako@Example.COM' });\n${LISTEN}` }),
    });
    const { page } = await newPage();
    await page.goto(shop.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const log = page.getByRole('log');
    await expect.poll(() => log.textContent()).toContain('How can we help, Hanako Yamada?');
    expect(await log.textContent()).not.toContain('What is your email?');
    expect(await log.textContent()).not.toContain('What is your name?');

    // A mistake of the page's code is refused at once, naming the field; nothing is sent.
    const refused = await page.evaluate(() =>
      (window as unknown as { Renkei: { identify(v: unknown): Promise<void> } }).Renkei.identify({ email: 'hanako@' }).then(
        () => null,
        (e: Error & { field?: string }) => [e.field, e.message],
      ),
    );
    expect(refused).toEqual(['email', 'Renkei.identify: email is not valid (email)']);
    const unknownEvent = await page.evaluate(() => {
      try {
        (window as unknown as { Renkei: { on(e: string, f: () => void): void } }).Renkei.on('lead.made', () => undefined);
        return null;
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(unknownEvent).toContain('no event "lead.made"');

    const answer = page.getByRole('textbox', { name: 'Your answer' });
    await answer.fill('A refund, please');
    await answer.press('Enter');
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toMatch(/Thanks! Lead \S+\./);
    const leadId = /Thanks! Lead (\S+)\./.exec((await log.textContent()) ?? '')![1]!;

    const leads = (await (await fetch(`${server.url}/api/v1/admin/records/leads`, { headers: admin() })).json()) as {
      items: Array<{ id: string; name: string; email: string }>;
    };
    expect(leads.items.find((l) => l.id === leadId)).toMatchObject({ name: 'Hanako Yamada', email: 'Hanako@example.com' });
    expect(await seen(page)).toEqual([
      ['open', undefined],
      ['message', { from: 'bot', text: 'How can we help, Hanako Yamada?' }],
      ['message', { from: 'visitor', text: 'A refund, please' }],
      ['lead.created', { id: leadId }],
      ['message', { from: 'bot', text: `Thanks! Lead ${leadId}.` }],
      ['end', { status: 'ended' }],
    ]);

    // Someone else signs in on this browser: their chat starts afresh, without the first person's messages.
    await page.getByRole('button', { name: 'Start a new conversation' }).click();
    await expect.poll(() => log.textContent()).toContain('How can we help, Hanako Yamada?');
    await page.evaluate(() =>
      (window as unknown as { Renkei: { identify(v: unknown): Promise<void> } }).Renkei.identify({ name: 'Taro', email: 'taro@example.com' }),
    );
    await expect.poll(() => page.locator('renkei-chat .msg').allTextContents()).toEqual(['Bot said: How can we help, Taro?']);
    // What the site told is not kept in the browser's storage (only hashes of it, to notice a change of person).
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toMatch(/taro|hanako|example\.com/i);

    // open() and close() from the page, heard by on().
    await page.evaluate(() => (window as unknown as { Renkei: { close(): void } }).Renkei.close());
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(false);
    await page.evaluate(() => (window as unknown as { Renkei: { open(): void } }).Renkei.open());
    await expect.poll(() => shadowFocused(page)).toBe('input#answer');
    expect((await seen(page)).slice(-2)).toEqual([
      ['close', undefined],
      ['open', undefined],
    ]);
  }, 90_000);

  it('sits open inside a page element with data-mode="inline", used by keyboard alone, without taking the focus on load', async () => {
    const shop = await site({
      '/': () =>
        hostPage(server.url, {
          bot: 'known',
          attrs: 'data-mode="inline" data-target="#help-chat"',
          body: '<section id="help-chat" style="height: 480px; max-width: 560px"></section>',
        }),
      '/missing': () => hostPage(server.url, { bot: 'known', attrs: 'data-mode="inline" data-target="#nowhere"' }),
    });
    const { page, errors } = await newPage();
    await page.goto(shop.url);
    const log = page.getByRole('log');
    await expect.poll(() => log.textContent()).toContain('What is your name?');
    expect(await page.getByRole('button', { name: 'Open chat' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Close chat' }).count()).toBe(0);
    const region = page.getByRole('region', { name: 'Chat' });
    const box = (await region.boundingBox())!;
    const frame = (await page.locator('#help-chat').boundingBox())!;
    expect(box).toEqual(frame);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');

    await page.keyboard.press('Tab');
    expect(await shadowFocused(page)).toBe('input#answer');
    await page.keyboard.type('Grace');
    await page.keyboard.press('Enter');
    await expect.poll(() => log.textContent()).toContain('What is your email?');
    await page.keyboard.press('Escape');
    await page.evaluate(() => (window as unknown as { Renkei: { close(): void } }).Renkei.close());
    expect(await region.isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A target that is not on the page: said in the console, nothing mounted.
    await page.goto(`${shop.url}missing`);
    await expect.poll(() => errors.join('\n')).toContain('data-target="#nowhere" matches no element');
    expect(await page.locator('renkei-chat').count()).toBe(0);
  }, 90_000);

  it('is a full page at /chat/{botId} that fits a 360 px phone', async () => {
    await putBot('page-chat', knownBot('page-chat', 'appearance:\n  theme: dark\n  title: Acme support\n'));
    await publish('page-chat');
    const { page } = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await page.goto(`${server.url}/chat/page-chat`);
    expect(await page.title()).toBe('Acme support');
    const log = page.getByRole('log');
    await expect.poll(() => log.textContent()).toContain('What is your name?');
    const region = (await page.getByRole('region', { name: 'Acme support' }).boundingBox())!;
    expect(region).toEqual({ x: 0, y: 0, width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
    await page.getByRole('textbox', { name: 'Your answer' }).fill('Linus');
    await page.getByRole('button', { name: 'Send' }).tap();
    await expect.poll(() => log.textContent()).toContain('What is your email?');
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 60_000);

  it('starts a new conversation on every page load with data-resume="false", and resumes by default', async () => {
    const shop = await site({
      '/': () => hostPage(server.url, { bot: 'known', attrs: 'data-resume="false"' }),
      '/resume': () => hostPage(server.url, { bot: 'known' }),
    });
    for (const path of ['', 'resume']) {
      // A browser of its own each: the first page's conversation is stored too (for a page that does resume).
      const { page } = await newPage();
      await page.goto(`${shop.url}${path}`);
      await page.getByRole('button', { name: 'Open chat' }).click();
      const answer = page.getByRole('textbox', { name: 'Your answer' });
      await expect.poll(() => page.getByRole('log').textContent()).toContain('What is your name?');
      await answer.fill('Mary');
      await answer.press('Enter');
      await expect.poll(() => page.getByRole('log').textContent()).toContain('What is your email?');
      await page.reload();
      if (path === '') {
        // A fresh start: the chat is closed and opens on the first question again.
        await page.getByRole('button', { name: 'Open chat' }).click();
        await expect.poll(() => page.locator('renkei-chat .msg').allTextContents()).toEqual(['Bot said: What is your name?']);
      } else {
        await expect
          .poll(() => page.locator('renkei-chat .msg').allTextContents())
          .toEqual(['Bot said: What is your name?', 'You said: Mary', 'Bot said: What is your email?']);
      }
    }
  }, 60_000);

  it('opens by itself on the pages it names after its delay, without taking the focus, once; on a phone it only greets', async () => {
    await putBot(
      'proactive',
      knownBot('proactive', 'appearance:\n  greeting: { text: "Need a hand with pricing?", delay: 600 }\n  proactive: { delay: 1, paths: ["/pricing*"] }\n'),
    );
    await publish('proactive');
    const before = `${STUB}\n${LISTEN}`;
    const shop = await site({
      '/': () => hostPage(server.url, { bot: 'proactive', before }),
      '/pricing/team': () => hostPage(server.url, { bot: 'proactive', before, body: '<a href="/">Home</a>' }),
    });
    const { page } = await newPage();
    await page.goto(shop.url);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await page.waitForTimeout(2_000);
    expect(await page.getByRole('dialog').isVisible()).toBe(false);

    await page.goto(`${shop.url}pricing/team`);
    await page.getByRole('link', { name: 'Home' }).focus();
    await expect.poll(() => page.getByRole('dialog').isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Home');
    expect(await seen(page)).toContainEqual(['open', undefined]);
    await page.getByRole('button', { name: 'Close chat' }).first().click();
    await page.reload();
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await page.waitForTimeout(2_000);
    expect(await page.getByRole('dialog').isVisible()).toBe(false);

    // A phone, motion reduced: the chat would cover the page, so the greeting asks instead, without animating.
    const phone = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, reducedMotion: 'reduce' });
    await phone.page.goto(`${shop.url}pricing/team`);
    const greeting = phone.page.getByRole('button', { name: 'Need a hand with pricing?' });
    await greeting.waitFor({ timeout: 5_000 });
    expect(await phone.page.getByRole('dialog').isVisible()).toBe(false);
    expect(await phone.page.locator('renkei-chat .greeting').evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    await phone.page.getByRole('button', { name: 'Dismiss the greeting' }).click();
    expect(await greeting.isVisible()).toBe(false);
    expect(await shadowFocused(phone.page)).toBe('button');
  }, 90_000);

  it("shows a team member's message with their name (the inbox's hand-off, issue 16's event shape)", async () => {
    const shop = await site({ '/': () => hostPage(server.url, { bot: 'known' }) });
    const { page } = await newPage();
    await page.goto(shop.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => page.getByRole('log').textContent()).toContain('What is your name?');
    // The transcript a reload reads carries an agent's message after the bot's.
    await page.route(/\/api\/v1\/conversations\/[^/?]+$/, async (route) => {
      const response = await route.fetch();
      const transcript = (await response.json()) as { events: Array<Record<string, unknown>> };
      const last = transcript.events.at(-1) as { seq: number; at: string };
      transcript.events.push({ seq: last.seq + 1, at: last.at, type: 'message', from: 'agent', agentName: 'Sato', text: 'Hello, I can help.' });
      await route.fulfill({ response, json: transcript });
    });
    await page.reload();
    const agent = page.locator('renkei-chat .msg.agent');
    await agent.waitFor();
    expect(await agent.textContent()).toBe('Sato: Hello, I can help.');
    expect(await agent.locator('.who').textContent()).toBe('Sato');
  }, 60_000);

  it('has no serious or critical accessibility violation, bubble open, in both themes', async () => {
    const shop = await site({
      '/': () => hostPage(server.url, { bot: 'known' }),
      '/styled': () => hostPage(server.url, { bot: 'styled' }),
    });
    for (const path of ['', 'styled']) {
      const { page } = await newPage();
      await page.goto(`${shop.url}${path}`);
      await page.getByRole('button', { name: 'Open chat' }).click();
      await expect.poll(() => page.locator('renkei-chat .msg.bot').count()).toBeGreaterThan(0);
      expect(await seriousAxeViolations(page), path).toEqual([]);
    }
  }, 60_000);
});
