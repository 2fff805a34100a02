import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../helpers/server.ts';
import { startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';
import { AGENT, overFetch, setUpHandoff } from '../helpers/handoff.ts';

describe('a hand-off in the browser: a visitor in the widget, an agent in the inbox', () => {
  let admin: AdminBrowser;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    admin = await startAdminBrowser({ widget: true });
    ({ server, browser } = admin);
    // The hand-off waits 5 minutes for a claim, else opens a ticket (at once when nobody is online).
    await setUpHandoff(overFetch(server.url), server.adminToken, { timeout: 300 });
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
  });

  it('hands off, the agent claims and both chat (names and typing shown), then the bot takes back and opens a ticket', async () => {
    // The agent signs in with the account and opens the inbox: online from then on.
    const agent = await admin.signIn({ account: AGENT, viewport: { width: 1200, height: 800 } });
    await agent.getByRole('link', { name: 'Inbox' }).click();
    await expect.poll(() => agent.getByText('Nobody is waiting.').isVisible(), { timeout: 10_000 }).toBe(true);

    // The visitor, on the demo page, asks for a person.
    const visitor = await (await browser.newContext({ viewport: { width: 1000, height: 760 } })).newPage();
    await visitor.goto(`${server.url}/demo?bot=desk`);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const log = visitor.getByRole('log');
    await expect.poll(() => log.textContent()).toContain('What is it about?');
    const answer = visitor.getByRole('textbox');
    await answer.fill('My invoice is wrong');
    await answer.press('Enter');
    await expect.poll(() => log.textContent()).toContain('Connecting you to a person.');

    // It arrives in the inbox at once; the agent claims it and sees what the bot collected.
    const item = agent.getByRole('list', { name: 'Inbox' }).getByRole('button');
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    await item.first().click();
    await agent.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => agent.getByText('My invoice is wrong').count()).toBeGreaterThan(0);
    await expect.poll(() => log.textContent()).toContain('Hana joined the chat.');

    // Typing, both ways.
    const message = agent.getByLabel('Message to the visitor');
    await message.pressSequentially('Hello');
    const typing = visitor.locator('renkei-chat .typing');
    await expect.poll(async () => (await typing.isVisible()) && (await typing.textContent())).toContain('Hana is typing…');
    await message.fill('Hello, I am Hana. Which invoice?');
    await message.press('Enter');
    await expect.poll(() => visitor.locator('renkei-chat .msg.agent').last().textContent()).toBe('Hana: Hello, I am Hana. Which invoice?');

    await answer.pressSequentially('The one');
    await expect.poll(() => agent.getByText('The visitor is typing…').isVisible()).toBe(true);
    await answer.fill('The one from November');
    await answer.press('Enter');
    await expect.poll(() => agent.getByRole('list', { name: 'Transcript' }).textContent()).toContain('The one from November');
    // Sent once, shown once: the stream's echo of the visitor's own line is not a second bubble.
    expect(await visitor.locator('renkei-chat .msg.visitor').allTextContents()).toEqual(['You said: My invoice is wrong', 'You said: The one from November']);

    // Back to the bot at the ticket block: the bot opens a ticket and tells the visitor its number.
    await agent.getByLabel('Hand back to the bot at').selectOption('ticket');
    await agent.getByRole('button', { name: 'Hand back' }).click();
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toMatch(/Ticket \d+ is open\./);
    const tickets = (await (
      await fetch(`${server.url}/api/v1/admin/records/tickets`, { headers: { authorization: `Bearer ${server.adminToken}` } })
    ).json()) as {
      items: { subject: string }[];
    };
    expect(tickets.items.map((t) => t.subject)).toContain('Chat: My invoice is wrong');
    await expect.poll(() => item.count()).toBe(0);

    // The inbox in Japanese.
    await agent.getByLabel('Language').selectOption('ja');
    await expect.poll(() => agent.getByRole('heading', { name: '受信箱' }).isVisible()).toBe(true);
    await expect.poll(() => agent.getByText('待っているお客様はいません。').isVisible()).toBe(true);
  }, 90_000);
});
