import { stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { THEME_COLOURS } from '../../appearance/contrast.ts';
import type { Bot } from '../../flow/bot-schema.ts';
import { BOT_ID } from '../../flow/bot-schema.ts';
import { getPublished, listBots } from '../../store/bots.ts';
import type { Store } from '../../store/store.ts';
import { faviconIco } from '../favicon.ts';
import { ADMIN_HEADERS, chatFrameAncestors, EMBEDDABLE_HEADERS, pagePolicy } from '../security-headers.ts';

export interface WebRoutesOptions {
  /** Lists the published bots for the demo page. */
  readonly store: Store;
  /** Where `npm run build:web` writes (default: web/dist of this checkout). */
  readonly distDir?: string;
  /** RENKEI_ALLOWED_ORIGINS: the sites that may show a bot's full page in a frame (null: any). */
  readonly allowedOrigins?: readonly string[] | null;
}

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const NOT_BUILT = (what: string): string => `The ${what} is not built yet. Run \`npm run build:web\` (./run start does it for you), then reload this page.\n`;

/** Vite names the files under assets/ by their content hash: they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Pages and the widget script keep their names across releases: revalidate (ETag) instead. */
const REVALIDATE = 'no-cache';
/** Sites embed widget.js by a fixed URL; five minutes bounds how long a release takes to reach them. */
const WIDGET_CACHE = 'public, max-age=300';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The file `relative` names inside `root`, or null when it climbs out. */
function inside(root: string, relative: string): string | null {
  const path = normalize(join(root, relative));
  return path.startsWith(root.endsWith(sep) ? root : root + sep) ? path : null;
}

function notBuilt(reply: FastifyReply, what: string): FastifyReply {
  return reply.code(503).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT(what));
}

/**
 * The browser parts `renkei serve` serves from the Vite build: the embeddable widget at
 * `/widget.js` (any site may load it), the admin app at `/admin/` (a single-page app: paths that
 * are not files get its index.html), a bot's full-page chat at `/chat/{botId}` (a link for an
 * email or a QR code), and a demo page at `/demo` that embeds the widget.
 * A missing build is a 503 that says how to make it, so the API still runs without one.
 */
