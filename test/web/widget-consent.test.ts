/// <reference lib="dom" />
// (for the callbacks given to page.evaluate: they run in the browser)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../helpers/server.ts';
import { ensureWebBuild, launchChromium, seriousAxeViolations, staticPage, type StaticPage } from '../helpers/browser.ts';

/** A lead bot that asks for consent before the email, and goes its own way on a refusal. */
const CONSENT_BOT = `
renkei: 1
id: consent
name: Consent
locale: en
start: privacy
blocks:
  privacy:
    type: consent
    text: "Before we start: we keep your email to answer you, for a year."
    link: { url: "https://example.com/privacy", label: "Privacy policy" }
    next: ask_email
    declined: anonymous
  ask_email: { type: ask, kind: email, prompt: "Thank you. Your email?", save: visitor.email, next: done }
  done: { type: end, text: "Noted %visitor.email% (consent %consent% at %consent_at%)." }
  anonymous: { type: end, text: "Understood (consent %consent% at %consent_at%): we keep nothing." }
`;

const hostPage = (serverUrl: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme</title></head>
<body><main><h1>Acme</h1><p>Ask us anything.</p></main>
<script src="${serverUrl}/widget.js" data-bot="consent" async></script></body></html>`;

const ISO = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`;

describe('the chat widget asking for consent', () => {
  let server: RunningServer;
  let site: StaticPage;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild('widget');
    server = await serve();
    const admin = { authorization: `Bearer ${server.adminToken}` };
    const put = await fetch(`${server.url}/api/v1/admin/bots/consent`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/yaml' },
      body: CONSENT_BOT,
    });
    expect(put.status, await put.text()).toBeLessThan(300);
    const published = await fetch(`${server.url}/api/v1/admin/bots/consent/publish`, { method: 'POST', headers: admin });
    expect(published.status, await published.text()).toBeLessThan(300);
    site = await staticPage(() => hostPage(server.url));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.stop();
  });

  async function openNotice(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(site.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => page.getByRole('log').textContent()).toContain('we keep your email to answer you');
    return page;
  }

  /** The element focused inside the widget's shadow root, as its tag and text. */
  const focused = (page: Page): Promise<string> =>
    page.evaluate(() => {
      const active = document.querySelector('renkei-chat')?.shadowRoot?.activeElement;
      return active ? `${active.tagName.toLowerCase()}:${active.textContent ?? ''}` : 'none';
    });

  it('shows the notice with its policy link and two buttons; the keyboard accepts, and the bot goes on', async () => {
    const page = await openNotice();
    const link = page.getByRole('log').getByRole('link', { name: 'Privacy policy' });
    expect(await link.getAttribute('href')).toBe('https://example.com/privacy');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect((await link.getAttribute('rel'))?.split(' ')).toContain('noopener');
    const buttons = page.getByRole('group', { name: 'Options' }).getByRole('button');
    expect(await buttons.allTextContents()).toEqual(['I agree', 'I do not agree']);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // From the answer field, back through the two buttons to the policy link; then Enter on "I agree".
    await expect.poll(() => focused(page)).toBe('input:');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('button:I do not agree');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('button:I agree');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('a:Privacy policy');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    const log = page.getByRole('log');
    await expect.poll(() => log.textContent()).toContain('Thank you. Your email?');
    expect(await buttons.count()).toBe(0);
    const answer = page.getByRole('textbox');
    await answer.fill('jiro@example.com');
    await answer.press('Enter');
    await expect.poll(() => log.textContent()).toMatch(new RegExp(`Noted jiro@example.com \\(consent yes at ${ISO}\\)\\.`));
    // The visitor's side of the transcript says what they pressed.
    expect(await log.textContent()).toContain('I agree');
    await page.close();
  });

  it('a visitor who declines goes down the declined branch, and the refusal is recorded with its time', async () => {
    const page = await openNotice();
    await page.getByRole('button', { name: 'I do not agree' }).click();
    const log = page.getByRole('log');
    await expect.poll(() => log.textContent()).toMatch(new RegExp(`Understood \\(consent no at ${ISO}\\): we keep nothing\\.`));
    expect(await log.textContent()).not.toContain('Your email?');
    await expect.poll(() => page.getByRole('button', { name: 'Start a new conversation' }).isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });
});
