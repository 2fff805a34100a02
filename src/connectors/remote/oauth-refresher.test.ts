import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { SecretBox } from '../../secrets/secret-box.ts';
import { openStore, type Store } from '../../store/store.ts';
import { STORE_TARGETS, tempStore } from '../../store/test-support.ts';
import { memoryAccessTokenCache } from './access-token-cache.ts';
import { IntegrationInvalidError, ServiceUnavailableError, TokenThrottledError } from './errors.ts';
import { answeredRefreshToken, OAuthRefresher, type OAuthRefresherOptions, type TokenEndpoint } from './oauth-refresher.ts';
import { storedAccessTokenCache } from './stored-access-token-cache.ts';
import { steppedClock } from './test-clock.ts';

/**
 * A token endpoint over real HTTP whose answers the test scripts. By default it behaves like a
 * provider that rotates refresh tokens (Salesforce with rotation on): each refresh issues a new
 * refresh token and the one used stops working.
 */
interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown> | string;
  readonly headers?: Record<string, string>;
}
let server: ReturnType<typeof createServer>;
let origin = '';
let answer: (refreshToken: string) => Answer | Promise<Answer>;
let sent: string[] = [];
let live = new Set<string>();
let minted = 0;

function rotating(refreshToken: string): Answer {
  if (!live.has(refreshToken)) return { status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } };
  live.delete(refreshToken);
  const next = `rt-${++minted}`;
  live.add(next);
  return { status: 200, body: { access_token: `at-${minted}`, refresh_token: next, expires_in: 3600 } };
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const refreshToken = new URLSearchParams(text).get('refresh_token') ?? '';
      sent.push(refreshToken);
      void Promise.resolve(answer(refreshToken)).then((a) => {
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
        res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  sent = [];
  live = new Set(['rt-0']);
  minted = 0;
  answer = rotating;
});

/** The provider's own part, as small as one can be: read_token-style bodies, `error` codes. */
const endpoint: TokenEndpoint = {
  name: 'the test token server',
  throttledMessage: 'the test token server is throttling; waiting',
  request: (refreshToken) => ({ url: `${origin}/token`, form: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }) }),
  read({ status, body, retryAfter }, now) {
    const token = body?.['access_token'];
    const refreshToken = answeredRefreshToken(body);
    if (status === 200 && typeof token === 'string') {
      const expiresIn = typeof body?.['expires_in'] === 'number' ? body['expires_in'] : 3600;
      return { kind: 'issued', value: token, lifetimeMs: expiresIn * 1000, ...(refreshToken ? { refreshToken } : {}) };
    }
    if (status === 429) return { kind: 'throttled', message: 'throttled', ...(retryAfter ? { retryAt: now + Number(retryAfter) * 1000 } : {}) };
    if (status === 400 && typeof body?.['error'] === 'string') return { kind: 'refused', message: `refused (${body['error']})` };
    return { kind: 'unavailable', message: `no token (HTTP ${status})` };
  },
};

const clock = steppedClock(1_000_000);
const refresher = (over: Partial<OAuthRefresherOptions> = {}): OAuthRefresher =>
  new OAuthRefresher({ endpoint, key: 'test:k', refreshToken: 'rt-0', now: clock.now, ...over });

