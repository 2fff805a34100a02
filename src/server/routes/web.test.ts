import { mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { publishFile } from '../../store/bots.ts';
import { tempDir, tempStore } from '../../store/test-support.ts';
import { webRoutes } from './web.ts';

const WIDGET = '(function(){console.log("widget")})();\n';
const INDEX = '<!doctype html><title>Renkei admin</title><div id="root"></div>\n';
const ASSET = 'export const app = 1;\n';

/** A web/dist like `npm run build:web` leaves, or an empty one. */
function dist(built: boolean): string {
  const dir = tempDir();
  if (built) {
    mkdirSync(join(dir, 'admin/assets'), { recursive: true });
    writeFileSync(join(dir, 'widget.js'), WIDGET);
    writeFileSync(join(dir, 'admin/index.html'), INDEX);
    writeFileSync(join(dir, 'admin/assets/index-Ab12Cd.js'), ASSET);
  }
  return dir;
}

async function app(distDir: string, bots: readonly string[] = []): Promise<FastifyInstance> {
  const store = await tempStore();
  for (const file of bots) await publishFile(store.db, file);
  const server = Fastify();
  await server.register(webRoutes, { store, distDir });
  onTestFinished(() => server.close());
  return server;
}

/** A GET with the path sent exactly as written (fetch would normalise it). */
function rawGet(origin: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(`${origin}/`, { path }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
    });
    request.on('error', reject);
  });
}

const EXAMPLES = new URL('../../../examples/', import.meta.url).pathname;

describe('the widget script', () => {
  it('is served as JavaScript that any site may load, cached briefly and revalidated by ETag', async () => {
    const server = await app(dist(true));
    const res = await server.inject({ url: '/widget.js', headers: { origin: 'https://customer.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(WIDGET);
    expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const again = await server.inject({ url: '/widget.js', headers: { 'if-none-match': String(res.headers['etag']) } });
    expect(again.statusCode).toBe(304);
  });

  it('is a 503 saying how to build it when the build is missing', async () => {
    const server = await app(dist(false));
    const res = await server.inject('/widget.js');
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('npm run build:web');
  });
});

describe('the admin app', () => {
  it('serves its files, hashed assets as immutable', async () => {
    const server = await app(dist(true));
    const asset = await server.inject('/admin/assets/index-Ab12Cd.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe(ASSET);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const index = await server.inject('/admin/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toBe(INDEX);
  });

  it('answers any other path under /admin/ with index.html (the app routes in the browser)', async () => {
    const server = await app(dist(true));
    for (const url of ['/admin/bots/support', '/admin/records/tickets?search=x', '/admin/conversations/01a2.b3']) {
      const res = await server.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
    }
    const bare = await server.inject('/admin');
    expect(bare.statusCode).toBe(302);
    expect(bare.headers['location']).toBe('/admin/');
  });

  it('is a 404 for a missing hashed asset, never index.html in its place', async () => {
    const server = await app(dist(true));
    const res = await server.inject('/admin/assets/index-Old999.js');
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('<!doctype');
  });

  it('serves nothing outside its directory', async () => {
    const server = await app(dist(true));
    // Over a socket: inject() would resolve the dot segments before the server saw them.
    const origin = await server.listen({ port: 0, host: '127.0.0.1' });
    for (const path of ['/admin/../widget.js', '/admin/%2e%2e/widget.js', '/admin/..%2fwidget.js', '/admin/assets/..%2f..%2fwidget.js']) {
      const body = await rawGet(origin, path);
      expect(body, path).not.toContain('console.log("widget")');
    }
  });

  it('is a 503 saying how to build it when the build is missing', async () => {
    const server = await app(dist(false));
    for (const url of ['/admin/', '/admin/bots/support']) {
      const res = await server.inject(url);
      expect(res.statusCode, url).toBe(503);
      expect(res.body, url).toContain('npm run build:web');
    }
  });
});

describe('the demo page', () => {
  it('embeds the widget for the support bot, and lists every published bot', async () => {
    const server = await app(dist(true), [join(EXAMPLES, 'lead.yaml'), join(EXAMPLES, 'support.yaml')]);
    const res = await server.inject('/demo');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<script src="/widget.js" data-bot="support" async></script>');
    expect(res.body).toContain('href="/demo?bot=lead"');
    const lead = await server.inject('/demo?bot=lead');
    expect(lead.body).toContain('<script src="/widget.js" data-bot="lead" async></script>');
    expect((await server.inject('/')).headers['location']).toBe('/demo');
  });

  it('says so when no bot is published', async () => {
    const server = await app(dist(true));
    const res = await server.inject('/demo');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No bot is published yet');
    expect(res.body).not.toContain('/widget.js');
  });

  it('shows bot names as text', async () => {
    const dir = tempDir();
    const file = join(dir, 'x.yaml');
    writeFileSync(file, 'renkei: 1\nid: x\nname: "<script>alert(1)</script>"\nlocale: en\nstart: hi\nblocks:\n  hi:\n    type: end\n    text: hi\n');
    const server = await app(dist(true), [file]);
    const res = await server.inject('/demo');
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('the full-page chat', () => {
  it("embeds the widget inline in a page of its own, in the bot's language, title and theme", async () => {
    const dir = tempDir();
    const file = join(dir, 'page.yaml');
    writeFileSync(
      file,
      'renkei: 1\nid: page-bot\nname: Page bot\nlocale: ja\nstart: hi\nblocks:\n  hi:\n    type: end\n    text: hi\nappearance:\n  theme: dark\n  title: "<b>サポート</b>"\n',
    );
    const server = await app(dist(true), [file]);
    const res = await server.inject('/chat/page-bot');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<html lang="ja">');
    expect(res.body).toContain('<title>&lt;b&gt;サポート&lt;/b&gt;</title>');
    expect(res.body).not.toContain('<b>サポート</b>');
    expect(res.body).toContain('background:#161b22');
    expect(res.body).toContain('<script src="/widget.js" data-bot="page-bot" data-mode="inline" data-target="#chat" async></script>');
    // No inline script: the page works under a script-src 'self' policy.
    expect(res.body.match(/<script\b/g)).toHaveLength(1);
  });

  it('is a 404 page for a bot that is not published or a malformed id', async () => {
    const server = await app(dist(true), [join(EXAMPLES, 'lead.yaml')]);
    for (const path of ['/chat/nobody', '/chat/Not_A_Bot']) {
      const res = await server.inject(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.body).toContain('This chat is not available.');
      expect(res.body).not.toContain('/widget.js');
    }
    expect((await server.inject('/chat/lead')).statusCode).toBe(200);
  });
});

describe('/favicon.ico', () => {
  it('is a 32×32 icon, served without a build, so browsers find no 404', async () => {
    const server = await app(dist(false));
    const res = await server.inject({ url: '/favicon.ico' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/x-icon');
    const bytes = res.rawPayload;
    // ICONDIR: reserved 0, type 1 (icon), one image of 32×32 at 32 bits, its PNG right after the directory.
    expect([bytes.readUInt16LE(0), bytes.readUInt16LE(2), bytes.readUInt16LE(4), bytes[6], bytes[7], bytes.readUInt16LE(12)]).toEqual([0, 1, 1, 32, 32, 32]);
    expect(bytes.readUInt32LE(14)).toBe(bytes.length - 22);
    expect(bytes.subarray(22, 30)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBeLessThan(2048);
  });
});
