import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect, it, onTestFinished } from 'vitest';
import { renkeiProcess, tempDir } from './helpers/cli.ts';

it('renkei serve on a port already in use says so in one line, with a hint about --port, and exits 1', async () => {
  const { db, cleanup } = tempDir();
  onTestFinished(cleanup);
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const { port } = taken.address() as AddressInfo;

  const run = await renkeiProcess(['serve', '--port', String(port), '--db', db]);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(
    `renkei: port ${port} on 127.0.0.1 is already in use (another renkei serve?): stop what uses it, or choose another port with --port, e.g. --port ${port + 1}\n`,
  );
}, 30_000);
