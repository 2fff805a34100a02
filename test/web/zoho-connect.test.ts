import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeZoho, type FakeZoho } from '../fake-zoho/index.ts';
import { startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';
import { connectThroughConsent, expectConnectionWorks } from './oauth-connect.ts';

/**
 * Issue 14: an admin connects Zoho from the Integrations page with one click — the fake's
 * consent page approves at once — and builds a deal bot whose stage comes from the CRM's list.
 */
describe('connecting Zoho from the Integrations page', () => {
  let fake: FakeZoho;
  let admin: AdminBrowser;

  beforeAll(async () => {
    fake = await startFakeZoho({ seed: 14 });
    // The fake is on 127.0.0.1, which the admin API allows only with custom service URLs.
    admin = await startAdminBrowser({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1' } });
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
    await fake?.close();
  });

  const inspector = (page: Page): Locator => page.getByRole('complementary', { name: 'Block settings' });

  it('connects all three roles through the consent page, then offers the CRM stages in the deal block', async () => {
    const page = await admin.signIn();
    const { hint, consoleLink } = await connectThroughConsent(page, admin.server.url, {
      provider: 'Zoho',
      from: 'CRM',
      secret: fake.client.clientSecret,
      async fill(form) {
        await form.getByLabel('Client ID', { exact: true }).fill(fake.client.clientId);
        await form.getByLabel('Accounts URL (optional)').fill(fake.url);
        await form.getByLabel('API URL (optional)').fill(fake.url);
        await form.getByLabel('Desk organisation ID (optional)').fill(fake.orgId);
        await form.getByLabel('Client secret').fill(fake.client.clientSecret);
      },
    });
    expect(hint).toMatch(/^Register this redirect URI with your app \(a "Server-based Application" in Zoho's API console\):/);
    expect(consoleLink).toEqual({ href: 'https://api-console.zoho.com', text: 'Open the API console' });
    await expectConnectionWorks(page, 'CRM');

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
    const page = await admin.signIn();
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
