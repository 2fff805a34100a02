import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeZoho, type FakeZoho } from '../fake-zoho/index.ts';
import { ensureWebBuild, launchChromium } from '../helpers/browser.ts';
import { serve, type RunningServer } from '../helpers/server.ts';

/**
 * Issue 14: an admin connects Zoho from the Integrations page with one click — the fake's
 * consent page approves at once — and builds a deal bot whose stage comes from the CRM's list.
 */
describe('connecting Zoho from the Integrations page', () => {
  let fake: FakeZoho;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild('admin');
    fake = await startFakeZoho({ seed: 14 });
    // The fake is on 127.0.0.1, which the admin API allows only with custom service URLs.
    server = await serve({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1' } });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  async function adminPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/`);
    await page.getByLabel('Admin token', { exact: true }).fill(server.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bots' }).waitFor();
    return page;
  }

  const inspector = (page: Page): Locator => page.getByRole('complementary', { name: 'Block settings' });

  it('connects all three roles through the consent page, then offers the CRM stages in the deal block', async () => {
    const page = await adminPage();
    await page.getByRole('link', { name: 'Integrations' }).click();
    const crm = page.getByRole('region', { name: 'CRM' });
    await crm.getByRole('button', { name: 'Connect with Zoho', exact: true }).click();
    const form = crm.getByRole('form', { name: 'Connect with Zoho' });
    // The redirect URI to register, on this server.
    await expect.poll(() => form.locator('code').textContent()).toBe(`${server.url}/api/v1/admin/integrations/oauth/callback`);
    expect(await form.getByRole('link', { name: 'Open the API console' }).getAttribute('href')).toBe('https://api-console.zoho.com');
    for (const role of ['CRM', 'Helpdesk', 'Mailing list']) expect(await form.getByLabel(role).isChecked()).toBe(true);
    await form.getByLabel('Client ID', { exact: true }).fill(fake.client.clientId);
    await form.getByLabel('Accounts URL (optional)').fill(fake.url);
    await form.getByLabel('API URL (optional)').fill(fake.url);
    await form.getByLabel('Desk organisation ID (optional)').fill(fake.orgId);
    await form.getByLabel('Client secret').fill(fake.client.clientSecret);
    await form.getByRole('button', { name: 'Connect with Zoho' }).click();

    // To the fake's consent page, which approves at once, and back to this page, connected.
    await page.waitForURL(/\/admin\/integrations\?oauth=connected/);
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Connected: CRM, Helpdesk, Mailing list.');
    for (const role of ['CRM', 'Helpdesk', 'Mailing list']) {
      await expect.poll(() => page.getByRole('region', { name: role }).locator('dd').first().textContent()).toBe('Zoho');
    }
    expect(await page.content()).not.toContain(fake.client.clientSecret);
    await crm.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => crm.getByRole('status').textContent(), { timeout: 20_000 }).toBe('The connection works.');

    // A deal bot: the stage is chosen from the CRM's own list.
    await page.getByRole('link', { name: 'Bots' }).click();
    await page.locator('input[name="bot-id"]').fill('deals');
    await page.locator('input[name="bot-name"]').fill('Deals');
    await page.getByRole('button', { name: 'Create and open the builder' }).click();
    await page.getByRole('toolbar', { name: 'Builder actions' }).waitFor();
    await page.locator('.palette button[data-type="crm.deal"]').click();
    await expect.poll(() => inspector(page).locator('#block-id').inputValue()).toBe('crm_deal_1');
    const stages = inspector(page).getByLabel('Choose Stage');
    await expect.poll(() => stages.locator('option').allTextContents()).toEqual(expect.arrayContaining(['Qualification', 'Negotiation/Review', 'Closed Won']));
    await stages.selectOption('Negotiation/Review');
    await expect.poll(() => inspector(page).getByLabel('Stage', { exact: true }).inputValue()).toBe('Negotiation/Review');
  }, 120_000);

  it("offers the account's Desk organisations after the consent when it sees several, and keeps the connection", async () => {
    fake.desk.otherOrganizations.push({ id: '7000001', companyName: 'Second Portal' });
    const page = await adminPage();
    await page.getByRole('link', { name: 'Integrations' }).click();
    const desk = page.getByRole('region', { name: 'Helpdesk' });
    await desk.getByRole('button', { name: /^(Connect with|Reconnect) Zoho$/ }).click();
    const form = desk.getByRole('form', { name: 'Connect with Zoho' });
    for (const role of ['CRM', 'Mailing list']) await form.getByLabel(role).uncheck();
    await form.getByLabel('Client ID', { exact: true }).fill(fake.client.clientId);
    await form.getByLabel('Accounts URL (optional)').fill(fake.url);
    await form.getByLabel('API URL (optional)').fill(fake.url);
    // The form starts from the stored settings: this time no organisation is named.
    await form.getByLabel('Desk organisation ID (optional)').fill('');
    await form.getByLabel('Client secret').fill(fake.client.clientSecret);
    await form.getByRole('button', { name: 'Connect with Zoho' }).click();
    await page.waitForURL(/\/admin\/integrations\?oauth=connected/);

    const picker = desk.getByRole('combobox', { name: /^Desk organisation/ });
    await expect
      .poll(() => picker.locator('option').allTextContents(), { timeout: 20_000 })
      .toEqual(['Choose the organisation…', `Fake Zoho KK (${fake.orgId})`, 'Second Portal (7000001)']);
    await picker.selectOption(fake.orgId);
    await desk.getByRole('button', { name: 'Use this organisation' }).click();
    await expect.poll(() => picker.count()).toBe(0);
    await desk.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => desk.getByRole('status').last().textContent(), { timeout: 20_000 }).toBe('The connection works.');
  }, 120_000);
});
