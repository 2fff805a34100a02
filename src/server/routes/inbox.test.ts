import { describe, expect, it } from 'vitest';
import { addAccount, AGENT, handoffBot, overFetch, overInject, setOnline, signIn as signInOver } from '../../../test/helpers/handoff.ts';
import { ADMIN_TOKEN, listen, openEvents, testServer, type TestServer } from '../test-support.ts';

const BOT = handoffBot();
const ORIGIN = 'http://localhost:80';
const PASSWORD = AGENT.password;

const addUser = (s: TestServer, email: string, name: string, role: 'admin' | 'agent' = 'agent'): Promise<string> =>
  addAccount(overInject(s.app, ORIGIN), ADMIN_TOKEN, { email, name, role });
/** Signs in; answers the cookie header to send back. */
const signIn = (s: TestServer, email: string, password = PASSWORD): Promise<string> => signInOver(overInject(s.app, ORIGIN), email, password);

function as(s: TestServer, cookie: string) {
  return (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, origin: string | null = ORIGIN) =>
    s.app.inject({ method, url, headers: { cookie, host: 'localhost:80', ...(origin ? { origin } : {}) }, ...(payload ? { payload } : {}) });
}

describe('accounts', () => {
  it('signs in with an HttpOnly SameSite=Lax cookie, knows who is signed in, and signs out', async () => {
    const s = await testServer();
    await addUser(s, 'Hana@Example.com', 'Hana');
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'hana@example.com', password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/^renkei_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const me = await as(s, cookie)('GET', '/api/v1/auth/me');
    expect(me.json()).toMatchObject({ account: { email: 'Hana@Example.com', name: 'Hana', role: 'agent' } });
    expect(JSON.stringify(me.json())).not.toMatch(/password_hash|scrypt/);
    expect((await as(s, cookie)('POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await as(s, cookie)('GET', '/api/v1/auth/me')).statusCode).toBe(401);
    const audit = await s.admin({ method: 'GET', url: '/api/v1/admin/audit' });
    const actions = audit.json<{ items: { action: string; actor: { kind: string; name: string } }[] }>().items;
    expect(actions.find((e) => e.action === 'account.sign_out')?.actor).toMatchObject({ kind: 'account', name: 'Hana@Example.com' });
  });

  it("refuses a cookie-authenticated write without Renkei's own Origin (CSRF), but not the admin token", async () => {
    const s = await testServer();
    await addUser(s, 'boss@example.com', 'Boss', 'admin');
    const cookie = await signIn(s, 'boss@example.com');
    const foreign = await as(s, cookie)(
      'POST',
      '/api/v1/admin/users',
      { email: 'x@example.com', name: 'X', role: 'agent', password: PASSWORD },
      'https://evil.example',
    );
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ error: { code: 'cross_origin' } });
    const none = await as(s, cookie)('POST', '/api/v1/admin/users', { email: 'x@example.com', name: 'X', role: 'agent', password: PASSWORD }, null);
    expect(none.statusCode).toBe(403);
    const own = await as(s, cookie)('POST', '/api/v1/admin/users', { email: 'x@example.com', name: 'X', role: 'agent', password: PASSWORD });
    expect(own.statusCode).toBe(201);
    // Reads need no Origin; an agent may read records but not change bots.
    const agent = await signIn(s, 'x@example.com');
    expect((await as(s, agent)('GET', '/api/v1/admin/records/leads', undefined, null)).statusCode).toBe(200);
    expect((await as(s, agent)('GET', '/api/v1/admin/bots', undefined, null)).statusCode).toBe(403);
  });

  it('limits failed sign-ins per account, with Retry-After, and says nothing about which addresses exist', async () => {
    const s = await testServer();
    await addUser(s, 'kai@example.com', 'Kai');
    const wrong = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'kai@example.com', password: 'nope nope nope' } });
    const unknown = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@example.com', password: 'nope nope nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    for (let i = 0; i < 4; i++) await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'kai@example.com', password: 'nope' } });
    const locked = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'kai@example.com', password: PASSWORD } });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('invites without a password: a link valid for a day, used once, then signed in', async () => {
    const s = await testServer();
    const res = await s.admin({ method: 'POST', url: '/api/v1/admin/users', payload: { email: 'new@example.com', name: 'New', role: 'agent' } });
    expect(res.statusCode).toBe(201);
    const { invitation } = res.json<{ invitation: { url: string; emailed: boolean; expiresAt: string } }>();
    expect(invitation.emailed).toBe(false);
    expect(Date.parse(invitation.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const token = invitation.url.split('#')[1]!;
    expect((await s.app.inject({ method: 'GET', url: `/api/v1/auth/invitations/${token}` })).json()).toEqual({ email: 'new@example.com', name: 'New' });
    const short = await s.app.inject({ method: 'POST', url: `/api/v1/auth/invitations/${token}`, payload: { password: 'short' } });
    expect(short.statusCode).toBe(400);
    const accepted = await s.app.inject({ method: 'POST', url: `/api/v1/auth/invitations/${token}`, payload: { password: PASSWORD } });
    expect(accepted.statusCode).toBe(200);
    expect(String(accepted.headers['set-cookie'])).toMatch(/^renkei_session=/);
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/auth/invitations/${token}`, payload: { password: PASSWORD } })).statusCode).toBe(404);
  });

  it('keeps the last admin, and a disabled account signs in no more', async () => {
    const s = await testServer();
    const boss = await addUser(s, 'boss@example.com', 'Boss', 'admin');
    const agent = await addUser(s, 'a@example.com', 'A');
    expect((await s.admin({ method: 'PATCH', url: `/api/v1/admin/users/${boss}`, payload: { disabled: true } })).statusCode).toBe(409);
    const cookie = await signIn(s, 'a@example.com');
    expect((await s.admin({ method: 'PATCH', url: `/api/v1/admin/users/${agent}`, payload: { disabled: true } })).statusCode).toBe(200);
    expect((await as(s, cookie)('GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@example.com', password: PASSWORD } })).statusCode).toBe(401);
  });
});

describe('the inbox over HTTP', () => {
  it("claims (409 for the second agent), chats both ways on the visitor's stream, and hands back to the bot", async () => {
    const s = await testServer();
    await s.publishBot(BOT);
    await addUser(s, 'hana@example.com', 'Hana');
    await addUser(s, 'ken@example.com', 'Ken');
    const hana = as(s, await signIn(s, 'hana@example.com'));
    const ken = as(s, await signIn(s, 'ken@example.com'));
    expect((await hana('PUT', '/api/v1/inbox/presence', { status: 'online' })).statusCode).toBe(204);

    const visitor = await s.start('desk');
    const handed = await s.reply(visitor.id, visitor.token, { text: 'refund' });
    expect(handed.json()).toMatchObject({ status: 'handoff' });

    const list = await hana('GET', '/api/v1/inbox');
    expect(list.json()).toMatchObject({ items: [{ conversationId: visitor.id, status: 'waiting', visitor: { name: '' } }] });
    expect((await hana('POST', `/api/v1/inbox/${visitor.id}/claim`)).statusCode).toBe(204);
    const second = await ken('POST', `/api/v1/inbox/${visitor.id}/claim`);
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: { code: 'claimed_by_another' } });

    expect((await hana('POST', `/api/v1/inbox/${visitor.id}/messages`, { text: 'Hi, Hana here.' })).statusCode).toBe(204);
    expect((await hana('POST', `/api/v1/inbox/${visitor.id}/messages`, { text: '  ' })).statusCode).toBe(400);
    expect((await s.reply(visitor.id, visitor.token, { text: 'Thanks!' })).json()).toMatchObject({ status: 'handoff' });
    const transcript = await s.app.inject({ method: 'GET', url: `/api/v1/conversations/${visitor.id}`, headers: { authorization: `Bearer ${visitor.token}` } });
    const events = transcript.json<{ events: Record<string, unknown>[] }>().events;
    expect(events.slice(-3)).toMatchObject([
      { type: 'agent', action: 'joined', agentName: 'Hana' },
      { type: 'message', from: 'agent', agentName: 'Hana', text: 'Hi, Hana here.' },
      { type: 'visitor', text: 'Thanks!' },
    ]);

    const detail = await hana('GET', `/api/v1/inbox/${visitor.id}`);
    expect(detail.json()).toMatchObject({ variables: { topic: 'refund' }, status: 'claimed', agentName: 'Hana' });
    expect((await hana('POST', `/api/v1/inbox/${visitor.id}/notes`, { text: 'Wants a refund for order 12' })).statusCode).toBe(204);
    const noBlock = await hana('POST', `/api/v1/inbox/${visitor.id}/release`, { block: 'nowhere' });
    expect(noBlock.statusCode).toBe(400);
    expect(noBlock.json()).toMatchObject({ error: { field: 'block' } });
    expect((await hana('POST', `/api/v1/inbox/${visitor.id}/release`, { block: 'ticket' })).statusCode).toBe(204);
    await s.runtime.drain();
    const after = await s.app.inject({ method: 'GET', url: `/api/v1/conversations/${visitor.id}`, headers: { authorization: `Bearer ${visitor.token}` } });
    expect(after.json()).toMatchObject({ status: 'ended' });
    const tickets = await s.admin({ method: 'GET', url: '/api/v1/admin/records/tickets' });
    expect(JSON.stringify(tickets.json())).toContain('Chat: refund');
  });

  it('needs a signed-in account, and the Origin for writes', async () => {
    const s = await testServer();
    await addUser(s, 'hana@example.com', 'Hana');
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/inbox' })).statusCode).toBe(401);
    const hana = as(s, await signIn(s, 'hana@example.com'));
    expect((await hana('PUT', '/api/v1/inbox/presence', { status: 'online' }, 'https://evil.example')).statusCode).toBe(403);
  });
});

describe('presence', () => {
  it('counts an agent online while their inbox stream is open, and sets them away when the last one closes', async () => {
    const s = await testServer({ heartbeatMs: 60_000 });
    await addUser(s, 'hana@example.com', 'Hana');
    const cookie = await signIn(s, 'hana@example.com');
    const url = await listen(s.app);
    await setOnline(overFetch(url), cookie, url);
    const stream = await openEvents(`${url}/api/v1/inbox/events`, { cookie });
    expect((await stream.next())?.data).toMatchObject({ type: 'inbox', items: [] });
    const presence = async () => (await s.store.db.selectFrom('accounts').select('presence').executeTakeFirstOrThrow()).presence;
    expect(await presence()).toBe('online');
    stream.close();
    const until = Date.now() + 5_000;
    while ((await presence()) !== 'away' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await presence()).toBe('away');
  });
});
