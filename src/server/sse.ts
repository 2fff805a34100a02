import { once } from 'node:events';
import type { FastifyReply } from 'fastify';

/** How long EventSource waits before reconnecting after the stream drops. */
export const RETRY_MS = 3000;

export interface SseStream {
  /** Writes one event; `id` is what the browser sends back as Last-Event-ID on reconnect. */
  send(id: number, data: unknown): Promise<void>;
  /** A named event without an id (`event: <name>`): a passing signal such as typing, never replayed on reconnect. */
  signal(name: string, data: unknown): void;
  /** A comment line: keeps proxies and the browser from timing the stream out. */
  heartbeat(): void;
  end(): void;
  readonly closed: boolean;
}

/**
 * Takes the response over from Fastify and opens a Server-Sent Events stream on it. Headers
 * Fastify hooks set already (CORS, the request id) are carried over.
 */
export function openSse(reply: FastifyReply): SseStream {
  reply.hijack();
  const raw = reply.raw;
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value;
  }
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx buffers responses by default, which would hold events back.
    'x-accel-buffering': 'no',
  });
  raw.write(`retry: ${RETRY_MS}\n\n`);
  let closed = false;
  raw.once('close', () => (closed = true));
  return {
    get closed() {
      return closed || raw.destroyed;
    },
    async send(id, data) {
      if (closed) return;
      // JSON has no raw newlines, so one `data:` line carries the whole event.
      if (!raw.write(`id: ${id}\ndata: ${JSON.stringify(data)}\n\n`)) {
        await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
      }
    },
    signal(name, data) {
      if (!closed) raw.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    heartbeat() {
      if (!closed) raw.write(': keep-alive\n\n');
    },
    end() {
      if (!closed) raw.end();
      closed = true;
    },
  };
}
