import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RuntimeError, type Agent, type Runtime } from '../../runtime/index.ts';
import { listAccounts, setPresence } from '../../store/accounts.ts';
import type { Store } from '../../store/store.ts';
import { errorBody, RUNTIME_STATUS } from '../errors.ts';
import { conversationEvent } from '../schemas/conversation.ts';
import { requireAccount } from '../sessions.ts';
import { openSse } from '../sse.ts';

export interface InboxRoutesOptions {
  readonly store: Store;
  readonly runtime: Runtime;
  readonly publicUrl: string | undefined;
  readonly heartbeatMs: number;
  readonly closing: AbortSignal;
}

const TAG = 'inbox';
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
const params = z.object({ conversationId: z.string().min(1).max(200) });
const text = z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters');

const visitor = z.object({ name: z.string(), email: z.string(), phone: z.string(), company: z.string() });
const item = z
  .object({
    conversationId: z.string(),
    botId: z.string(),
    status: z.enum(['waiting', 'claimed', 'released', 'closed', 'no_agent']),
    reason: z.string().nullable(),
    agentId: z.string().nullable(),
    agentName: z.string().nullable(),
    visitor,
    createdAt: z.string(),
    claimedAt: z.string().nullable(),
    deadlineAt: z.string().nullable(),
  })
  .meta({ id: 'InboxItem' });
const note = z.object({ id: z.string(), author: z.string(), text: z.string(), createdAt: z.string() });
const detail = item.extend({
  locale: z.string(),
  variables: z.record(z.string(), z.string()),
  events: z.array(conversationEvent).readonly(),
  notes: z.array(note).readonly(),
  blocks: z.array(z.object({ id: z.string(), type: z.string(), name: z.string() })).readonly(),
});

/**
 * The agents' inbox (DESIGN.md "Accounts and the inbox"): signed-in accounts only, and every
 * write from Renkei's own origin. The runtime decides who may do what with a conversation.
 */
export const inboxRoutes: FastifyPluginAsyncZod<InboxRoutesOptions> = async (app, { store, runtime, publicUrl, heartbeatMs, closing }) => {
  const agentOf = async (request: Parameters<typeof requireAccount>[1]): Promise<Agent> => {
    const account = await requireAccount(store.db, request, publicUrl);
    return { id: account.id, name: account.name, role: account.role };
  };

  app.get(
    '/',
    { schema: { tags: [TAG], summary: 'Waiting conversations and your own', response: { 200: z.object({ items: z.array(item) }), ...errors } } },
    async (request) => ({
      items: await runtime.inbox.list(await agentOf(request)),
    }),
  );

  app.get(
    '/events',
    {
      schema: {
        tags: [TAG],
        summary: 'Server-Sent Events of the inbox',
        description:
          '`{type:"inbox", items}` first and whenever the inbox changes; `{type:"conversation", conversationId, event}` for each new event of a conversation you hold; ' +
          '`{type:"typing", conversationId}` while its visitor types. While open, you count as online (if you chose online); when the last one closes, you are set away.',
        response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errors },
      },
    },
    async (request, reply) => {
      const agent = await agentOf(request);
      const stream = openSse(reply);
      const stop = new AbortController();
      const signal = AbortSignal.any([stop.signal, closing]);
      reply.raw.once('close', () => stop.abort());
      const heartbeat = setInterval(() => stream.heartbeat(), heartbeatMs);
      let n = 0;
      try {
        for await (const event of runtime.inbox.follow(agent, signal)) {
          if (signal.aborted) break;
          await stream.send(++n, event);
        }
      } catch (error) {
        if (!signal.aborted) request.log.warn({ err: error, status: error instanceof RuntimeError ? RUNTIME_STATUS[error.code] : 500 }, 'inbox stream failed');
      } finally {
        clearInterval(heartbeat);
        stream.end();
      }
    },
  );

  app.get(
    '/agents',
    {
      schema: {
        tags: [TAG],
        summary: 'The team a conversation may be transferred to',
        response: { 200: z.object({ agents: z.array(z.object({ id: z.string(), name: z.string(), presence: z.enum(['online', 'away']) })) }), ...errors },
      },
    },
    async (request) => {
      await agentOf(request);
      const accounts = await listAccounts(store.db);
      return { agents: accounts.filter((a) => !a.disabled && a.hasPassword).map((a) => ({ id: a.id, name: a.name, presence: a.presence })) };
    },
  );

  app.put(
    '/presence',
    {
      schema: {
        tags: [TAG],
        summary: 'Online or away',
        description: 'An agent counts as online while an inbox of theirs is open; a hand-off takes no_agent when nobody is.',
        body: z.object({ status: z.enum(['online', 'away']) }).strict(),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const agent = await agentOf(request);
      await setPresence(store.db, agent.id, request.body.status, new Date());
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/:conversationId',
    { schema: { tags: [TAG], summary: 'A conversation: transcript, variables, notes', params, response: { 200: detail, ...errors } } },
    async (request) => runtime.inbox.get(await agentOf(request), request.params.conversationId),
  );

  const action = (
    path: string,
    summary: string,
    description: string,
    body: z.ZodType | undefined,
    run: (agent: Agent, id: string, body: never) => Promise<unknown>,
  ) =>
    app.post(
      `/:conversationId/${path}`,
      { schema: { tags: [TAG], summary, description, params, ...(body ? { body } : {}), response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await run(await agentOf(request), request.params.conversationId, request.body as never);
        return reply.code(204).send(null);
      },
    );

  action('claim', 'Claim a waiting conversation', 'Two agents at once: exactly one wins; the other gets 409.', undefined, (agent, id) =>
    runtime.inbox.claim(agent, id),
  );
  action(
    'messages',
    'Say something to the visitor',
    'The visitor gets `{type:"message", from:"agent", agentName, text}`.',
    z.object({ text }).strict(),
    (agent, id, body: { text: string }) => runtime.inbox.message(agent, id, body.text),
  );
  action('notes', 'Leave an internal note', 'Only the team sees it.', z.object({ text }).strict(), (agent, id, body: { text: string }) =>
    runtime.inbox.note(agent, id, body.text),
  );
  action(
    'transfer',
    'Hand the conversation to another agent',
    '',
    z.object({ agentId: z.string().min(1).max(100) }).strict(),
    (agent, id, body: { agentId: string }) => runtime.inbox.transfer(agent, id, body.agentId),
  );
  action(
    'release',
    'Hand the conversation back to the bot at a block',
    'The bot carries on from `block` (400 naming `block` when the bot has none of that id).',
    z.object({ block: z.string().min(1).max(200) }).strict(),
    (agent, id, body: { block: string }) => runtime.inbox.release(agent, id, body.block),
  );
  action('close', 'Close the conversation', 'The visitor is told it ended.', undefined, (agent, id) => runtime.inbox.close(agent, id));
  action('typing', 'Tell the visitor you are typing', 'Nothing is stored; send it again every few seconds while typing.', undefined, (agent, id) =>
    runtime.inbox.typing(agent, id),
  );
};
