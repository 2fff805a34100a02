import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './cli.ts';
import { serve, type RunningServer } from './server.ts';

/** Debian's chromium: tests never download a browser. */
export const CHROMIUM = process.env['RENKEI_CHROMIUM'] ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (process.env['RENKEI_TEST_UNIT'] === '1') {
    // vitest.unit.config.ts leaves out the files that import this module; one that reaches it
    // another way would otherwise wait for a browser `npm run test:unit` promises not to start.
    throw new Error(
      'this test starts Chromium, which `npm run test:unit` runs without: import test/helpers/browser.ts from the test file itself (docs/contributing.md, "Tests")',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface SignInOptions {
  /** The browser's language, which the admin app starts in (default English). */
  readonly locale?: 'en-US' | 'ja-JP';
  readonly viewport?: { readonly width: number; readonly height: number };
  readonly timezoneId?: string;
  /** Sign in with an account (email and password) instead of the admin token; lands on the inbox for an agent. */
  readonly account?: { readonly email: string; readonly password: string };
  /** Done to the context before the first page loads (routes, listeners). */
  readonly prepare?: (context: BrowserContext, page: Page) => void | Promise<void>;
}

export interface AdminBrowser {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** A fresh browser context (English unless told) signed in to the admin, with the server's token on the Bots page unless an account is given. */
  signIn(options?: SignInOptions): Promise<Page>;
  /** A request to the admin API with the server's token (JSON unless the caller says). */
  api(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

const SIGN_IN = {
  'en-US': { token: 'Admin token', submit: 'Sign in', bots: 'Bots', useAccount: 'Use an account (email and password)', email: 'Email', password: 'Password' },
  'ja-JP': { token: '管理トークン', submit: 'ログイン', bots: 'ボット', useAccount: null, email: null, password: null },
} as const;

/**
 * What a test of the admin pages needs: the admin app built (and the widget, with `widget`),
 * `renkei serve` (with `env`) and Chromium. Started once per file (beforeAll), closed after (afterAll).
 */
export async function startAdminBrowser(opts: { readonly env?: Readonly<Record<string, string>>; readonly widget?: boolean } = {}): Promise<AdminBrowser> {
  await ensureWebBuild('admin');
  if (opts.widget) await ensureWebBuild('widget');
  const server = await serve(opts.env ? { env: opts.env } : {});
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    server,
    browser,
    async signIn(options = {}) {
      const locale = options.locale ?? 'en-US';
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1600, height: 1000 },
        locale,
        ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
      });
      const page = await context.newPage();
      await options.prepare?.(context, page);
      await page.goto(`${server.url}/admin/`);
      const words = SIGN_IN[locale];
      if (options.account) {
        if (words.useAccount === null) throw new Error('signing in with an account is written for the English page');
        await page.getByRole('button', { name: words.useAccount }).click();
        await page.getByLabel(words.email).fill(options.account.email);
        await page.getByLabel(words.password).fill(options.account.password);
        await page.getByRole('button', { name: words.submit }).click();
        await page.getByRole('banner').waitFor();
        return page;
      }
      await page.getByLabel(words.token, { exact: true }).fill(server.adminToken);
      await page.getByRole('button', { name: words.submit }).click();
      await page.getByRole('heading', { level: 1, name: words.bots }).waitFor();
      return page;
    },
    api: (path, init = {}) =>
      fetch(`${server.url}/api/v1/admin${path}`, {
        ...init,
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json', ...init.headers },
      }),
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

export interface HeldRequests {
  /** How many matching requests arrived (each held until `release`). */
  count(): number;
  release(): void;
}

/**
 * Holds the answers to the page's `method` requests whose URL matches `url` (a glob) until
 * released, and counts them: what a page shows while its write is on its way, and how many it sent.
 */
export async function holdRequests(page: Page, url: string, method: string): Promise<HeldRequests> {
  let count = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route(url, async (route) => {
    if (route.request().method() !== method) return route.fallback();
    count++;
    await gate;
    await route.fallback();
  });
  return { count: () => count, release };
}

const BUILDS = {
  widget: { output: 'web/dist/widget.js', config: 'web/widget/vite.config.ts' },
  admin: { output: 'web/dist/admin/index.html', config: 'web/admin/vite.config.ts' },
} as const;

/** Builds a web app with Vite unless its output is there (`npm test` builds first; this is for running one file). */
export async function ensureWebBuild(app: keyof typeof BUILDS): Promise<void> {
  const { output, config } = BUILDS[app];
  if (existsSync(join(ROOT, output))) return;
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', config, '--logLevel', 'warn'], {
    cwd: ROOT,
  });
}

export interface StaticPage {
  /** The page's URL: another origin than the Renkei server's (another port). */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves one HTML page on 127.0.0.1, as a customer's site would embed the widget. */
export function staticPage(html: () => string): Promise<StaticPage> {
  return staticSite({ '/': html });
}

/** Serves HTML pages by path (query strings ignored) on 127.0.0.1: a customer's site of several pages. */
export async function staticSite(pages: Readonly<Record<string, () => string>>): Promise<StaticPage> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const page = Object.hasOwn(pages, path) ? pages[path] : undefined;
    if (!page) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  /** Where: the CSS selectors of the offending nodes (shadow-DOM paths as arrays). */
  readonly targets: readonly unknown[];
}

/**
 * Runs axe-core (its source evaluated in the page, as the devtools would, so the page's own
 * Content-Security-Policy does not refuse it; nothing downloaded) over the whole document, open
 * shadow roots included, and returns the serious and critical violations.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }> }>;
        };
      }
    ).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target) }));
  });
}
