import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'web/dist');
const ADMIN = join(DIST, 'admin');
/** The admin app is served under this path (its Vite `base`). */
const ADMIN_BASE = '/admin/';

const gzipBytes = (file: string): number => gzipSync(readFileSync(file)).length;

function build(config: string): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', config, '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** The file a URL in the admin build refers to (`/admin/assets/x.js`, `./x.js` from `from`). */
function adminFile(url: string, from: string): string | null {
  if (/^[a-z]+:/i.test(url) || url.startsWith('//')) return null;
  if (url.startsWith(ADMIN_BASE)) return join(ADMIN, url.slice(ADMIN_BASE.length));
  if (url.startsWith('/')) return null;
  return join(dirname(from), posix.normalize(url));
}

/** Static `import … from "x"` / `import "x"` / `export … from "x"` of an ES module; `import("x")` is not one. */
const STATIC_IMPORT = /(?:^|[^\w$.])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g;

/**
 * The JavaScript the admin page loads before it can run: the module scripts of index.html,
 * the chunks it preloads, `lazyEntries` (chunks the page loads at once on a given route), and
 * every chunk those import statically. Other lazy chunks (dynamic import) are not counted.
 */
export function firstLoadScripts(indexHtml: string, indexPath: string, lazyEntries: readonly string[] = []): string[] {
  const pending: string[] = [...lazyEntries];
  for (const match of indexHtml.matchAll(/<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/g)) pending.push(match[1]!);
  for (const match of indexHtml.matchAll(/<link\b[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/g)) pending.push(match[1]!);
  const seen = new Set<string>();
  const queue = pending.map((url) => adminFile(url, indexPath)).filter((f): f is string => f !== null);
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const next = adminFile(match[1]!, file);
      if (next !== null) queue.push(next);
    }
  }
  return [...seen].sort();
}

/** Gzipped sizes of the widget script and of the builder's first load (builds what is missing). */
export async function benchWebSizes(): Promise<{ widget_gzip_bytes: number; builder_gzip_bytes: number }> {
  const widget = join(DIST, 'widget.js');
  const index = join(ADMIN, 'index.html');
  if (!existsSync(widget)) build('web/widget/vite.config.ts');
  if (!existsSync(index)) build('web/admin/vite.config.ts');
  // The builder route (/admin/bots/{id}) loads its lazy page chunk straight away: it counts.
  const assets = join(ADMIN, 'assets');
  const builderPage = readdirSync(assets)
    .filter((f) => /^BuilderPage-.*\.js$/.test(f))
    .map((f) => `${ADMIN_BASE}assets/${f}`);
  if (builderPage.length !== 1) throw new Error(`expected one BuilderPage chunk in ${assets}, found ${builderPage.length}`);
  const scripts = firstLoadScripts(readFileSync(index, 'utf8'), index, builderPage);
  if (scripts.length === 0) throw new Error(`${index} loads no module script: is it a Vite build?`);
  return {
    widget_gzip_bytes: gzipBytes(widget),
    builder_gzip_bytes: scripts.reduce((sum, file) => sum + gzipBytes(file), 0),
  };
}
