import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHOICE_BOT, testServer } from './test-support.ts';

/** A Content-Security-Policy as directive → sources. */
function directives(header: unknown): Record<string, string[]> {
  expect(typeof header).toBe('string');
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

/** Every source of a policy that names another origin (a scheme, a host, a wildcard). */
const foreign = (policy: Record<string, string[]>): string[] =>
  Object.values(policy)
    .flat()
    .filter((s) => !s.startsWith("'") && s !== 'data:');

describe('security headers', () => {
  it('give the admin app a policy that loads nothing from elsewhere and lets no frame hold it', async () => {
    const s = await testServer();
    for (const url of ['/admin/', '/admin/bots/lead', '/admin/assets/index.js']) {
      const res = await s.app.inject({ url });
      const policy = directives(res.headers['content-security-policy']);
      expect(policy['default-src']).toEqual(["'self'"]);
      expect(policy['script-src']).toEqual(["'self'"]);
      expect(policy['style-src']).toEqual(["'self'"]);
      expect(policy['frame-ancestors']).toEqual(["'none'"]);
      expect(foreign(policy)).toEqual([]);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('give the API, the docs and the demo page a policy, nosniff and a referrer policy', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    for (const url of [
      '/api/v1/admin/bots',
      '/api/v1/bots/colours/widget',
      '/openapi.json',
      '/healthz',
      '/metrics',
      '/docs',
      '/docs/static/index.html',
      '/demo',
      '/nowhere',
    ]) {
      const res = await s.app.inject({ url });
      expect(res.statusCode, url).toBeLessThan(500);
      const policy = directives(res.headers['content-security-policy']);
      expect(policy['frame-ancestors'], url).toEqual(["'none'"]);
      expect(foreign(policy), url).toEqual([]);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
    }
    const api = directives((await s.app.inject({ url: '/api/v1/admin/bots' })).headers['content-security-policy']);
    expect(api['default-src']).toEqual(["'none'"]);
  });

  it("allow the demo page's and a bot page's own inline style by its hash, and no other", async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    for (const url of ['/demo', '/chat/colours', '/chat/no-such-bot']) {
      const res = await s.app.inject({ url });
      const style = /<style>([^<]*)<\/style>/.exec(res.body)![1]!;
      const policy = directives(res.headers['content-security-policy']);
      expect(policy['style-src'], url).toEqual(["'self'", `'sha256-${createHash('sha256').update(style).digest('base64')}'`]);
      expect(policy['script-src'], url).toEqual(["'self'"]);
    }
  });

  it("let other sites embed the widget and frame a bot's page, only the allowed origins when they are set", async () => {
    const open = await testServer();
    await open.publishBot(CHOICE_BOT);
    const widget = await open.app.inject({ url: '/widget.js' });
    expect(widget.headers['x-frame-options']).toBeUndefined();
    expect(widget.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(widget.headers['x-content-type-options']).toBe('nosniff');
    const chat = await open.app.inject({ url: '/chat/colours' });
    expect(chat.statusCode).toBe(200);
    expect(chat.headers['x-frame-options']).toBeUndefined();
    expect(directives(chat.headers['content-security-policy'])['frame-ancestors']).toEqual(['*']);

    const closed = await testServer({ env: { RENKEI_ALLOWED_ORIGINS: 'https://shop.example' } });
    await closed.publishBot(CHOICE_BOT);
    const framed = await closed.app.inject({ url: '/chat/colours' });
    expect(directives(framed.headers['content-security-policy'])['frame-ancestors']).toEqual(["'self'", 'https://shop.example']);
  });
});
