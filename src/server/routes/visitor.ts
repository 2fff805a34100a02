import type { FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BOT_ID } from '../../flow/bot-schema.ts';
import { RuntimeError, type ConversationEvent, type Runtime } from '../../runtime/api.ts';
import { bearerToken, unauthorized } from '../auth.ts';
import { ApiError, errorBody, RUNTIME_STATUS } from '../errors.ts';
import type { Metrics, TurnKind } from '../metrics.ts';
import {
  conversationParams,
  identifiedVisitor,
  identifyBody,
  replyBody,
  startBody,
  startedConversation,
  transcript,
  turnView,
  widgetSettings,
} from '../schemas/conversation.ts';
import { quickValidatorCompiler } from '../schemas/quick-inputs.ts';
import { turnSerializerCompiler } from '../schemas/turn-json.ts';
import { openSse } from '../sse.ts';
import { StreamLimits, type StreamLimitSettings } from '../stream-limits.ts';

export interface VisitorRoutesOptions {
  readonly runtime: Runtime;
  readonly metrics: Metrics;
  /** Visitor requests per minute per IP address; 0: no limit. */
  readonly rateLimitPerMinute: number;
  /** Open event streams at once per address and per conversation. */
  readonly streamLimits: StreamLimitSettings;
  /** Comment lines on idle event streams, this often. */
  readonly heartbeatMs: number;
  /** Aborted when the server closes: open event streams end. */
  readonly closing: AbortSignal;
}

/** Largest visitor request body: an answer is a few kB at most. */
export const VISITOR_BODY_LIMIT = 64 * 1024;

const TAG = 'visitor';
const botParams = z.object({ botId: z.string().regex(BOT_ID, 'a bot id is lower-case letters, digits and -').max(100) });
const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody, 413: errorBody, 429: errorBody, 503: errorBody };
const bearer = [{ conversationToken: [] }];

/**
 * Statuses after which a conversation never sends another event. A hand-off is not one: the
 * agent who claims it talks through the same stream, and may hand it back to the bot.
 */
const FINAL = new Set(['ended']);
const isFinal = (e: ConversationEvent): boolean => e.type === 'status' && FINAL.has(e.status);

function conversationToken(request: FastifyRequest, fromQuery?: string): string {
  const token = bearerToken(request) ?? fromQuery;
  if (token === undefined || token === '') {
    throw unauthorized('this conversation needs its token: send Authorization: Bearer <token>');
  }
  return token;
}

/**
 * The widget's API: start a conversation, answer, follow the bot's messages, reload the
 * transcript. A conversation's token (returned by start) opens that conversation only.
 */
