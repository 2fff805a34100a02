import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';
import type { RunningServer } from '../helpers/server.ts';
import { reply, startConversation } from '../helpers/visitors.ts';

describe('the admin app: retention, finding and erasing a person, the audit log', () => {
  let admin: AdminBrowser;
  let server: RunningServer;

  beforeAll(async () => {
    admin = await startAdminBrowser();
    server = admin.server;
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
  });

  const signIn = (locale: 'en-US' | 'ja-JP'): Promise<Page> =>
    admin.signIn({
      locale,
      viewport: { width: 1400, height: 1000 },
      // The erasure asks first: this admin says yes.
      prepare: (_context, page) => void page.on('dialog', (dialog) => void dialog.accept()),
    });

  it('sets retention, finds a visitor by phone, erases them, and shows it all in the audit log (English)', { timeout: 90_000 }, async () => {
    const visitor = await startConversation(server.url, 'lead');
    for (const text of ['Mio Tanaka', 'mio@example.com', '０８０－５５５５－１２１２', 'Tanaka Ltd']) await reply(server.url, visitor, text);

    const page = await signIn('en-US');
    await page.getByRole('link', { name: 'Personal data' }).click();
    await page.getByRole('heading', { level: 1, name: 'Personal data' }).waitFor();

    const retention = page.getByRole('region', { name: 'Retention' });
    await retention.getByRole('spinbutton', { name: /Finished conversations.*Days/ }).fill('90');
    await retention
      .getByRole('group', { name: /Built-in records/ })
      .getByRole('checkbox', { name: 'Keep' })
      .uncheck();
    await retention.getByRole('spinbutton', { name: /Built-in records.*Days/ }).fill('730');
    await retention.getByRole('button', { name: 'Save retention' }).click();
    await expect.poll(() => retention.getByRole('status').textContent()).toBe('Retention saved.');

    const find = page.getByRole('region', { name: 'Find a person' });
    await find.getByLabel('Search by').selectOption('phone');
    await find.getByLabel('Email address or phone number').fill('080-5555-1212');
    await find.getByRole('button', { name: 'Find' }).click();
    await find.getByRole('heading', { name: 'Held about 08055551212' }).waitFor();
    const held = await find.locator('table.held tbody tr').allTextContents();
    expect(held).toEqual(expect.arrayContaining(['Conversations1', 'Leads1']));
    expect(await find.getByRole('link').count()).toBe(1);

    await find.getByRole('button', { name: 'Erase everything…' }).click();
    await expect
      .poll(() => find.getByRole('status').textContent())
      .toMatch(/^Erased: Conversations 1, Transcript lines \d+, Integration calls 1, Integration call log 1, Leads 1\.$/);
    await find.getByRole('button', { name: 'Find' }).click();
    await expect.poll(() => find.getByRole('status').textContent()).toBe('Renkei holds nothing about 08055551212.');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const rows = page.locator('table.audit-log tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    const actions = await rows.locator('td:nth-child(2)').allTextContents();
    expect(actions).toEqual(['Personal data exported', 'Personal data erased', 'Personal data exported', 'Retention changed']);
    expect(await rows.allTextContents()).not.toContainEqual(expect.stringMatching(/mio|5555/i));
    await page.getByLabel('Action').selectOption('retention.change');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Admin token');
    expect(await rows.first().textContent()).toContain('"to":90');
  });

  it('speaks Japanese', { timeout: 60_000 }, async () => {
    const page = await signIn('ja-JP');
    await page.getByRole('link', { name: '個人データ' }).click();
    await page.getByRole('heading', { level: 2, name: '保存期間' }).waitFor();
    const find = page.getByRole('region', { name: '本人のデータを探す' });
    await find.getByLabel('メールアドレスまたは電話番号').fill('nobody@example.com');
    await find.getByRole('button', { name: '検索' }).click();
    await expect.poll(() => find.getByRole('status').textContent()).toBe('nobody@example.com について保持しているデータはありません。');
    await page.getByRole('link', { name: '監査ログ' }).click();
    await page.getByRole('heading', { level: 1, name: '監査ログ' }).waitFor();
    await expect.poll(() => page.locator('table.audit-log tbody tr td:nth-child(2)').first().textContent()).toBe('個人データをエクスポート');
  });
});
