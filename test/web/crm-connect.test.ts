import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot } from '../fake-hubspot/index.ts';
import { startFakeSalesforce, type FakeSalesforce } from '../fake-salesforce/index.ts';
import { startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';
import { connectThroughConsent, expectConnectionWorks } from './oauth-connect.ts';

/**
 * "Connect with HubSpot" and "Connect with Salesforce" on the Integrations page, as an admin
 * clicks through them: the form, the redirect to the fake's consent page (which answers at once)
 * and back through /api/v1/admin/integrations/oauth/callback, the cards then connected.
 */
describe('connecting HubSpot and Salesforce from the Integrations page', () => {
  let hubspot: FakeHubSpot;
  let salesforce: FakeSalesforce;
  let admin: AdminBrowser;

  beforeAll(async () => {
    [hubspot, salesforce] = await Promise.all([startFakeHubSpot({ seed: 21 }), startFakeSalesforce({ seed: 21 })]);
    // The fakes are on 127.0.0.1, which the admin API allows only with custom service URLs.
    admin = await startAdminBrowser({ env: { RENKEI_CUSTOM_SERVICE_URLS: '1' } });
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
    await Promise.all([hubspot?.close(), salesforce?.close()]);
  });

  beforeEach(() => {
    hubspot.reset();
    salesforce.reset();
  });

  const hubspotForm = {
    provider: 'HubSpot',
    from: 'CRM',
    get secret() {
      return hubspot.app.clientSecret;
    },
    async fill(form: Locator) {
      await form.getByLabel('Client ID', { exact: true }).fill(hubspot.app.clientId);
      await form.getByLabel('API URL (optional)').fill(hubspot.url);
      await form.getByLabel('Client secret').fill(hubspot.app.clientSecret);
    },
  } as const;

  it('HubSpot: all three roles through the consent page; each works', async () => {
    const page = await admin.signIn();
    const { hint, consoleLink } = await connectThroughConsent(page, admin.server.url, hubspotForm);
    // Said in HubSpot's words, not Zoho's ("Server-based Application", "API console").
    expect(hint).toMatch(/^Add this redirect URL on your HubSpot app's Auth tab/);
    expect(consoleLink).toEqual({ href: 'https://app.hubspot.com/developer', text: 'Open your developer account' });
    for (const role of ['CRM', 'Helpdesk', 'Mailing list'] as const) await expectConnectionWorks(page, role);
  }, 120_000);

  it('HubSpot: a declined consent comes back saying so, and leaves the roles as they were', async () => {
    const page = await admin.signIn();
    await page.getByRole('link', { name: 'Integrations' }).click();
    const before = await page.getByRole('region', { name: 'Helpdesk' }).locator('dd').first().textContent();
    const card = page.getByRole('region', { name: 'Helpdesk' });
    await card.getByRole('button', { name: /^(Connect with|Reconnect) HubSpot$/ }).click();
    const form = card.getByRole('form', { name: 'Connect with HubSpot' });
    await hubspotForm.fill(form);
    hubspot.setConsent('deny');
    await form.getByRole('button', { name: 'Connect with HubSpot' }).click();
    await page.waitForURL(/\/admin\/integrations\?oauth=denied/);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/^The consent was declined \(.+\): nothing was connected for Helpdesk/);
    // The page reloads the integrations after the redirect: the role's row is read once it settles.
    await expect.poll(() => page.getByRole('region', { name: 'Helpdesk' }).locator('dd').first().textContent()).toBe(before);
  }, 120_000);

  it('Salesforce: from the Helpdesk card, with the CRM but not the mailing list; both work', async () => {
    const page = await admin.signIn();
    const { hint, consoleLink } = await connectThroughConsent(page, admin.server.url, {
      provider: 'Salesforce',
      from: 'Helpdesk',
      roles: ['CRM'],
      secret: salesforce.client.clientSecret,
      async fill(form) {
        await form.getByLabel('Consumer key', { exact: true }).fill(salesforce.client.clientId);
        await form.getByLabel('Login URL (optional)').fill(salesforce.url);
        await form.getByLabel('Consumer secret').fill(salesforce.client.clientSecret);
      },
    });
    // Connected apps are made in the org's own Setup: no console link outside it.
    expect(hint).toMatch(/^Enter this as the Callback URL of your connected app/);
    expect(consoleLink).toBeNull();
    for (const role of ['Helpdesk', 'CRM'] as const) await expectConnectionWorks(page, role);
    // The mailing list was left unticked: still what the HubSpot test connected, or the built-in store.
    expect(await page.getByRole('region', { name: 'Mailing list' }).locator('dd').first().textContent()).not.toBe('Salesforce');
  }, 120_000);
});
