import { describe, expect, it, onTestFinished } from 'vitest';
import { renkeiProcess, spawnRenkei, tempDir } from './helpers/cli.ts';

const RUNNING = /Renkei is running at (http:\/\/127\.0\.0\.1:\d+)/;

function serve(db: string, env: Record<string, string> = {}) {
  const server = spawnRenkei(['serve', '--db', db, '--port', '0'], { env });
  onTestFinished(async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server.exited;
  });
  return server;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe('renkei serve', () => {
  it('publishes the examples, serves a conversation over HTTP, prints the admin token once and stops on SIGTERM', async () => {
    const { db, cleanup } = tempDir();
    onTestFinished(cleanup);
    const server = serve(db);
    const [, url] = await server.waitFor(RUNNING);
    const [, adminToken] = await server.waitFor(/Admin token \(shown this once[^\n]*\n\s+(\S+)/);
    expect(server.output.stdout).toContain('Published the example bots: contact, deal, lead, newsletter, support');
    expect(server.output.stdout).toContain(`POST ${url}/api/v1/bots/lead/conversations`);

    const started = await fetch(`${url}/api/v1/bots/lead/conversations`, { method: 'POST' });
    expect(started.status).toBe(201);
    const { conversationId, token } = (await json(started)) as { conversationId: string; token: string };
    let last: Record<string, unknown> = {};
    for (const text of ['Mei Tanaka', 'mei.tanaka@example.com', '080-2222-3333', 'Initech']) {
      const res = await fetch(`${url}/api/v1/conversations/${conversationId}/replies`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      expect(res.status).toBe(200);
      last = await json(res);
    }
    expect(last['status']).toBe('ended');

    const leads = await fetch(`${url}/api/v1/admin/records/leads`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(leads.status).toBe(200);
    expect(await json(leads)).toMatchObject({ total: 1, items: [{ name: 'Mei Tanaka', email: 'mei.tanaka@example.com', company: 'Initech' }] });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output.stderr).toContain('SIGTERM received');
    expect(server.output.stderr).toContain('renkei: stopped');
    // The log lines on stdout carry no visitor data and no token.
    for (const secret of ['mei.tanaka@example.com', '080-2222-3333', token]) expect(server.output.stdout).not.toContain(secret);

    const again = serve(db);
    await again.waitFor(RUNNING);
    await again.waitFor(/Admin token: the one printed when this database was first served/);
    expect(again.output.stdout).not.toContain('Published the example bots');
    expect(again.output.stdout).not.toContain(adminToken);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('takes the admin token from RENKEI_ADMIN_TOKEN without printing it', async () => {
    const { db, cleanup } = tempDir();
    onTestFinished(cleanup);
    const server = serve(db, { RENKEI_ADMIN_TOKEN: 'chosen-admin-token-of-32-characters' });
    const [, url] = await server.waitFor(RUNNING);
    await server.waitFor(/Admin token: the one in RENKEI_ADMIN_TOKEN/);
    expect(server.output.stdout).not.toContain('chosen-admin-token-of-32-characters');
    const bots = await fetch(`${url}/api/v1/admin/bots`, { headers: { authorization: 'Bearer chosen-admin-token-of-32-characters' } });
    expect(bots.status).toBe(200);
    expect(((await json(bots))['items'] as unknown[]).length).toBe(5);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('refuses a bad port and bad configuration with one line and exit code 2', async () => {
    const port = await renkeiProcess(['serve', '--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(port.stderr).toBe('renkei: --port must be a number from 0 to 65535, got "eighty"\n');
    const { db, cleanup } = tempDir();
    onTestFinished(cleanup);
    const limit = await renkeiProcess(['serve', '--db', db, '--port', '0'], { env: { RENKEI_RATE_LIMIT: 'lots' } });
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('RENKEI_RATE_LIMIT must be a whole number');
    const token = await renkeiProcess(['serve', '--db', db, '--port', '0'], { env: { RENKEI_ADMIN_TOKEN: 'a' } });
    expect(token.code).toBe(2);
    expect(token.stderr).toBe(
      'renkei: RENKEI_ADMIN_TOKEN is 1 characters long; an admin token must have at least 32 (make a random one with `openssl rand -base64 32`, or unset it to have one generated)\n',
    );
  });
});
