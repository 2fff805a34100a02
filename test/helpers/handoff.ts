import type { Kysely } from 'kysely';
import { createAccount, setPresence, type Account } from '../../src/store/accounts.ts';
import type { Database } from '../../src/store/schema.ts';

/**
 * What the hand-off tests set up again and again: a bot that hands the visitor to a person, an
 * agent account, the agent signed in (and online). Over the store (runtime tests), over Fastify's
 * inject (route tests) or over HTTP to a running `renkei serve` (process, browser tests, bench).
 */

/** The agent most tests sign in as. */
export const AGENT = { email: 'hana@example.com', name: 'Hana', password: 'correct horse battery' } as const;

export interface HandoffBotOptions {
  readonly id?: string;
  /** Ask for the topic first (saved as `topic`, default), or hand off at the first turn. */
  readonly ask?: boolean;
  readonly reason?: string;
  /**
   * Seconds a hand-off waits for a claim; with it, `no_agent` is wired to the `ticket` block (so
   * the bot also goes there at once when nobody is online). Without, the conversation waits.
   */
  readonly timeout?: number;
}

/**
 * The hand-off bot: `ask_topic` (What is it about?) → `human` (handoff, "Connecting you to a
 * person.") and the `ticket` block (a ticket "Chat: %topic%") → `done` ("Ticket N is open.") that
 * `no_agent` or an agent's release leads to.
 */
export function handoffBot(options: HandoffBotOptions = {}): string {
  const { id = 'desk', ask = true, reason = 'wants_a_person', timeout } = options;
  const ticket = ask ? '"Chat: %topic%"' : 'Chat';
  return `
renkei: 1
id: ${id}
name: Desk
locale: en
start: ${ask ? 'ask_topic' : 'human'}
blocks:
${
  ask
    ? `  ask_topic:
    type: ask
    kind: text
    prompt: What is it about?
    save: topic
    next: human
`
    : ''
}  human:
    type: handoff
    reason: ${reason}
    text: Connecting you to a person.
${timeout === undefined ? '' : `    timeout: ${timeout}\n    no_agent: ticket\n`}  ticket:
    type: helpdesk.ticket
    subject: ${ticket}
    save: { number: ticket_number }
    ports: { success: done, failure: done }
  done:
    type: end
    text: "Ticket %ticket_number% is open."
`;
}

/**
 * An agent account made in the store, online unless told otherwise. Without a password hash it is
 * an invitation not yet accepted (the team's hand-off e-mails skip it).
 */
export async function storeAgent(
  db: Kysely<Database>,
  {
    email = AGENT.email,
    name = AGENT.name,
    online = true,
    passwordHash = null,
  }: { email?: string; name?: string; online?: boolean; passwordHash?: string | null } = {},
): Promise<Account> {
  const account = await createAccount(db, { email, name, role: 'agent', passwordHash }, new Date());
  if (online) await setPresence(db, account.id, 'online', new Date());
  return account;
}

/** One request as the helpers make it, and what they read of the answer. */
export type Transport = (
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  init?: { readonly headers?: Readonly<Record<string, string>>; readonly body?: string },
) => Promise<{ readonly status: number; readonly body: string; readonly cookie: string | null }>;

/** Requests to a listening server. */
export const overFetch =
  (url: string): Transport =>
  async (method, path, init = {}) => {
    const res = await fetch(`${url}${path}`, { method, headers: init.headers, body: init.body });
    return { status: res.status, body: await res.text(), cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null };
  };

interface Injects {
  inject(options: { method: 'GET' | 'POST' | 'PUT'; url: string; headers?: Record<string, string>; payload?: string }): PromiseLike<{
    statusCode: number;
    body: string;
    headers: Record<string, unknown>;
  }>;
}

/** Requests through Fastify's inject, as from `origin` (the host a cookie-authenticated write must name). */
export const overInject =
  (app: Injects, origin = 'http://localhost:80'): Transport =>
  async (method, path, init = {}) => {
    const res = await app.inject({
      method,
      url: path,
      headers: { host: new URL(origin).host, ...init.headers },
      ...(init.body === undefined ? {} : { payload: init.body }),
    });
    const set = res.headers['set-cookie'];
    return { status: res.statusCode, body: res.body, cookie: set === undefined ? null : String(set).split(';')[0]! };
  };

async function expectStatus(what: string, answer: Promise<{ status: number; body: string }>, status: number): Promise<{ status: number; body: string }> {
  const res = await answer;
  if (res.status !== status) throw new Error(`${what} answered ${res.status} (not ${status}): ${res.body}`);
  return res;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Uploads and publishes a bot with the admin token. */
export async function publishBot(send: Transport, adminToken: string, yaml: string, id = /^id: (.+)$/m.exec(yaml)?.[1] ?? 'desk'): Promise<void> {
  const authorization = `Bearer ${adminToken}`;
  const saved = await send('PUT', `/api/v1/admin/bots/${id}`, { headers: { authorization, 'content-type': 'application/yaml' }, body: yaml });
  if (saved.status >= 300) throw new Error(`saving bot ${id} answered ${saved.status}: ${saved.body}`);
  await expectStatus(`publishing bot ${id}`, send('POST', `/api/v1/admin/bots/${id}/publish`, { headers: { authorization } }), 200);
}

/** Adds an account with a password (`POST /api/v1/admin/users`); answers its id. */
export async function addAccount(
  send: Transport,
  adminToken: string,
  {
    email = AGENT.email,
    name = AGENT.name,
    role = 'agent',
    password = AGENT.password,
  }: { email?: string; name?: string; role?: 'admin' | 'agent'; password?: string } = {},
): Promise<string> {
  const res = await expectStatus(
    `adding ${email}`,
    send('POST', '/api/v1/admin/users', {
      headers: { authorization: `Bearer ${adminToken}`, ...JSON_TYPE },
      body: JSON.stringify({ email, name, role, password }),
    }),
    201,
  );
  return (JSON.parse(res.body) as { account: { id: string } }).account.id;
}

/** Signs in (`POST /api/v1/auth/login`); answers the cookie header to send back. */
export async function signIn(send: Transport, email: string = AGENT.email, password: string = AGENT.password): Promise<string> {
  const res = await send('POST', '/api/v1/auth/login', { headers: JSON_TYPE, body: JSON.stringify({ email, password }) });
  if (res.status !== 200 || res.cookie === null) throw new Error(`signing in as ${email} answered ${res.status}: ${res.body}`);
  return res.cookie;
}

/** The publish bot + agent account set-up of a hand-off over HTTP: the bot published, the agent able to sign in. */
export async function setUpHandoff(send: Transport, adminToken: string, bot: HandoffBotOptions = {}): Promise<void> {
  await publishBot(send, adminToken, handoffBot(bot), bot.id ?? 'desk');
  await addAccount(send, adminToken);
}

/** Sets a signed-in agent's presence (`PUT /api/v1/inbox/presence`) with Renkei's own origin. */
export async function setOnline(send: Transport, cookie: string, origin: string, status: 'online' | 'away' = 'online'): Promise<void> {
  await expectStatus('presence', send('PUT', '/api/v1/inbox/presence', { headers: { cookie, origin, ...JSON_TYPE }, body: JSON.stringify({ status }) }), 204);
}
