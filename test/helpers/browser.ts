import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './cli.ts';

/** Debian's chromium: tests never download a browser. */
export const CHROMIUM = process.env['RENKEI_CHROMIUM'] ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
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
export async function staticPage(html: () => string): Promise<StaticPage> {
  const server = createServer((request, response) => {
    if (request.url !== '/') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html());
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
