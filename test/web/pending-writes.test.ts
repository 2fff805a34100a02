import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdRequests, startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';
import { ROOT } from '../helpers/cli.ts';
import { addAccount, AGENT, overFetch, setUpHandoff } from '../helpers/handoff.ts';
import { reply, startConversation } from '../helpers/visitors.ts';

const SUPPORT = readFileSync(join(ROOT, 'examples/support.yaml'), 'utf8');

/** Two submits of the button's form in one tick, before React has re-rendered the button as disabled. */
const submitTwice = (button: Locator): Promise<void> =>
  button.evaluate((b) => {
    const form = (b as HTMLButtonElement).form!;
    form.requestSubmit();
    form.requestSubmit();
  });

/** Two clicks in one tick: a button outside a form. */
const clickTwice = (button: Locator): Promise<void> =>
  button.evaluate((b) => {
    (b as HTMLButtonElement).click();
    (b as HTMLButtonElement).click();
  });

/**
 * The admin pages that write do it as the Team page does (useSubmit): the button disabled while
 * the write runs, a second submit meanwhile sends nothing, a refusal said beside its form.
 */
describe('writes in the admin pages: one at a time, refusals beside their form', () => {
  let admin: AdminBrowser;

  beforeAll(async () => {
    // The Zoho settings below point at 127.0.0.1, which the admin API allows only with custom service URLs.
    admin = await startAdminBrowser({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1' } });
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
  });

  const saveBot = async (id: string, yaml: string): Promise<void> => {
    const res = await admin.api(`/bots/${id}`, { method: 'PUT', headers: { 'content-type': 'application/yaml' }, body: yaml });
    expect(res.status, await res.text()).toBeLessThan(300);
  };

  it("Integrations: a provider's settings are saved once however often the form is sent, and a refusal is said in that form", async () => {
    const page = await admin.signIn();
    await page.getByRole('link', { name: 'Integrations' }).click();
    const crm = page.getByRole('region', { name: 'CRM' });
    await crm.getByRole('button', { name: 'Set up Zoho' }).click();
    const form = crm.locator('form.provider-form');
    await form.getByLabel('Client ID').fill('1000.ABC');
    await form.getByLabel('Accounts URL (optional)').fill('not a url');
    await form.getByLabel('API URL (optional)').fill('http://127.0.0.1:9');
    await form.getByLabel('Client secret').fill('s3cret-value');
    await form.getByLabel('Refresh token').fill('1000.refresh');
    const save = form.getByRole('button', { name: 'Save Zoho settings' });
    await save.click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('accountsUrl');
    expect(await crm.locator('dd').first().textContent()).toBe('the built-in store');

    // Nothing may leave 127.0.0.1: the accounts server is a closed local port.
    await form.getByLabel('Accounts URL (optional)').fill('http://127.0.0.1:9');
    const held = await holdRequests(page, '**/api/v1/admin/integrations/crm', 'PUT');
    await submitTwice(save);
    await expect.poll(() => save.isDisabled()).toBe(true);
    expect(await form.getAttribute('aria-busy')).toBe('true');
    // The last try's refusal is gone as soon as the next one starts.
    expect(await form.getByRole('alert').count()).toBe(0);
    await form.getByLabel('Client ID').press('Enter');
    held.release();
    await expect.poll(() => crm.locator('dd').first().textContent()).toBe('Zoho');
    expect(held.count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
  }, 60_000);

  it('Appearance: saves one draft however often it is sent, Publish waits meanwhile, and a refused publish is said in the form', async () => {
    // Published, this file is refused: the built-in helpdesk has no department "Suport".
    await saveBot('look', SUPPORT.replace('id: support', 'id: look').replace('department: Support', 'department: Suport'));
    const page = await admin.signIn();
    await page.goto(`${admin.server.url}/admin/bots/look/appearance`);
    const form = page.getByRole('form', { name: 'Appearance settings' });
    await form.waitFor();
    await form.getByLabel('Title (default: “Chat”)').fill('Acme help');
    const save = form.getByRole('button', { name: 'Save draft' });
    const publish = form.getByRole('button', { name: 'Publish' });

    const held = await holdRequests(page, '**/api/v1/admin/bots/look', 'PUT');
    await submitTwice(save);
    await expect.poll(() => save.isDisabled()).toBe(true);
    expect(await publish.isDisabled()).toBe(true);
    held.release();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved as draft version' }).textContent()).toBe('Saved as draft version 2.');
    expect(held.count()).toBe(1);
    expect(await save.isDisabled()).toBe(false);

    await publish.click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('nothing was published');
    expect(await page.getByRole('status').filter({ hasText: 'Published version' }).count()).toBe(0);
  }, 60_000);

  it('Records: the ticket editor sends one change however often it is sent, and says it was saved', async () => {
    const visitor = await startConversation(admin.server.url, 'support');
    for (const text of ['Taro', 'taro@example.com', 'The printer is broken', 'High']) await reply(admin.server.url, visitor, text);
    const detail = (await (await admin.api(`/conversations/${visitor.id}`)).json()) as { state: { vars: Record<string, string> } };
    const ticketId = detail.state.vars['ticket_id']!;

    const page = await admin.signIn();
    await page.goto(`${admin.server.url}/admin/records/tickets/${ticketId}`);
    const editor = page.getByRole('region', { name: 'Status and assignee' });
    const save = editor.getByRole('button', { name: 'Save changes' });
    await expect.poll(() => save.isDisabled()).toBe(false);
    await editor.getByLabel('Status').selectOption('On Hold');
    const held = await holdRequests(page, `**/api/v1/admin/records/tickets/${ticketId}`, 'PATCH');
    await submitTwice(save);
    await expect.poll(() => save.isDisabled()).toBe(true);
    held.release();
    await expect.poll(() => editor.getByRole('status').textContent()).toBe('Saved.');
    expect(held.count()).toBe(1);
    await expect.poll(() => editor.getByRole('list', { name: 'History' }).getByRole('listitem').count()).toBe(1);
  }, 60_000);

  it('Account: a wrong current password is said in the form; the change is sent once however often it is sent', async () => {
    const account = { email: 'ai@example.com', password: 'correct horse battery' };
    await addAccount(overFetch(admin.server.url), admin.server.adminToken, { ...account, name: 'Ai', role: 'admin' });
    const page = await admin.signIn({ account });
    await page.getByRole('link', { name: 'Ai' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Change your password' }) });
    await form.getByLabel('Current password').fill('not my password');
    await form.getByLabel('New password (at least 10 characters)').fill('a new horse battery');
    const submit = form.getByRole('button', { name: 'Change password' });
    await submit.click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('That is not your current password.');

    await form.getByLabel('Current password').fill(account.password);
    const held = await holdRequests(page, '**/api/v1/auth/password', 'POST');
    await submitTwice(submit);
    await expect.poll(() => submit.isDisabled()).toBe(true);
    expect(await form.getByRole('alert').count()).toBe(0);
    held.release();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Password changed. Your other sessions have ended.');
    expect(held.count()).toBe(1);
  }, 60_000);

  it('Inbox: a conversation is claimed once and a message sent once, however often they are sent', async () => {
    await setUpHandoff(overFetch(admin.server.url), admin.server.adminToken);
    const agent = await admin.signIn({ account: AGENT });
    await agent.getByRole('link', { name: 'Inbox' }).click();
    await expect.poll(() => agent.getByText('Nobody is waiting.').isVisible(), { timeout: 10_000 }).toBe(true);

    const visitor = await startConversation(admin.server.url, 'desk');
    await reply(admin.server.url, visitor, 'My invoice is wrong');
    const item = agent.getByRole('list', { name: 'Inbox' }).getByRole('button');
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    await item.first().click();

    const claim = agent.getByRole('button', { name: 'Claim' });
    const claims = await holdRequests(agent, '**/api/v1/inbox/*/claim', 'POST');
    await clickTwice(claim);
    await expect.poll(() => claim.isDisabled()).toBe(true);
    claims.release();
    const message = agent.getByLabel('Message to the visitor');
    await message.waitFor();
    expect(claims.count()).toBe(1);

    const sends = await holdRequests(agent, '**/api/v1/inbox/*/messages', 'POST');
    await message.fill('Which invoice?');
    await message.press('Enter');
    const send = agent.getByRole('button', { name: 'Send' });
    await expect.poll(() => send.isDisabled()).toBe(true);
    // Enter again while the first is on its way: the form's own submit, refused by the pending write.
    await message.press('Enter');
    sends.release();
    await expect.poll(() => message.inputValue()).toBe('');
    await expect.poll(() => agent.locator('.transcript .from-agent').allTextContents()).toEqual(['Hana Which invoice?']);
    expect(sends.count()).toBe(1);
    expect(await agent.getByRole('alert').count()).toBe(0);
  }, 60_000);

  it('Directory: a department is added once however often the form is sent, and a duplicate is said in its section', async () => {
    const page = await admin.signIn();
    await page.getByRole('link', { name: 'Directory' }).click();
    const departments = page.getByRole('region', { name: 'Departments' });
    const add = departments.getByRole('button', { name: 'Add' });
    await departments.getByLabel('Name').fill('Billing');
    const held = await holdRequests(page, '**/api/v1/admin/records/departments', 'POST');
    await submitTwice(add);
    await expect.poll(() => add.isDisabled()).toBe(true);
    held.release();
    await expect
      .poll(() =>
        departments
          .getByRole('listitem')
          .filter({ hasText: /^Billing$/ })
          .count(),
      )
      .toBe(1);
    expect(held.count()).toBe(1);
    await departments.getByLabel('Name').fill('Billing');
    await add.click();
    await expect.poll(() => departments.getByRole('alert').textContent()).toContain('already exists');
    expect(await page.getByRole('region', { name: 'Agents' }).getByRole('alert').count()).toBe(0);
  }, 60_000);

  it('Personal data: the retention is saved once however often the form is sent', async () => {
    const page = await admin.signIn();
    await page.getByRole('link', { name: 'Personal data' }).click();
    const retention = page.getByRole('region', { name: 'Retention' });
    await retention.getByRole('spinbutton', { name: /Finished conversations.*Days/ }).fill('120');
    const save = retention.getByRole('button', { name: 'Save retention' });
    const held = await holdRequests(page, '**/api/v1/admin/retention', 'PUT');
    await submitTwice(save);
    await expect.poll(() => save.isDisabled()).toBe(true);
    held.release();
    await expect.poll(() => retention.getByRole('status').textContent()).toBe('Retention saved.');
    expect(held.count()).toBe(1);
    expect(((await (await admin.api('/retention')).json()) as { conversations: { days: number } }).conversations.days).toBe(120);
  }, 60_000);

  it('Bots: an imported file is sent once, the file field waiting meanwhile', async () => {
    const page = await admin.signIn();
    const input = page.getByLabel('Import a bot file (YAML or JSON)');
    const held = await holdRequests(page, '**/api/v1/admin/bots/imported-once', 'PUT');
    await input.setInputFiles({
      name: 'imported-once.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from(SUPPORT.replace('id: support', 'id: imported-once')),
    });
    await expect.poll(() => input.isDisabled()).toBe(true);
    held.release();
    await page.getByRole('toolbar', { name: 'Builder actions' }).waitFor();
    expect(held.count()).toBe(1);
  }, 60_000);

  it('Sign-in: the admin token is proven once however often the form is sent, and a wrong one is said in the form', async () => {
    const page = await (await admin.browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${admin.server.url}/admin/`);
    const token = page.getByLabel('Admin token', { exact: true });
    const submit = page.getByRole('button', { name: 'Sign in' });
    await token.fill('not-the-token');
    await submit.click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('That is not the admin token. Check it and try again.');

    await token.fill(admin.server.adminToken);
    const held = await holdRequests(page, '**/api/v1/admin/bots', 'GET');
    await submitTwice(submit);
    await expect.poll(() => submit.isDisabled()).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);
    // Counted before the release: the Bots page, once signed in, asks for the list again.
    expect(held.count()).toBe(1);
    held.release();
    await page.getByRole('heading', { level: 1, name: 'Bots' }).waitFor();
  }, 60_000);

  it('Invitation: the password is set once however often the form is sent, and the new agent lands in the inbox', async () => {
    const res = await admin.api('/users', { method: 'POST', body: JSON.stringify({ email: 'kai@example.com', name: 'Kai', role: 'agent' }) });
    expect(res.status).toBe(201);
    const { invitation } = (await res.json()) as { invitation: { url: string } };
    const page = await (await admin.browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(invitation.url);
    await page.getByLabel('New password (at least 10 characters)').fill('kai has a long password');
    const submit = page.getByRole('button', { name: 'Set password and sign in' });
    const held = await holdRequests(page, '**/api/v1/auth/invitations/*', 'POST');
    await submitTwice(submit);
    await expect.poll(() => submit.isDisabled()).toBe(true);
    held.release();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    expect(held.count()).toBe(1);
  }, 60_000);

  it('Builder: Publish clicked twice at once saves and publishes one version, Save draft waiting meanwhile', async () => {
    await saveBot('publish-once', SUPPORT.replace('id: support', 'id: publish-once'));
    const page = await admin.signIn();
    await page.goto(`${admin.server.url}/admin/bots/publish-once`);
    await page.locator('.react-flow__node[data-id="open_ticket"]').waitFor();
    const publish = page.getByRole('button', { name: 'Publish' });
    const saves = await holdRequests(page, '**/api/v1/admin/bots/publish-once', 'PUT');
    await clickTwice(publish);
    await expect.poll(() => publish.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    saves.release();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Published version 2.');
    expect(saves.count()).toBe(1);
    const versions = (await (await admin.api('/bots/publish-once/versions')).json()) as { items: unknown[] };
    expect(versions.items).toHaveLength(2);
    expect(await publish.isDisabled()).toBe(false);
  }, 60_000);

  it("Builder: the preview's Start and Send each run one turn however often they are used", async () => {
    await saveBot('preview-once', SUPPORT.replace('id: support', 'id: preview-once'));
    const page = await admin.signIn();
    await page.goto(`${admin.server.url}/admin/bots/preview-once`);
    await page.locator('.react-flow__node[data-id="open_ticket"]').waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    const start = preview.getByRole('button', { name: 'Start preview' });
    const turns = await holdRequests(page, '**/api/v1/admin/preview', 'POST');
    await clickTwice(start);
    await expect.poll(() => start.isDisabled()).toBe(true);
    turns.release();
    const reply = preview.getByLabel('Your reply', { exact: true });
    await reply.waitFor();
    expect(turns.count()).toBe(1);
    const shown = await preview.locator('.line-bot').count();

    const sends = await holdRequests(page, '**/api/v1/admin/preview', 'POST');
    await reply.fill('Taro');
    await submitTwice(preview.getByRole('button', { name: 'Send' }));
    await expect.poll(() => preview.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    sends.release();
    await expect.poll(() => preview.locator('.line-bot').count()).toBeGreaterThan(shown);
    expect(sends.count()).toBe(1);
    expect(await preview.locator('.line-visitor').allTextContents()).toEqual(['Taro']);
  }, 60_000);

  // Last: it connects the helpdesk to an unreachable Zoho, which the tickets above must not meet.
  it("Versions: a rollback is sent once, and the values it could not check show on the loaded version's blocks, as a publish's do", async () => {
    const bot = SUPPORT.replace('id: support', 'id: rollback-warned');
    await saveBot('rollback-warned', bot);
    await saveBot('rollback-warned', bot.replace('name:', 'name: Second #'));
    expect((await admin.api('/bots/rollback-warned/publish', { method: 'POST', body: '{}' })).status).toBe(200);
    // The helpdesk's service cannot be asked (nothing listens on port 9): a rollback is published with warnings.
    const down = { dc: 'com', clientId: '1000.ABC', accountsUrl: 'http://127.0.0.1:9', apiUrl: 'http://127.0.0.1:9', orgId: '1' };
    const set = await admin.api('/integrations/helpdesk', {
      method: 'PUT',
      body: JSON.stringify({ provider: 'zoho', settings: down, secrets: { clientSecret: 's3cret', refreshToken: '1000.refresh' } }),
    });
    expect(set.status, await set.text()).toBe(200);

    const page = await admin.signIn();
    await page.goto(`${admin.server.url}/admin/bots/rollback-warned`);
    await page.getByRole('button', { name: 'Versions' }).click();
    const versions = page.getByRole('region', { name: 'Versions' });
    const rollback = versions.getByRole('listitem').filter({ hasText: 'v1' }).getByRole('button', { name: 'Roll back to this' });
    const held = await holdRequests(page, '**/api/v1/admin/bots/rollback-warned/rollback?*', 'POST');
    await clickTwice(rollback);
    await expect.poll(() => rollback.isDisabled()).toBe(true);
    held.release();
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 30_000 }).toBe('Version 1 is published again.');
    expect(held.count()).toBe(1);

    await page.locator('.react-flow__node[data-id="open_ticket"] .block-title').click();
    const inspector = page.getByRole('complementary', { name: 'Block settings' });
    await expect
      .poll(() => inspector.locator('.field-problems').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringMatching(/could not be asked/)]));
    const bots = (await (await admin.api('/bots')).json()) as { items: { id: string; publishedVersion: number }[] };
    expect(bots.items.find((b) => b.id === 'rollback-warned')?.publishedVersion).toBe(1);
  }, 90_000);
});