describe('OAuthRefresher', () => {
  it('refreshes once for 100 concurrent callers and uses the token until the margin before its end', async () => {
    const client = refresher();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => client.token()));
    expect(new Set(tokens)).toEqual(new Set(['at-1']));
    expect(sent).toEqual(['rt-0']);
    // An hour-long token, 5 minutes' margin.
    clock.advance(54 * 60_000);
    expect(await client.token()).toBe('at-1');
    clock.advance(60_000);
    expect(await client.token()).toBe('at-2');
    expect(sent).toEqual(['rt-0', 'rt-1']);
  });

  it('takes at most half of a short lifetime as its margin', async () => {
    answer = () => ({ status: 200, body: { access_token: `short-${sent.length}`, expires_in: 60 } });
    const client = refresher();
    expect(await client.token()).toBe('short-1');
    clock.advance(29_000);
    expect(await client.token()).toBe('short-1');
    clock.advance(1_000);
    expect(await client.token()).toBe('short-2');
  });

  it('refreshes with the refresh token the last answer carried, and keeps the configured one while none came', async () => {
    const client = refresher({ refreshMarginMs: 0 });
    await client.token();
    clock.advance(3_600_000);
    await client.token();
    expect(sent).toEqual(['rt-0', 'rt-1']);

    answer = (rt) => ({ status: 200, body: { access_token: `plain-${rt}`, expires_in: 60 } });
    const plain = refresher({ key: 'test:plain', refreshMarginMs: 0 });
    await plain.token();
    clock.advance(60_000);
    expect(await plain.token()).toBe('plain-rt-0');
    expect(sent.slice(2)).toEqual(['rt-0', 'rt-0']);
  });

  it('remembers a refusal for a while, then asks again; forgetRefusal asks at once', async () => {
    const client = refresher({ refreshToken: 'revoked', refusalMemoryMs: 60_000 });
    await expect(client.token()).rejects.toThrow(IntegrationInvalidError);
    await expect(client.token()).rejects.toThrow('refused (invalid_grant)');
    expect(sent).toHaveLength(1);
    clock.advance(60_000);
    await expect(client.token()).rejects.toThrow(IntegrationInvalidError);
    expect(sent).toHaveLength(2);
    client.forgetRefusal();
    await expect(client.token()).rejects.toThrow(IntegrationInvalidError);
    expect(sent).toHaveLength(3);
  });

  it('leaves a throttling endpoint alone for the backoff, still serving a token it has, then asks again', async () => {
    const client = refresher({ throttleBackoffMs: 30_000 });
    await client.token();
    answer = () => ({ status: 429, body: {} });
    clock.advance(3_600_000);
    const error = await client.token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenThrottledError);
    expect((error as TokenThrottledError).retryAt).toBe(clock.now() + 30_000);
    clock.advance(29_999);
    await expect(client.token()).rejects.toThrow('the test token server is throttling; waiting');
    expect(sent).toHaveLength(2);
    answer = rotating;
    clock.advance(1);
    expect(await client.token()).toBe('at-2');
  });

  it('waits as long as the endpoint says when it says', async () => {
    answer = () => ({ status: 429, body: {}, headers: { 'retry-after': '5' } });
    const client = refresher();
    const error = (await client.token().catch((e: unknown) => e)) as TokenThrottledError;
    expect(error.retryAt).toBe(clock.now() + 5_000);
    clock.advance(5_000);
    answer = rotating;
    expect(await client.token()).toBe('at-1');
  });

  it('reports a server failure or an unreadable answer as retryable, remembers nothing, and the next call asks again', async () => {
    answer = () => ({ status: 502, body: '<html>bad gateway</html>' });
    const client = refresher();
    await expect(client.token()).rejects.toThrow(ServiceUnavailableError);
    await expect(client.token()).rejects.toThrow('no token (HTTP 502)');
    answer = rotating;
    expect(await client.token()).toBe('at-1');
    expect(sent).toHaveLength(3);
  });

  it('reports an endpoint it cannot reach as retryable, naming the endpoint and not the request', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable: TokenEndpoint = { ...endpoint, request: (rt) => ({ url: `http://127.0.0.1:${port}/token`, form: new URLSearchParams({ rt }) }) };
    const error = await refresher({ endpoint: unreachable })
      .token()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/^could not reach the test token server: /);
    expect((error as Error).message).not.toContain('rt-0');
  });

  it('lets one caller give up, in its own words, without cancelling the refresh for the others', async () => {
    const client = refresher({ noun: 'session' });
    const gaveUp = new AbortController();
    gaveUp.abort();
    const [abandoned, kept] = await Promise.allSettled([client.token(gaveUp.signal), client.token()]);
    expect(abandoned).toMatchObject({ status: 'rejected', reason: { message: 'the call was cancelled before a session was available' } });
    expect(kept).toMatchObject({ status: 'fulfilled', value: 'at-1' });
    const later = new AbortController();
    const waiting = client.token(later.signal);
    await expect(waiting).resolves.toBe('at-1');
    expect(sent).toHaveLength(1);
  });

  it('drops a token the service refused, but not a newer one', async () => {
    const client = refresher();
    const first = await client.token();
    await client.invalidate('some older token');
    expect(await client.token()).toBe(first);
    await client.invalidate(first);
    expect(await client.token()).toBe('at-2');
    expect(sent).toEqual(['rt-0', 'rt-1']);
  });
});

const box = new SecretBox(randomBytes(32));

