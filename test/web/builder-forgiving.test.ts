/// <reference lib="dom" />
// (for the callbacks given to page.evaluate: they run in the browser)
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';
import type { RunningServer } from '../helpers/server.ts';

/** A file with a misspelt port target, a misspelt key and a choice value the helpdesk does not know. */
const BAD_FILE = `renkei: 1
id: ignored
name: 問い合わせ
locale: ja
start: ask_issue
blocks:
  ask_issue:
    type: ask
    kind: text
    prompt: "ご用件は？"
    save: issue
    nxt: pick_priority
  pick_priority:
    type: choice
    prompt: "優先度は？"
    save: priority
    options:
      - { label: 高, value: 高, next: open }
  open:
    type: helpdesk.ticket
    subject: "%issue%"
    priority: "%priority%"
    ports: { success: done, failure: dne }
  done:
    type: end
`;

/** Issue 20: the builder forgives what a new author does — typing after a rename, bad files, wrong values, a bad bot id. */
describe('the builder, forgiving', () => {
  let admin: AdminBrowser;
  let server: RunningServer;

  beforeAll(async () => {
    admin = await startAdminBrowser();
    server = admin.server;
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
  });

  const signedIn = (locale: 'en-US' | 'ja-JP', consoleErrors?: string[]): Promise<Page> =>
    admin.signIn({
      locale,
      viewport: { width: 1400, height: 900 },
      prepare: (_context, page) => {
        if (!consoleErrors) return;
        page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
        page.on('pageerror', (e) => consoleErrors.push(e.message));
      },
    });

  const node = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);
  const inspector = (page: Page, name = 'Block settings'): Locator => page.getByRole('complementary', { name });

  it('keeps what is typed into a field right after the block was renamed, and calls an empty question a problem', async () => {
    const page = await signedIn('en-US');
    await page.goto(`${server.url}/admin/bots/renamed?name=Renamed`);
    await page.getByRole('toolbar', { name: 'Builder actions' }).waitFor();
    await page.locator('.palette button[data-type="ask"]').click();
    const form = inspector(page);
    await form.locator('#block-id').waitFor();
    const question = form.getByLabel('Question', { exact: true });
    // A new question is empty: the bot would ask nothing, so it is an error until written.
    await expect.poll(() => form.getByRole('alert').allInnerTexts()).toContainEqual(expect.stringContaining('prompt is empty'));

    await form.locator('#block-id').fill('ask_issue');
    // The click on the text field is what moves the focus away from the id (and renames the block).
    await question.click();
    await page.keyboard.type('How can we help?');
    await node(page, 'ask_issue').waitFor();
    expect(await inspector(page).getByLabel('Question', { exact: true }).inputValue()).toBe('How can we help?');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await expect.poll(() => inspector(page).getByRole('alert').allInnerTexts()).not.toContainEqual(expect.stringContaining('prompt is empty'));
    await page.context().close();
  }, 60_000);

  it('words a new choice’s problems in Japanese, not in zod’s English', async () => {
    const page = await signedIn('ja-JP');
    await page.goto(`${server.url}/admin/bots/words?name=Words&locale=ja`);
    await page.getByRole('toolbar').waitFor();
    await page.locator('.palette button[data-type="choice"]').click();
    const form = inspector(page, 'ブロックの設定');
    await form.locator('#block-id').waitFor();
    // A choice without options, then one with an empty label and value.
    await expect.poll(() => form.getByRole('alert').allInnerTexts()).toContainEqual(expect.stringContaining('options が空です'));
    await form.getByRole('button', { name: '選択肢を追加' }).click();
    await expect.poll(() => form.getByRole('alert').allInnerTexts()).toContainEqual(expect.stringContaining('label が空です'));
    const said = (await form.getByRole('alert').allInnerTexts()).join('\n');
    expect(said).not.toMatch(/Too small|expected|must|Invalid|needs/);
    await page.context().close();
  }, 60_000);

  it('lists an imported file’s problems by line and block, in Japanese, with the "did you mean"', async () => {
    const page = await signedIn('ja-JP');
    await page.goto(`${server.url}/admin/bots/imported?name=Imported&locale=ja`);
    // The new bot is loaded (its settings show its name) before a file replaces it.
    await expect.poll(() => page.getByRole('complementary', { name: 'ボットの設定' }).getByRole('textbox').first().inputValue()).toBe('Imported');
    await page.getByTestId('import-file').setInputFiles({ name: 'toiawase.yaml', mimeType: 'application/yaml', buffer: Buffer.from(BAD_FILE) });
    const list = page.getByRole('alert', { name: 'toiawase.yaml の問題' });
    await list.waitFor();
    const items = await list.getByRole('listitem').allInnerTexts();
    const lines = items.map((s) => s.replace(/\s+/g, ' '));
    expect(lines).toContainEqual(expect.stringMatching(/^12 行目 ブロック ask_issue nxt 不明なキー "nxt"（"next" の誤りですか？）/));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^18 行目 ブロック pick_priority options\.0\.value 選択肢 1 は "高" を priority に保存しますが.*使える値は High、Medium、Low、None だけです/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^23 行目 ブロック open ports\.failure このボットにブロック "dne" はありません（"done" の誤りですか？）/),
    );
    expect(await list.innerText()).toContain('toiawase.yaml にエラーが');
    expect(await list.innerText()).not.toMatch(/invalid_bot|did you mean|unknown key/);
    // What could be read is on the canvas, to be fixed there.
    await node(page, 'pick_priority').waitFor();
    await page.context().close();
  }, 60_000);

  it('refuses a choice value the helpdesk does not know for the priority it feeds, and offers the ones it does', async () => {
    const page = await signedIn('ja-JP');
    await page.goto(`${server.url}/admin/bots/support`);
    await node(page, 'pick_priority').waitFor();
    await node(page, 'pick_priority').locator('.block-title').click();
    const form = inspector(page, 'ブロックの設定');
    const firstValue = form.locator('.list-item').first();
    const offered = firstValue.getByRole('combobox', { name: '値を選択' });
    expect(await offered.locator('option').allInnerTexts()).toEqual(['選択…', 'High', 'Medium', 'Low', 'None']);
    expect(await offered.inputValue()).toBe('Low');

    await firstValue.getByLabel('値', { exact: true }).fill('高');
    await expect
      .poll(() => form.getByRole('alert').allInnerTexts())
      .toContainEqual(expect.stringContaining('選択肢 1 は "高" を priority に保存しますが、ブロック "open_ticket" はこれを priority として送ります'));
    await offered.selectOption('Low');
    await expect.poll(() => form.getByRole('alert').count()).toBe(0);
    await page.context().close();
  }, 60_000);

  it('takes only a valid bot id in the new-bot form, without a console error, and says what is wrong with an invalid one', async () => {
    const errors: string[] = [];
    const page = await signedIn('ja-JP', errors);
    const id = page.locator('input[name="bot-id"]');
    await id.fill('Toiawase 2');
    expect(await id.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false);
    expect(await id.evaluate((el: HTMLInputElement) => el.validationMessage)).toContain('小文字の英字・数字・ハイフン');
    await id.fill('toiawase-2');
    expect(await id.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(true);
    expect(errors.filter((e) => /pattern/i.test(e))).toEqual([]);

    // An id typed into the address bar opens no builder whose every error is about something else.
    await page.goto(`${server.url}/admin/bots/Toiawase%202`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('ボット ID「Toiawase 2」は使えません');
    expect(await page.locator('body').innerText()).not.toContain('renkei');
    await page.context().close();
  }, 60_000);
});
