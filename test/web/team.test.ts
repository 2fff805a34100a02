import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdRequests, startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';

/**
 * The Team page's forms write as the other pages' do (useSubmit): the button is disabled while
 * the write runs, a second submit meanwhile sends nothing, and a refusal is said beside the form
 * it came from, until the next try.
 */
describe('the Team page', () => {
  let admin: AdminBrowser;

  beforeAll(async () => {
    admin = await startAdminBrowser();
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
  });

  async function teamPage(): Promise<Page> {
    const page = await admin.signIn({ viewport: { width: 1400, height: 1000 } });
    await page.getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
    return page;
  }

  const section = (page: Page, heading: string): Locator => page.locator('section', { has: page.getByRole('heading', { level: 2, name: heading }) });

  /** Holds the answers to `method` requests of the admin API's `path` until released; counts them. */
  const hold = (page: Page, path: string, method: string) => holdRequests(page, `**/api/v1/admin${path}`, method);

  const accounts = async (): Promise<string[]> => {
    const res = await admin.api('/users');
    return ((await res.json()) as { users: { email: string }[] }).users.map((u) => u.email);
  };

  it('invites once however often the form is sent while the first invitation is on its way, and says a refusal beside the form', async () => {
    const page = await teamPage();
    const users = section(page, 'Accounts');
    const invite = users.getByRole('button', { name: 'Invite' });
    await users.getByLabel('Email').fill('kai@example.com');
    await users.getByLabel('Display name').fill('Kai');

    const held = await hold(page, '/users', 'POST');
    // Two submits in the same tick, before React has re-rendered the button as disabled.
    await invite.evaluate((button) => {
      const form = (button as HTMLButtonElement).form!;
      form.requestSubmit();
      form.requestSubmit();
    });
    await expect.poll(() => invite.isDisabled()).toBe(true);
    // Enter in a field while it is disabled: the browser submits nothing either.
    await users.getByLabel('Display name').press('Enter');
    held.release();
    await expect.poll(() => users.getByRole('status').textContent()).toContain('Invitation link (valid for a day) — copy it to kai@example.com:');
    expect(await invite.isDisabled()).toBe(false);
    expect(held.count()).toBe(1);
    expect((await accounts()).filter((e) => e === 'kai@example.com')).toHaveLength(1);
    await expect.poll(() => users.getByRole('cell', { name: 'kai@example.com' }).count()).toBe(1);

    // The same address again is refused: said beside the form, the invitation link gone, and cleared by the next try.
    await users.getByLabel('Email').fill('kai@example.com');
    await users.getByLabel('Display name').fill('Kai again');
    await invite.click();
    const refusal = users.getByRole('alert');
    await expect.poll(() => refusal.count()).toBe(1);
    expect(await refusal.textContent()).toMatch(/kai@example\.com|exists|already/i);
    expect(await users.getByRole('status').count()).toBe(0);
    expect(await page.locator('.team > p[role="alert"]').count()).toBe(0);
    await users.getByLabel('Email').fill('ren@example.com');
    await invite.click();
    await expect.poll(() => users.getByRole('status').textContent()).toContain('ren@example.com');
    expect(await refusal.count()).toBe(0);
  }, 60_000);

  it('saves business hours once, says an unknown time zone beside the form, and adds and removes a webhook', async () => {
    const page = await teamPage();
    const hours = section(page, 'Business hours');
    const save = hours.getByRole('button', { name: 'Save' });
    await hours.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await save.click();
    await expect.poll(() => hours.getByRole('alert').count()).toBe(1);
    expect(await hours.getByRole('alert').textContent()).toContain('IANA time zone');
    expect(await hours.getByRole('status').count()).toBe(0);

    await hours.getByLabel('Time zone').fill('Asia/Tokyo');
    const held = await hold(page, '/business-hours', 'PUT');
    await save.click();
    await expect.poll(() => save.isDisabled()).toBe(true);
    // The error of the last try is gone as soon as the next one starts.
    expect(await hours.getByRole('alert').count()).toBe(0);
    await hours.getByLabel('Time zone').press('Enter');
    held.release();
    await expect.poll(() => hours.getByRole('status').textContent()).toBe('Saved.');
    expect(held.count()).toBe(1);
    const stored = await admin.api('/business-hours');
    expect(((await stored.json()) as { timeZone: string }).timeZone).toBe('Asia/Tokyo');

    const hooks = section(page, 'Event webhooks');
    await hooks.getByLabel('URL').fill('https://hooks.example.com/renkei');
    await hooks.getByRole('button', { name: 'Add webhook' }).click();
    await expect.poll(() => hooks.getByRole('status').textContent()).toMatch(/^Signing secret \(shown once\): \S+/);
    await expect.poll(() => hooks.getByRole('listitem').count()).toBe(1);
    await hooks.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => hooks.getByRole('listitem').count()).toBe(0);
    expect(await hooks.getByRole('alert').count()).toBe(0);
  }, 60_000);
});