describe.each(STORE_TARGETS)('OAuthRefresher with rotating refresh tokens, shared on %s', (kind) => {
  it('stores the new refresh token sealed with the access token, and another process refreshes with it', async () => {
    const store = await tempStore(kind);
    const a = refresher({ tokens: storedAccessTokenCache(store, () => box), refreshMarginMs: 0 });
    expect(await a.token()).toBe('at-1');
    const [row] = await store.db.selectFrom('access_tokens').select('token').execute();
    expect(row!.token).not.toContain('rt-1');
    expect(box.open(row!.token!)).toEqual({ token: 'at-1', refresh_token: 'rt-1' });

    // A process that starts later, configured with the refresh token the provider no longer takes.
    const b = refresher({ tokens: storedAccessTokenCache(await reopened(store), () => box), refreshMarginMs: 0 });
    expect(await b.token()).toBe('at-1');
    clock.advance(3_600_000);
    expect(await b.token()).toBe('at-2');
    expect(sent).toEqual(['rt-0', 'rt-1']);
    clock.advance(3_600_000);
    expect(await a.token()).toBe('at-3');
    expect(sent).toEqual(['rt-0', 'rt-1', 'rt-2']);
  });

  it('keeps the refresh token when the service refuses the access token (401)', async () => {
    const store = await tempStore(kind);
    const a = refresher({ tokens: storedAccessTokenCache(store, () => box) });
    await a.token();
    await a.invalidate('at-1');
    const [row] = await store.db.selectFrom('access_tokens').select(['token', 'use_until']).execute();
    expect(box.open(row!.token!)).toEqual({ refresh_token: 'rt-1' });
    expect(Number(row!.use_until)).toBe(0);
    const b = refresher({ tokens: storedAccessTokenCache(await reopened(store), () => box) });
    expect(await b.token()).toBe('at-2');
    expect(sent).toEqual(['rt-0', 'rt-1']);
  });
});

describe('OAuthRefresher with rotating refresh tokens, two processes racing on one SQLite file', () => {
  it('a process whose refresh began with the old refresh token takes the other process’s token instead of reporting a refusal', async () => {
    const store = await tempStore('sqlite');
    const gates: Array<() => void> = [];
    answer = (rt) => new Promise<Answer>((resolve) => gates.push(() => resolve(rotating(rt))));
    const a = refresher({ tokens: storedAccessTokenCache(store, () => box) });
    const b = refresher({ tokens: storedAccessTokenCache(await reopened(store), () => box) });
    const first = a.token();
    const second = b.token();
    await until(() => gates.length === 2);
    expect(sent).toEqual(['rt-0', 'rt-0']);
    gates[0]!();
    expect(await first).toBe('at-1');
    // The provider now refuses rt-0 (rotated away): b finds a's token and uses it.
    gates[1]!();
    expect(await second).toBe('at-1');
    // Nothing remembered a refusal: b answers from the shared token, and its next refresh uses rt-1.
    answer = rotating;
    expect(await b.token()).toBe('at-1');
    await b.invalidate('at-1');
    expect(await b.token()).toBe('at-2');
    expect(sent).toEqual(['rt-0', 'rt-0', 'rt-1']);
  });

  it('retries once with the rotated refresh token when the other process stored one but no usable token', async () => {
    const store = await tempStore('sqlite');
    const gates: Array<() => void> = [];
    answer = (rt) => new Promise<Answer>((resolve) => gates.push(() => resolve(rotating(rt))));
    const a = refresher({ tokens: storedAccessTokenCache(store, () => box) });
    const b = refresher({ tokens: storedAccessTokenCache(await reopened(store), () => box) });
    const first = a.token();
    const second = b.token();
    await until(() => gates.length === 2);
    gates[0]!();
    expect(await first).toBe('at-1');
    // a's token was refused (a 401) before b's refresh came back: only its refresh token is left.
    await a.invalidate('at-1');
    gates[1]!();
    await until(() => gates.length === 3);
    gates[2]!();
    expect(await second).toBe('at-2');
    expect(sent).toEqual(['rt-0', 'rt-0', 'rt-1']);
  });

  it('reports the refusal when the refresh token it used is still the newest one stored', async () => {
    const store = await tempStore('sqlite');
    live = new Set();
    const client = refresher({ tokens: storedAccessTokenCache(store, () => box) });
    await expect(client.token()).rejects.toThrow(IntegrationInvalidError);
    expect(sent).toEqual(['rt-0']);
  });
});

describe('OAuthRefresher in one process without a database', () => {
  it('keeps a rotated refresh token in memory', async () => {
    const client = refresher({ tokens: memoryAccessTokenCache(), refreshMarginMs: 0 });
    await client.token();
    clock.advance(3_600_000);
    await client.token();
    clock.advance(3_600_000);
    expect(await client.token()).toBe('at-3');
    expect(sent).toEqual(['rt-0', 'rt-1', 'rt-2']);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5_000) throw new Error('the token endpoint never got the requests the test waits for');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function reopened(store: Store & { readonly target: string }): Promise<Store> {
  const other = await openStore(store.target);
  onTestFinished(() => other.close());
  return other;
}
