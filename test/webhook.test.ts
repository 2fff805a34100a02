import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { events, renkei, tempDir } from './helpers/cli.ts';

/** The webhook block end to end: a bot posts JSON to a local service and quotes what it answered. */
let server: Server;
let url: string;
const received: Array<{ method: string; headers: IncomingMessage['headers']; body: unknown }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      received.push({ method: req.method ?? '', headers: req.headers, body: JSON.parse(body) as unknown });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { booking: { id: 'B-42' } }, status: 'confirmed' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bookings`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  received.length = 0;
});
afterEach(() => t.cleanup());

function bot(): string {
  const file = join(t.dir, 'booking.yaml');
  writeFileSync(
    file,
    [
      'renkei: 1',
      'id: booking',
      'name: Booking',
      'start: ask_name',
      'blocks:',
      '  ask_name: { type: ask, kind: name, prompt: "Name?", save: visitor.name, next: book }',
      '  book:',
      '    type: webhook',
      `    url: "${url}"`,
      '    headers: { X-Visitor: "%visitor.name%" }',
      '    body: { customer: { name: "%visitor.name%" }, seats: 2, tags: ["chat", "%visitor.name%"] }',
      '    save: { booking_id: "$.data.booking.id", booking_status: "$.status" }',
      '    ports: { success: done, failure: sorry }',
      '  done: { type: end, text: "Booking %booking_id% is %booking_status%." }',
      '  sorry: { type: end, text: "Could not book." }',
    ].join('\n'),
  );
  return file;
}

it('posts the rendered JSON and saves values from the response', async () => {
  const run = await renkei(['chat', bot(), '--json', '--db', t.db], { input: 'Ada %booking_id%\n', env: { RENKEI_WEBHOOK_ALLOW_PRIVATE: '1' } });
  const evs = events(run.stdout);
  expect(evs).toContainEqual(expect.objectContaining({ type: 'integration', action: 'webhook', outcome: 'success', port: 'success' }));
  expect(evs).toContainEqual({ type: 'message', text: 'Booking B-42 is confirmed.' });
  expect(received).toEqual([
    {
      method: 'POST',
      headers: expect.objectContaining({ 'x-visitor': 'Ada %booking_id%', 'content-type': expect.stringMatching(/application\/json/) }),
      body: { customer: { name: 'Ada %booking_id%' }, seats: 2, tags: ['chat', 'Ada %booking_id%'] },
    },
  ]);
});

it('reads RENKEI_WEBHOOK_ALLOW_PRIVATE as the server does: true is on, and a value it does not know stops the chat before it starts', async () => {
  const allowed = await renkei(['chat', bot(), '--json', '--db', t.db], { input: 'Ada\n', env: { RENKEI_WEBHOOK_ALLOW_PRIVATE: 'true' } });
  expect(events(allowed.stdout)).toContainEqual(expect.objectContaining({ type: 'integration', action: 'webhook', outcome: 'success' }));
  expect(received).toHaveLength(1);

  const unknown = await renkei(['chat', bot(), '--json', '--db', t.db], { input: 'Ada\n', env: { RENKEI_WEBHOOK_ALLOW_PRIVATE: 'maybe' } });
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toBe('renkei: RENKEI_WEBHOOK_ALLOW_PRIVATE must be 1, true or yes (on) or 0, false or no (off), got "maybe"\n');
  expect(unknown.stdout).toBe('');
  expect(received).toHaveLength(1);
});

it('refuses a loopback destination unless the installation allows private ones, and says why', async () => {
  const run = await renkei(['chat', bot(), '--json', '--db', t.db], { input: 'Ada\n' });
  const integration = events(run.stdout).find((e) => e['type'] === 'integration');
  expect(integration).toMatchObject({ outcome: 'failure', port: 'failure', message: expect.stringMatching(/RENKEI_WEBHOOK_ALLOW_PRIVATE/) });
  expect(received).toHaveLength(0);
});
