import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listen, testServer } from './test-support.ts';
import { SERVER_TIMEOUTS } from './timeouts.ts';

describe('the HTTP server timeouts', () => {
  it('has request, header, idle and keep-alive timeouts set', async () => {
    const s = await testServer();
    const server = s.app.server;
    expect(server.requestTimeout).toBe(SERVER_TIMEOUTS.requestMs);
    expect(server.headersTimeout).toBe(SERVER_TIMEOUTS.headersMs);
    expect(server.timeout).toBe(SERVER_TIMEOUTS.idleMs);
    expect(server.keepAliveTimeout).toBe(SERVER_TIMEOUTS.keepAliveMs);
    for (const ms of Object.values(SERVER_TIMEOUTS)) expect(ms).toBeGreaterThan(0);
  });

  it('cuts a request whose body trickles in slower than the request timeout allows', async () => {
    const s = await testServer({ timeouts: { requestMs: 1_000, headersMs: 1_000, checkEveryMs: 200 } });
    const base = new URL(await listen(s.app));
    const socket = connect(Number(base.port), base.hostname);
    const answer: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => answer.push(chunk));
    // The trickle may still be writing when the server cuts the socket: a reset then is expected.
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('POST /api/v1/bots/colours/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    const trickle = setInterval(() => socket.writable && socket.write(' '), 300);
    const started = Date.now();
    await closed;
    clearInterval(trickle);
    // Cut by the server within the timeout and one check, not left open while bytes keep coming.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(Buffer.concat(answer).toString()).toMatch(/^HTTP\/1\.1 408/);
  });
});
