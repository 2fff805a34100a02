/// <reference lib="dom" />
// (for the callbacks given to page.evaluate: they run in the browser)
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { seriousAxeViolations, startAdminBrowser, type AdminBrowser } from '../helpers/browser.ts';
import type { RunningServer } from '../helpers/server.ts';

const SCREENSHOTS = process.env['RENKEI_SCREENSHOTS'] === '1';
const EXAMPLES = ['support', 'lead', 'contact', 'deal', 'newsletter'];

type RawBlock = Record<string, unknown> & { type: string };

/** What each block of an example says, as its file writes it: the canvas must show all of it. */
function expectedTexts(block: RawBlock): string[] {
  const out: string[] = [];
  for (const key of ['text', 'prompt', 'subject']) if (typeof block[key] === 'string') out.push(block[key]);
  if (Array.isArray(block['options'])) for (const o of block['options'] as { label: string }[]) out.push(o.label);
  const save = block['save'];
  if (typeof save === 'string') out.push(save);
  else if (save !== null && typeof save === 'object') out.push(...Object.values(save as Record<string, string>));
  return out;
}

/** Issue 20, item 8: the canvas can be read and worked with as SalesIQ's and Typebot's can. */
describe('the builder canvas', () => {
  let admin: AdminBrowser;
  let server: RunningServer;

  beforeAll(async () => {
    admin = await startAdminBrowser();
    server = admin.server;
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
  });

  const signedIn = (): Promise<Page> => admin.signIn({ locale: 'ja-JP', viewport: { width: 1400, height: 900 } });

  const node = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);
  const inspector = (page: Page): Locator => page.getByRole('complementary', { name: 'ブロックの設定' });

  /** Per block: its text as drawn, and the smallest font size of its text in screen pixels (font size × the canvas zoom). */
  const drawn = (page: Page) =>
    page.evaluate(() => {
      const viewport = document.querySelector<HTMLElement>('.react-flow__viewport')!;
      const zoom = new DOMMatrix(getComputedStyle(viewport).transform).a;
      return [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((el) => {
        const texts = [...el.querySelectorAll<HTMLElement>('.block-type, .block-title, .block-summary p, .port span')];
        const smallest = Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * zoom));
        return { id: el.dataset['id']!, text: el.innerText.replace(/\s+/g, ' '), px: smallest };
      });
    });

  it('shows what every block of each example says, at 11 px or more, at the first view in a 1400×900 window', async () => {
    const page = await signedIn();
    for (const bot of EXAMPLES) {
      const file = parse(readFileSync(join(ROOT, 'examples', `${bot}.yaml`), 'utf8')) as { blocks: Record<string, RawBlock> };
      await page.goto(`${server.url}/admin/bots/${bot}`);
      await page.locator('.react-flow__node').first().waitFor();
      // fitView runs once the nodes are measured.
      await page.waitForTimeout(300);
      const nodes = await drawn(page);
      expect(nodes.map((n) => n.id).sort()).toEqual(Object.keys(file.blocks).sort());
      for (const n of nodes) {
        expect(n.px, `${bot}/${n.id}`).toBeGreaterThanOrEqual(11);
        for (const text of expectedTexts(file.blocks[n.id]!)) expect(n.text, `${bot}/${n.id}`).toContain(text.replace(/\s+/g, ' ').slice(0, 12));
      }
      expect(await page.locator('.react-flow__minimap').isVisible()).toBe(true);
    }
    // The ticket's ports are named in Japanese, on the block and on its connections.
    await page.goto(`${server.url}/admin/bots/support`);
    const ticket = node(page, 'open_ticket');
    await ticket.waitFor();
    expect(await ticket.locator('.port span').allInnerTexts()).toEqual(expect.arrayContaining(['成功', '失敗']));
    expect(await ticket.innerText()).not.toMatch(/\bsuccess\b|\bfailure\b/);
    if (SCREENSHOTS) {
      mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'docs/screenshots/builder-ja.png') });
    }
    await page.context().close();
  }, 90_000);

  it('connects a new block after the selected one, prefills where a name is saved, and duplicates, copies and pastes blocks', async () => {
    const page = await signedIn();
    await page.goto(`${server.url}/admin/bots/canvas?name=Canvas&locale=ja`);
    await page.getByRole('toolbar').waitFor();
    await page.locator('.palette button[data-type="message"]').click();
    await node(page, 'message_1').waitFor();
    // message_1 is selected: the question added now follows it.
    await page.locator('.palette button[data-type="ask"]').click();
    await node(page, 'ask_1').waitFor();
    await node(page, 'message_1').locator('.block-title').click();
    await expect.poll(() => inspector(page).locator('select[id="port-next"]').inputValue()).toBe('ask_1');

    await node(page, 'ask_1').locator('.block-title').click();
    await inspector(page).getByLabel('回答の種類', { exact: true }).selectOption('name');
    expect(await inspector(page).getByLabel('保存先の変数', { exact: true }).inputValue()).toBe('visitor.name');
    await inspector(page).getByLabel('回答の種類', { exact: true }).selectOption('email');
    expect(await inspector(page).getByLabel('保存先の変数', { exact: true }).inputValue()).toBe('visitor.email');

    await inspector(page).getByRole('button', { name: '複製' }).click();
    await node(page, 'ask_2').waitFor();
    await node(page, 'message_1').locator('.block-title').click();
    await page.keyboard.press('Control+C');
    await page.keyboard.press('Control+V');
    await node(page, 'message_2').waitFor();
    await page.keyboard.press('Control+D');
    await node(page, 'message_3').waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(5);
    await page.context().close();
  }, 60_000);

  it('offers every variable in the merge-field picker, marking those not set on every path, and keeps the form inside its column', async () => {
    const page = await signedIn();
    await page.goto(`${server.url}/admin/bots/support`);
    await node(page, 'open_ticket').waitFor();
    await node(page, 'open_ticket').locator('.block-title').click();
    const picker = inspector(page).getByRole('combobox', { name: /件名/ }).first();
    const offered = await picker.locator('option').allInnerTexts();
    expect(offered).toContain('%issue%');
    expect(offered).toContain('%priority%');
    // Saved by this very block: no path sets it before the ticket is opened.
    expect(offered).toContain('%ticket_number%（経路によっては未設定）');

    const overflow = await inspector(page).evaluate((aside) => {
      const box = aside.getBoundingClientRect();
      const out = [...aside.querySelectorAll<HTMLElement>('*')]
        .filter((el) => el.getBoundingClientRect().right > box.right + 0.5)
        .map((el) => el.outerHTML.slice(0, 80));
      return { scroll: aside.scrollWidth - aside.clientWidth, out };
    });
    expect(overflow).toEqual({ scroll: 0, out: [] });
    await page.context().close();
  }, 60_000);

  it('finds no serious or critical accessibility violation in the builder', async () => {
    const page = await signedIn();
    await page.goto(`${server.url}/admin/bots/support`);
    await node(page, 'open_ticket').waitFor();
    await node(page, 'open_ticket').locator('.block-title').click();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  }, 60_000);
});
