import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../vocabulary/requests.ts';
import type { CallContext } from '../../vocabulary/roles.ts';
import { interceptors, request } from 'undici';
import { DestinationRefusedError, publicOnlyAgent, refusalReason } from './destination.ts';
import { parseJsonPath } from './json-path.ts';
import { createWebhookConnector } from './webhook.ts';

const ctx: CallContext = { effectId: 'c1:1', botId: 'bot', locale: 'en' };

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  const send = (status: number, payload: string, type = 'application/json'): void => {
    res.writeHead(status, { 'content-type': type });
    res.end(payload);
  };
  switch (req.url) {
    case '/echo':
      return send(200, JSON.stringify({ data: { id: 'r-42', tags: ['vip', { name: 'gold' }], score: 7, ok: true, none: null }, 'odd key': 'x' }));
    case '/created':
      return send(201, '');
    case '/html':
      return send(200, '<html>hello</html>', 'text/html');
    case '/bad':
      return send(422, JSON.stringify({ error: 'email is required' }));
    case '/down':
      return send(503, 'maintenance', 'text/plain');
    case '/slow':
      setTimeout(() => send(200, '{}'), 1_000);
      return;
    case '/huge':
      return send(200, JSON.stringify({ blob: 'x'.repeat(2_000_000) }));
    case '/to-private':
      // Another origin, so the redirect needs a new connection (nothing listens there: only the guard can answer).
      res.writeHead(307, { location: 'http://127.0.0.1:1/echo' });
      res.end();
      return;
    case '/redirect':
      res.writeHead(307, { location: '/echo' });
      res.end();
      return;
    case '/elsewhere':
      // Another origin (localhost, not 127.0.0.1), served by this same server.
      res.writeHead(307, { location: `http://localhost:${new URL(base).port}/echo` });
      res.end();
      return;
    default:
      return send(404, '{}');
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const req = (over: Partial<WebhookRequest>): WebhookRequest => ({
  url: `${base}/echo`,
  method: 'POST',
  headers: {},
  body: {},
  save: {},
  timeoutMs: 5_000,
  ...over,
});

describe('webhook connector (private destinations allowed)', () => {
  const hook = createWebhookConnector({ allowPrivate: true });

  it('posts the JSON body with the given headers and maps JSON paths into variables', async () => {
    const outcome = await hook.call(
      req({
        method: 'PUT',
        headers: { 'X-Api-Key': 'k-123' },
        body: { name: 'Yui 田中', n: 3, nested: { ok: true } },
        save: {
          record_id: '$.data.id',
          second_tag: '$.data.tags[1].name',
          first_tag: '$.data.tags[0]',
          score: '$.data.score',
          flag: "$['data']['ok']",
          odd: "$['odd key']",
          nothing: '$.data.none',
          missing: '$.data.absent[3].x',
          whole: '$.data.tags',
        },
      }),
      ctx,
    );
    expect(outcome).toEqual({
      outcome: 'success',
      outputs: {
        record_id: 'r-42',
        second_tag: 'gold',
        first_tag: 'vip',
        score: '7',
        flag: 'true',
        odd: 'x',
        nothing: '',
        missing: '',
        whole: '["vip",{"name":"gold"}]',
      },
    });
    const last = seen.at(-1);
    expect(last?.method).toBe('PUT');
    expect(last?.headers['x-api-key']).toBe('k-123');
    expect(last?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(last?.body ?? '')).toEqual({ name: 'Yui 田中', n: 3, nested: { ok: true } });
  });

  it('succeeds on a 2xx without a body when nothing is saved, and fails when something must be', async () => {
    expect(await hook.call(req({ url: `${base}/created` }), ctx)).toEqual({ outcome: 'success', outputs: {} });
    const html = await hook.call(req({ url: `${base}/html`, save: { v: '$.a' } }), ctx);
    expect(html).toMatchObject({ outcome: 'failure', retryable: false, message: expect.stringMatching(/without JSON/) });
  });

  it('fails on non-2xx answers with the status and an excerpt; only 5xx is retryable', async () => {
    const bad = await hook.call(req({ url: `${base}/bad` }), ctx);
    expect(bad).toMatchObject({ outcome: 'failure', retryable: false, message: expect.stringMatching(/HTTP 422.*email is required/) });
    const down = await hook.call(req({ url: `${base}/down` }), ctx);
    expect(down).toMatchObject({ outcome: 'failure', retryable: true, message: expect.stringMatching(/HTTP 503: maintenance/) });
  });

  it('gives up after the timeout, as a retryable failure', async () => {
    const started = Date.now();
    const outcome = await hook.call(req({ url: `${base}/slow`, timeoutMs: 150 }), ctx);
    expect(Date.now() - started).toBeLessThan(900);
    expect(outcome).toMatchObject({ outcome: 'failure', retryable: true, message: expect.stringMatching(/did not answer within 150 ms/) });
  });

  it('refuses an oversized answer and follows a redirect', async () => {
    const huge = await hook.call(req({ url: `${base}/huge` }), ctx);
    expect(huge).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/more than 1048576 bytes/) });
    const redirected = await hook.call(req({ url: `${base}/redirect`, save: { id: '$.data.id' } }), ctx);
    expect(redirected).toEqual({ outcome: 'success', outputs: { id: 'r-42' } });
  });

  it("drops the bot's headers when a redirect leaves the origin, and keeps them when it stays", async () => {
    const headers = { 'X-Api-Key': 'key-123', Authorization: 'Bearer t-456', 'content-type': 'application/json' };
    const before = seen.length;
    expect(await hook.call(req({ url: `${base}/redirect`, headers }), ctx)).toMatchObject({ outcome: 'success' });
    const same = seen.slice(before);
    expect(same.map((s) => s.url)).toEqual(['/redirect', '/echo']);
    expect(same[1]!.headers).toMatchObject({ 'x-api-key': 'key-123', authorization: 'Bearer t-456' });

    const at = seen.length;
    expect(await hook.call(req({ url: `${base}/elsewhere`, headers, body: { a: 1 } }), ctx)).toMatchObject({ outcome: 'success' });
    const [first, second] = seen.slice(at);
    expect(first!.headers).toMatchObject({ 'x-api-key': 'key-123', authorization: 'Bearer t-456' });
    expect(second!.headers.host).toMatch(/^localhost:/);
    expect(second!.headers['x-api-key']).toBeUndefined();
    expect(second!.headers.authorization).toBeUndefined();
    expect(second!.headers['content-type']).toBe('application/json');
    expect(second!.body).toBe('{"a":1}');
  });

  it('refuses what is not an http(s) URL or a readable path', async () => {
    expect(await hook.call(req({ url: 'ftp://example.com/x' }), ctx)).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/http or https/) });
    expect(await hook.call(req({ url: 'not a url' }), ctx)).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/is not a URL/) });
    expect(await hook.call(req({ save: { v: 'data.id' } }), ctx)).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/starts with "\$"/) });
  });
});

