import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { onTestFinished } from 'vitest';
import type { Clock } from '../connectors/remote/clock.ts';
import { hashToken } from '../runtime/tokens.ts';
import { harness, type Harness, type HarnessOptions } from '../runtime/test-support.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { buildServer } from './app.ts';
import { serverConfigFromEnv } from './config.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import type { ServerTimeouts } from './timeouts.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** A fixed key, so a test can open what the server sealed. */
export const SECRET_KEY = 'ab'.repeat(32);

export interface TestServer extends Harness {
  readonly app: FastifyInstance;
  /** Every log line the server wrote, as text. */
  readonly logs: string[];
  /** `inject` with the admin token. */
  admin(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Starts a conversation over HTTP; returns its id, token and first answer. */
  start(botId: string, body?: unknown): Promise<{ id: string; token: string; body: Record<string, unknown> }>;
  /** Replies over HTTP with the conversation's token. */
  reply(id: string, token: string, answer: unknown): Promise<LightMyRequestResponse>;
}

export interface TestServerOptions {
  readonly env?: Record<string, string>;
  readonly heartbeatMs?: number;
  readonly timeouts?: Partial<ServerTimeouts>;
  readonly runtime?: HarnessOptions;
  /** What the admin API's providers measure deadlines and retry waits by (a steppedClock: an unreachable service gives up at once). */
  readonly clock?: Clock;
  /** Start the runtime's workers (default true). */
  readonly workers?: boolean;
}

/**
 * A server on a fresh SQLite database with the real runtime and connectors (the built-in store),
 * workers running, logs captured; closed and removed when the test finishes.
 */
export async function testServer(options: TestServerOptions = {}): Promise<TestServer> {
  const env = { RENKEI_SECRET_KEY: SECRET_KEY, RENKEI_RATE_LIMIT: '0', ...options.env };
  const metrics = { current: undefined as ReturnType<typeof createMetrics> | undefined };
  const box = new SecretBox(Buffer.from(SECRET_KEY, 'hex'));
  const h = await harness('sqlite', {
    turnWaitMs: 5_000,
    // The runtime reads integrations' secrets with the server's key, as `renkei serve` does.
    decrypt: (blob) => box.open(blob),
    onAttempt: (info) => metrics.current?.observeAttempt(info),
    ...options.runtime,
  });
  metrics.current = createMetrics(h.store.db);
  if (options.workers !== false) h.runtime.startWorkers(2);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      logs.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const app = buildServer({
    store: h.store,
    runtime: h.runtime,
    env,
    adminTokenHash: hashToken(ADMIN_TOKEN),
    logger: createLogger({ level: 'info', destination }),
    config: serverConfigFromEnv(env),
    metrics: metrics.current,
    secretBox: () => box,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
  });
  onTestFinished(() => app.close());
  await app.ready();

  return {
    ...h,
    app,
    logs,
    admin: (inject) => app.inject({ ...inject, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...inject.headers } }),
    async start(botId, body = {}) {
      const res = await app.inject({ method: 'POST', url: `/api/v1/bots/${botId}/conversations`, payload: body as object });
      if (res.statusCode !== 201) throw new Error(`start ${botId}: ${res.statusCode} ${res.body}`);
      const json = res.json<Record<string, unknown>>();
      return { id: String(json['conversationId']), token: String(json['token']), body: json };
    },
    reply: (id, token, answer) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${id}/replies`,
        headers: { authorization: `Bearer ${token}` },
        payload: answer as object,
      }),
  };
}

/** A bot with a choice and no integration (the runtime tests' survey bot, under another id). */
export const CHOICE_BOT = `
renkei: 1
id: colours
name: Colours
locale: en
start: pick
blocks:
  pick:
    type: choice
    prompt: "Pick a colour"
    save: colour
    options:
      - { label: Red, value: red, next: name }
      - { label: Blue, value: blue, next: name }
  name:
    type: ask
    kind: name
    prompt: "Your name?"
    save: visitor.name
    next: bye
  bye:
    type: end
    text: "Bye %visitor.name%, you chose %colour%"
`;

export interface SseEvent {
  readonly id: string | undefined;
  readonly data: Record<string, unknown>;
}

export interface SseClient {
  readonly status: number;
  readonly headers: Headers;
  /** The next event; undefined once the server ended the stream. */
  next(timeoutMs?: number): Promise<SseEvent | undefined>;
  /** Every comment line seen so far (heartbeats). */
  readonly comments: string[];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens an event stream over real HTTP, as EventSource would, and parses it. */
export async function openEvents(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const queue: Array<SseEvent | undefined> = [];
  const waiters: Array<(e: SseEvent | undefined) => void> = [];
  const comments: string[] = [];
  let done = false;
  const push = (e: SseEvent | undefined): void => {
    if (e === undefined) done = true;
    const waiter = waiters.shift();
    if (waiter) waiter(e);
    else queue.push(e);
  };
  const ended = (async () => {
    if (!res.body) return push(undefined);
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let id: string | undefined;
          let data: string | undefined;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data = line.slice(6);
          }
          if (data !== undefined) push({ id, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    } catch {
      // aborted by close()
    }
    push(undefined);
  })();
  return {
    status: res.status,
    headers: res.headers,
    comments,
    ended,
    next(timeoutMs = 5_000) {
      if (queue.length > 0) return Promise.resolve(queue.shift());
      if (done) return Promise.resolve(undefined);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((e) => {
          clearTimeout(timer);
          resolve(e);
        });
      });
    },
    close: () => abort.abort(),
  };
}

/** Listens on 127.0.0.1 and a free port; returns the base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}