export const webRoutes: FastifyPluginAsync<WebRoutesOptions> = async (app, opts) => {
  const dist = opts.distDir ?? DEFAULT_DIST_DIR;
  const adminDir = join(dist, 'admin');
  // Only the reply.sendFile decorator: the routes below decide what is served.
  await app.register(fastifyStatic, { serve: false });
  const send = (reply: FastifyReply, file: string, root: string, cacheControl: string): FastifyReply =>
    reply.header('cache-control', cacheControl).sendFile(file, root, { cacheControl: false });

  app.get('/widget.js', { schema: { hide: true }, config: { securityHeaders: EMBEDDABLE_HEADERS } }, async (_request, reply) => {
    if (!(await isFile(join(dist, 'widget.js')))) return notBuilt(reply, 'chat widget');
    // The script itself is public and embedded by other sites' pages (the API enforces RENKEI_ALLOWED_ORIGINS).
    reply.header('access-control-allow-origin', '*');
    reply.header('cross-origin-resource-policy', 'cross-origin');
    return send(reply, 'widget.js', dist, WIDGET_CACHE);
  });

  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('image/x-icon').header('cache-control', 'public, max-age=86400').send(faviconIco()),
  );

  app.get('/admin', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/'));
  app.get('/admin/*', { schema: { hide: true }, config: { securityHeaders: ADMIN_HEADERS } }, async (request, reply) => {
    if (!(await isFile(join(adminDir, 'index.html')))) return notBuilt(reply, 'admin app');
    const wanted = (request.params as { '*': string })['*'];
    const file = wanted === '' ? null : inside(adminDir, wanted);
    if (file !== null && (await isFile(file))) {
      return send(reply, file.slice(adminDir.length + 1), adminDir, wanted.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
    }
    // A missing hashed asset is a stale page asking for an old build: index.html in its place would run as garbage.
    if (wanted.startsWith('assets/')) return reply.code(404).type('text/plain; charset=utf-8').send('no such file\n');
    return send(reply, 'index.html', adminDir, REVALIDATE);
  });

  const chatFrames = chatFrameAncestors(opts.allowedOrigins ?? null);
  app.get('/chat/:botId', { schema: { hide: true }, config: { securityHeaders: EMBEDDABLE_HEADERS } }, async (request, reply) => {
    const { botId } = request.params as { botId: string };
    const published = BOT_ID.test(botId) ? await getPublished(opts.store.db, botId) : undefined;
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    const page = published ? chatPage(published.bot) : chatUnavailablePage();
    reply.header('content-security-policy', pagePolicy(page.style, chatFrames));
    return reply.code(published ? 200 : 404).send(page.html);
  });

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/demo'));
  app.get('/demo', { schema: { hide: true } }, async (request, reply) => {
    const bots = (await listBots(opts.store.db)).filter((b) => b.publishedVersion !== null);
    const asked = (request.query as { bot?: unknown }).bot;
    const bot = bots.find((b) => b.id === asked) ?? bots.find((b) => b.id === 'support') ?? bots[0];
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    reply.header('content-security-policy', pagePolicy(DEMO_STYLE, ["'none'"]));
    return demoPage(`${request.protocol}://${request.host}`, bot ?? null, bots);
  });
};

/** A page Renkei writes, with its inline style (which its Content-Security-Policy allows by hash). */
interface Page {
  readonly html: string;
  readonly style: string;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * The full-page chat: the widget inline in a page of its own, in the bot's language and theme.
 * Its script and styles come from this origin only, so a strict Content-Security-Policy holds.
 */
function chatPage(bot: Bot): Page {
  const title = bot.appearance?.title ?? bot.name;
  const theme = THEME_COLOURS[bot.appearance?.theme ?? 'light'];
  const style = `html,body{margin:0;height:100%;background:${theme.background};color:${theme.text};font:16px/1.5 system-ui,sans-serif}main{box-sizing:border-box;height:100%;height:100dvh;max-width:48rem;margin:0 auto}h1{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;
  const html = `<!doctype html>
<html lang="${bot.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main id="chat">
<h1>${escapeHtml(title)}</h1>
<noscript><p>${bot.locale === 'ja' ? 'チャットを使うには JavaScript を有効にしてください。' : 'Turn on JavaScript to use the chat.'}</p></noscript>
</main>
<script src="/widget.js" data-bot="${escapeHtml(bot.id)}" data-mode="inline" data-target="#chat" async></script>
</body>
</html>
`;
  return { html, style };
}

function chatUnavailablePage(): Page {
  const style = 'body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2328}';
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Chat not available</title>
<style>${style}</style></head>
<body><main><h1>This chat is not available.</h1><p lang="ja">このチャットは利用できません。</p></main></body>
</html>
`;
  return { html, style };
}

const DEMO_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1f2328}pre{background:#f6f8fa;padding:.75rem;overflow-x:auto}';

/** A page that embeds the widget the way a customer's site does: one script tag. */
function demoPage(
  origin: string,
  bot: { readonly id: string; readonly name: string } | null,
  bots: readonly { readonly id: string; readonly name: string }[],
): string {
  const others = bots
    .map((b) => `<li><a href="/demo?bot=${encodeURIComponent(b.id)}">${escapeHtml(b.name)}</a> <code>${escapeHtml(b.id)}</code></li>`)
    .join('');
  const body =
    bot === null
      ? '<p>No bot is published yet. Publish one in the <a href="/admin/">admin</a> (or with the admin API) and reload.</p>'
      : `<p>This page embeds the chat widget for <strong>${escapeHtml(bot.name)}</strong> with one tag; open it with the button at the bottom right:</p>
<pre><code>${escapeHtml(`<script src="${origin}/widget.js" data-bot="${bot.id}" async></script>`)}</code></pre>
<script src="/widget.js" data-bot="${escapeHtml(bot.id)}" async></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Renkei demo</title>
<style>${DEMO_STYLE}</style>
</head>
<body>
<h1>Renkei</h1>
${body}
<h2>Published bots</h2>
<ul>${others || '<li>none</li>'}</ul>
<p><a href="/admin/">Admin and bot builder</a> · <a href="/docs">API docs</a></p>
</body>
</html>
`;
}
