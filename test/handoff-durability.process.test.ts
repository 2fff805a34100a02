import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/cli.ts';
import { overFetch, setUpHandoff, signIn } from './helpers/handoff.ts';
import { serve, type RunningServer } from './helpers/server.ts';
import { reply, startConversation, transcript, type Visitor } from './helpers/visitors.ts';

/**
 * kill -9 of a `renkei serve` while agents and visitors chat live, then a restart on the same
 * database: every line that was acknowledged is in the transcript exactly once, and every claim
 * still holds — the agent carries on where they were.
 */

const CHATS = 10;
const ENV = { RENKEI_RATE_LIMIT: '0', RENKEI_LOG_LEVEL: 'warn' };

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(db: string): Promise<RunningServer> {
  const server = await serve({ db, env: ENV });
  servers.push(server);
  return server;
}

/** Signs the agent in; answers a fetch for the inbox with the session cookie and Renkei's own Origin. */
async function agentSession(url: string): Promise<(path: string, body?: unknown) => Promise<Response>> {
  const cookie = await signIn(overFetch(url));
  return (path, body) =>
    fetch(`${url}/api/v1/inbox${path}`, {
      method: body === undefined && !path.endsWith('/claim') ? 'GET' : 'POST',
      headers: { cookie, origin: url, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}

describe('live chat survives a crash', () => {
  it('loses no acknowledged line either way after kill -9, and the claims hold after the restart', async () => {
    const db = tempDir().db;
    let server = await start(db);
    await setUpHandoff(overFetch(server.url), server.adminToken);
    let inbox = await agentSession(server.url);

    const visitors: Visitor[] = [];
    for (let i = 0; i < CHATS; i++) {
      const v = await startConversation(server.url, 'desk');
      expect((await reply(server.url, v, `topic ${i}`)).status).toBe('handoff');
      expect((await inbox(`/${v.id}/claim`)).status).toBe(204);
      visitors.push(v);
    }

    // Both sides write as fast as they can; the server is killed in the middle of it.
    const acknowledged = new Map<string, string[]>(visitors.map((v) => [v.id, []]));
    let stop = false;
    const chat = visitors.map(async (v, i) => {
      for (let n = 0; !stop; n++) {
        const agentLine = `agent ${i}.${n}`;
        const visitorLine = `visitor ${i}.${n}`;
        const [a, b] = await Promise.allSettled([inbox(`/${v.id}/messages`, { text: agentLine }), reply(server.url, v, visitorLine)]);
        if (a.status === 'fulfilled' && a.value.status === 204) acknowledged.get(v.id)!.push(agentLine);
        if (b.status === 'fulfilled') acknowledged.get(v.id)!.push(visitorLine);
        if (a.status === 'rejected' && b.status === 'rejected') return;
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    await server.kill();
    stop = true;
    await Promise.all(chat);
    const total = [...acknowledged.values()].reduce((n, lines) => n + lines.length, 0);
    expect(total).toBeGreaterThan(CHATS);

    server = await start(db);
    inbox = await agentSession(server.url);
    for (const v of visitors) {
      const events = (await transcript(server.url, v)).events;
      const lines = events.flatMap((e) => (e.type === 'visitor' ? [e.text] : e.type === 'message' && e.from === 'agent' ? [e.text!] : []));
      for (const line of acknowledged.get(v.id)!) expect(lines.filter((l) => l === line)).toHaveLength(1);
      // Numbered without gaps or repeats, whatever was cut short.
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    }

    // The claims held: the agent still has every conversation and carries on.
    const list = (await (await inbox('')).json()) as { items: { conversationId: string; status: string; agentName: string }[] };
    expect(list.items.map((i) => [i.status, i.agentName])).toEqual(visitors.map(() => ['claimed', 'Hana']));
    expect((await inbox(`/${visitors[0]!.id}/messages`, { text: 'Sorry, we had a hiccup.' })).status).toBe(204);
    expect((await reply(server.url, visitors[0]!, 'No problem')).status).toBe('handoff');
  }, 120_000);
});