describe('webhook connector (public destinations only)', () => {
  const hook = createWebhookConnector({ allowPrivate: false });

  it.each([
    ['127.0.0.1', /loopback/],
    ['10.0.0.1', /private \(RFC 1918\)/],
    ['169.254.169.254', /link-local/],
    ['[::1]', /loopback/],
    ['0.0.0.0', /unspecified/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['[::ffff:192.168.1.1]', /embeds .*private/],
  ])('refuses %s and says why, without sending anything', async (host, why) => {
    const before = seen.length;
    const port = new URL(base).port;
    const outcome = await hook.call(req({ url: `http://${host}:${port}/echo` }), ctx);
    expect(outcome).toMatchObject({ outcome: 'failure', retryable: false, message: expect.stringMatching(why) });
    expect(outcome.outcome === 'failure' && outcome.message).toMatch(/RENKEI_WEBHOOK_ALLOW_PRIVATE=1/);
    expect(seen.length).toBe(before);
  });

  it('checks the addresses a name resolves to (localhost)', async () => {
    const outcome = await hook.call(req({ url: `http://localhost:${new URL(base).port}/echo` }), ctx);
    expect(outcome).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/localhost resolves to .*loopback/) });
  });
});

describe('publicOnlyAgent', () => {
  it('checks the destination of every redirect too', async () => {
    // Every address is 127.0.0.1 here, so the policy stands in: the first connection is "public",
    // any further one "private".
    let connections = 0;
    const agent = publicOnlyAgent({
      connectTimeoutMs: 1_000,
      refuse: (address) => (connections++ === 0 ? undefined : `${address} is private`),
    }).compose(interceptors.redirect({ maxRedirections: 3 }));
    const before = seen.length;
    const hop = request(`${base}/to-private`, { method: 'POST', body: '{}', dispatcher: agent });
    await expect(hop).rejects.toThrow(DestinationRefusedError);
    await expect(hop).rejects.toThrow('127.0.0.1 is private');
    expect(seen.slice(before).map((s) => s.url)).toEqual(['/to-private']);
  });
});

describe('refusalReason', () => {
  it('accepts public unicast addresses and refuses the special ranges', () => {
    expect(refusalReason('93.184.216.34')).toBeUndefined();
    expect(refusalReason('2606:4700:4700::1111')).toBeUndefined();
    expect(refusalReason('172.16.5.4')).toMatch(/private/);
    expect(refusalReason('192.168.0.1')).toMatch(/private/);
    expect(refusalReason('fd12:3456::1')).toMatch(/unique-local/);
    expect(refusalReason('fe80::1')).toMatch(/link-local/);
    expect(refusalReason('224.0.0.1')).toMatch(/multicast/);
    expect(refusalReason('ff02::1')).toMatch(/multicast/);
    expect(refusalReason('::')).toMatch(/unspecified/);
    expect(refusalReason('64:ff9b::a00:1')).toMatch(/embeds 10.0.0.1 is a private/);
    expect(refusalReason('2002:7f00:1::')).toMatch(/embeds 127.0.0.1 is a loopback/);
  });
});

describe('parseJsonPath', () => {
  it('reads names, quoted names and indexes, and refuses anything else', () => {
    expect(parseJsonPath('$')).toEqual({ ok: true, steps: [] });
    expect(parseJsonPath("$.a['b c'][2].d")).toEqual({ ok: true, steps: ['a', 'b c', 2, 'd'] });
    expect(parseJsonPath('$.a[*]').ok).toBe(false);
    expect(parseJsonPath('$..a').ok).toBe(false);
    expect(parseJsonPath('$[?(@.x)]').ok).toBe(false);
  });
});