export const visitorRoutes: FastifyPluginAsyncZod<VisitorRoutesOptions> = async (app, opts) => {
  const { runtime, metrics } = opts;
  const streams = new StreamLimits(opts.streamLimits);

  if (opts.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: opts.rateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, 'rate_limited', `too many requests from this address: at most ${context.max} a minute, retry in ${context.after}`),
    });
  }

  /** Runs a turn, counting it and timing it whatever its result. */
  async function turn<T extends { status: string }>(kind: TurnKind, run: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    let result = 'error';
    try {
      const view = await run();
      result = view.status;
      return view;
    } catch (error) {
      if (error instanceof RuntimeError) result = error.code;
      throw error;
    } finally {
      metrics.observeTurn(kind, Number(process.hrtime.bigint() - started) / 1e9, result);
    }
  }

  app.get(
    '/bots/:botId/widget',
    {
      schema: {
        tags: [TAG],
        summary: "The published bot's widget appearance",
        description:
          'What the widget draws before any conversation (colours, title, avatar, greeting, launcher, proactive opening), from the published version, every default filled in. ' +
          'Revalidated on every page view (ETag), so a publish reaches every site at once.',
        params: botParams,
        response: { 200: widgetSettings, 304: z.null().describe('Not modified since the ETag sent.'), ...errors },
      },
    },
    async (request, reply) => {
      const settings = await runtime.widget(request.params.botId);
      const etag = `"${settings.botId}.${settings.version}"`;
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send(null);
      return settings;
    },
  );

  app.post(
    '/bots/:botId/conversations',
    {
      bodyLimit: VISITOR_BODY_LIMIT,
      serializerCompiler: turnSerializerCompiler,
      schema: {
        tags: [TAG],
        summary: 'Start a conversation with a published bot',
        description: 'Runs the bot up to its first question. Keep the returned `token`: every later call on this conversation needs it.',
        params: botParams,
        body: startBody.nullish(),
        response: { 201: startedConversation, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const started = await turn('start', () =>
        runtime.start(request.params.botId, {
          ...(body.visitor ? { visitor: body.visitor } : {}),
          ...(body.locale ? { locale: body.locale } : {}),
        }),
      );
      return reply.code(201).send(started);
    },
  );

  app.post(
    '/conversations/:id/replies',
    {
      bodyLimit: VISITOR_BODY_LIMIT,
      validatorCompiler: quickValidatorCompiler,
      serializerCompiler: turnSerializerCompiler,
      schema: {
        tags: [TAG],
        summary: "Answer the bot's question",
        description:
          '`{text}` is a typed answer (re-prompted when invalid); `{choice}` is the value of one of the options of a choice question. ' +
          'When the answer starts an integration, the response waits for it (RENKEI_TURN_WAIT_MS); if it is still running, ' +
          '`status` is `working` and the rest arrives on the event stream.',
        params: conversationParams,
        body: replyBody,
        security: bearer,
        response: { 200: turnView, ...errors },
      },
    },
    async (request) => {
      const token = conversationToken(request);
      return turn('reply', () => runtime.reply(request.params.id, token, request.body));
    },
  );

  app.post(
    '/conversations/:id/visitor',
    {
      bodyLimit: VISITOR_BODY_LIMIT,
      schema: {
        tags: [TAG],
        summary: 'Tell the conversation who the visitor is (Renkei.identify)',
        description:
          "Fills the conversation's `visitor.*` variables with what the site knows. Each field is read like the answer to an `ask` of its kind " +
          '(NFKC, email and phone rules; a company like a name); a refused field is a 400 naming it (`visitor.email`) and nothing changes. ' +
          'Fields left out, null or empty keep their value. A question already asked stays asked; later `ask` blocks with `skip_if_known` pass.',
        params: conversationParams,
        body: identifyBody,
        security: bearer,
        response: { 200: identifiedVisitor, ...errors },
      },
    },
    async (request) => {
      const token = conversationToken(request);
      const fields: Record<string, string> = {};
      for (const [field, value] of Object.entries(request.body)) if (typeof value === 'string') fields[field] = value;
      return runtime.identify(request.params.id, token, fields);
    },
  );

  app.post(
    '/conversations/:id/typing',
    {
      bodyLimit: VISITOR_BODY_LIMIT,
      schema: {
        tags: [TAG],
        summary: 'The visitor is typing (while a person has the conversation)',
        description: 'The agent holding the conversation sees "typing…". Nothing is stored; send it again every few seconds while typing.',
        params: conversationParams,
        security: bearer,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await runtime.typing(request.params.id, conversationToken(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/conversations/:id',
    {
      schema: {
        tags: [TAG],
        summary: 'The transcript so far',
        description: 'For a widget that reloads: every event of the conversation, and what the bot waits for now.',
        params: conversationParams,
        security: bearer,
        response: { 200: transcript, ...errors },
      },
    },
    async (request) => runtime.transcript(request.params.id, conversationToken(request)),
  );

  app.get(
    '/conversations/:id/events',
    {
      schema: {
        tags: [TAG],
        summary: "Server-Sent Events of the bot's messages and status changes",
        description:
          "Each event's `id:` is its seq and its `data:` a ConversationEvent as JSON (default `message` event type). " +
          'Resume with the `Last-Event-ID` header (EventSource sends it on reconnect) or `?lastEventId=`. ' +
          'EventSource cannot set headers, so the token may be given as `?token=` instead of `Authorization: Bearer`. ' +
          'While the conversation is handed to a person the stream stays open: the agent\'s lines arrive as `message` events with `from: "agent"` and `agentName`, ' +
          'and an `event: typing` (no id) with `{ "agentName" }` while the agent types. ' +
          'The stream ends after the conversation ends; reconnecting then gets 204, which stops EventSource. ' +
          'A conversation may have 5 streams open at once and an address 20 (RENKEI_STREAMS_PER_CONVERSATION, RENKEI_STREAMS_PER_IP); ' +
          'one more is refused with 429 `too_many_streams`.',
        params: conversationParams,
        querystring: z.object({
          token: z.string().optional().describe('The conversation token, for clients that cannot send headers.'),
          lastEventId: z.coerce.number().int().min(0).optional(),
        }),
        headers: z.looseObject({ 'last-event-id': z.coerce.number().int().min(0).optional() }),
        security: bearer,
        response: {
          200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
          204: z.null().describe('The conversation is over and nothing is left to send.'),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const token = conversationToken(request, request.query.token);
      const after = request.headers['last-event-id'] ?? request.query.lastEventId ?? 0;
      // Reading the transcript checks the token before the stream opens (a wrong one is a 404,
      // not a 200 that closes) and yields the backlog with no second query.
      const backlog = await runtime.transcript(id, token);
      const missed = backlog.events.filter((e) => e.seq > after);
      if (FINAL.has(backlog.status) && missed.length === 0) return reply.code(204).send(null);

      const release = streams.open(request.ip, id);
      const stream = openSse(reply);
      metrics.streamOpened();
      const stop = new AbortController();
      const signal = AbortSignal.any([stop.signal, opts.closing]);
      reply.raw.once('close', () => stop.abort());
      const heartbeat = setInterval(() => stream.heartbeat(), opts.heartbeatMs);
      const offTyping = runtime.watchTyping(id, (who) => {
        if (who.startsWith('agent:')) stream.signal('typing', { agentName: who.slice('agent:'.length) });
      });
      try {
        let last = after;
        for (const event of missed) {
          await stream.send(event.seq, event);
          last = event.seq;
          if (isFinal(event)) return;
        }
        for await (const event of runtime.follow(id, token, last, signal)) {
          if (signal.aborted) break;
          await stream.send(event.seq, event);
          if (isFinal(event)) break;
        }
      } catch (error) {
        if (!signal.aborted) {
          const status = error instanceof RuntimeError ? RUNTIME_STATUS[error.code] : 500;
          request.log.warn({ err: error, status }, 'event stream failed');
        }
      } finally {
        offTyping();
        clearInterval(heartbeat);
        stream.end();
        release();
        metrics.streamClosed();
      }
    },
  );
};
