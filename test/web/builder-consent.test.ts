import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';

// The builder knows nothing of the consent block: its palette entry, form, ports and checks come from the block's declaration.
describe('the builder with a consent block', () => {
  let admin: AdminBrowser;

  beforeAll(async () => {
    admin = await startAdminBrowser();
  }, 180_000);

  afterAll(async () => {
    await admin?.close();
  });

  const inspector = (page: Page): Locator => page.getByRole('complementary', { name: 'Block settings' });
  const node = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

  it('adds a consent from the palette, refuses a policy address that is not a web address, and previews both answers', async () => {
    const page = await admin.signIn();
    await page.locator('input[name="bot-id"]').fill('consent');
    await page.locator('input[name="bot-name"]').fill('Consent');
    await page.getByRole('button', { name: 'Create and open the builder' }).click();
    await page.getByRole('toolbar', { name: 'Builder actions' }).waitFor();

    // The first block added is where the bot starts.
    await page.locator('.palette button[data-type="consent"]').click();
    await node(page, 'consent_1').waitFor();
    const form = inspector(page);
    await form.getByLabel('Notice', { exact: true }).fill('We keep your email to answer you.');
    await form.getByLabel('URL', { exact: true }).fill('privacy.html');
    await form.getByLabel('Label', { exact: true }).fill('Privacy policy');
    await page.locator('.palette button[data-type="end"]').click();
    await node(page, 'end_1').waitFor();
    await inspector(page).getByLabel('Text', { exact: true }).fill('Thanks (%consent% at %consent_at%)');

    await node(page, 'consent_1').locator('.block-title').click();
    await expect.poll(() => form.locator('#block-id').inputValue()).toBe('consent_1');
    await form.locator('select[id="port-next"]').selectOption('end_1');
    await form.locator('select[id="port-declined"]').selectOption('end_1');
    // The canvas names ports in the admin's words since issue 20: the consent declares them.
    expect(await node(page, 'consent_1').locator('.port').allTextContents()).toEqual(['Accepted', 'Declined']);

    // A relative address is an error on the field; a web address clears it.
    await expect.poll(() => page.locator('.problem-count').getAttribute('data-errors')).toBe('1');
    await expect.poll(() => form.locator('.field.invalid').textContent()).toContain('"privacy.html" is not a valid URL (http or https)');
    await form.getByLabel('URL', { exact: true }).fill('https://example.com/privacy');
    await expect.poll(() => page.locator('.problem-count').getAttribute('data-errors')).toBe('0');

    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('button', { name: 'Start preview' }).click();
    await expect.poll(() => preview.locator('.line-bot').allTextContents()).toEqual(['We keep your email to answer you.']);
    expect(await preview.getByRole('button', { name: /agree/ }).allTextContents()).toEqual(['I agree', 'I do not agree']);
    await preview.getByRole('button', { name: 'I do not agree' }).click();
    await expect.poll(() => preview.locator('.line-bot').last().textContent()).toMatch(/^Thanks \(no at \d{4}-\d{2}-\d{2}T[\d:.]+Z\)$/);
    await page.close();
  });
});
