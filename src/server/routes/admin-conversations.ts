import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OUTCOMES } from '../../vocabulary/outcome.ts';
import { getConversationAdmin, listConversations, listEffectAttempts, type EffectAttempt } from '../../runtime/admin.ts';
import type { Store } from '../../store/store.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, adminErrors, MAX_PAGE } from '../schemas/admin.ts';
import { conversationEvent, inputRequest, visitorStatus } from '../schemas/conversation.ts';

const paging = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

const conversationSummary = z
  .object({
    id: z.string(),
    botId: z.string(),
    botVersion: z.number().int(),
    status: visitorStatus,
    locale: z.string(),
    events: z.number().int().describe('Events so far.'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ConversationSummary' });

const outcome = z
  .object({
    outcome: z.enum(OUTCOMES),
    outputs: z.record(z.string(), z.string()).optional(),
    message: z.string().optional(),
    retryable: z.boolean().optional(),
    unknownOutcome: z.boolean().optional(),
  })
  .meta({ id: 'Outcome' });

const effectSummary = z.object({
  id: z.string(),
  blockId: z.string(),
  action: z.string(),
  status: z.enum(['pending', 'running', 'done']),
  attempts: z.number().int(),
  outcome: outcome.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const conversationDetail = conversationSummary
  .extend({
    state: z.object({
      status: z.enum(['waiting_input', 'waiting_effect', 'ended', 'handoff']),
      at: z.string().nullable(),
      vars: z.record(z.string(), z.string()).describe("The conversation's variables (what the visitor gave, what integrations returned)."),
      attempts: z.number().int(),
      effects: z.number().int(),
      pendingEffect: z.string().nullable(),
      reason: z.string().nullable(),
    }),
    input: inputRequest.nullable(),
    transcript: z.array(conversationEvent).readonly(),
    effects: z.array(effectSummary).readonly(),
  })
  .meta({ id: 'ConversationDetail' });

const effectAttempt = z
  .object({
    id: z.string(),
    effectId: z.string(),
    conversationId: z.string(),
    botId: z.string(),
    blockId: z.string(),
    action: z.string().describe('The integration block type (crm.lead …).'),
    provider: z.string(),
    attempt: z.number().int().describe('1 for the first call, 2 for the first retry …'),
    startedAt: z.string(),
    durationMs: z.number().int(),
    outcome: z.string(),
    message: z
      .string()
      .nullable()
      .describe("The service's error message, when there was one; on a success, what the call left out (extra fields the CRM object does not have)."),
  })
  .meta({ id: 'EffectAttempt' }) satisfies z.ZodType<EffectAttempt>;

const idParams = z.object({ id: z.string().min(1).max(200) });

/** Conversations with their transcripts, and the execution log of every integration call. */
export const adminConversationsRoutes: FastifyPluginAsyncZod<{ readonly store: Store }> = async (app, { store }) => {
  const { db } = store;

  app.get(
    '/conversations',
    {
      schema: {
        ...ADMIN,
        summary: 'Conversations, most recently active first',
        querystring: z.object({ ...paging, botId: z.string().max(100).optional(), status: visitorStatus.optional() }),
        response: { 200: z.object({ items: z.array(conversationSummary) }), ...adminErrors },
      },
    },
    async (request) => {
      const { botId, status, ...page } = request.query;
      return { items: await listConversations(db, { ...page, ...(botId ? { botId } : {}), ...(status ? { status } : {}) }) };
    },
  );

  app.get(
    '/conversations/:id',
    {
      schema: {
        ...ADMIN,
        summary: 'One conversation: its transcript, variables and integration calls',
        params: idParams,
        response: { 200: conversationDetail, ...adminErrors },
      },
    },
    async (request) => {
      const found = await getConversationAdmin(db, request.params.id);
      if (!found) throw new ApiError(404, 'conversation_not_found', `there is no conversation ${request.params.id}`);
      return found;
    },
  );

  app.get(
    '/execution-log',
    {
      schema: {
        ...ADMIN,
        summary: 'Every integration call, newest first',
        description: "Block, provider, attempt, duration, outcome and the service's error message of each connector call.",
        querystring: z.object({
          ...paging,
          botId: z.string().max(100).optional(),
          conversationId: z.string().max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(effectAttempt) }), ...adminErrors },
      },
    },
    async (request) => {
      const { botId, conversationId, ...page } = request.query;
      return {
        items: await listEffectAttempts(db, {
          ...page,
          ...(botId ? { botId } : {}),
          ...(conversationId ? { conversationId } : {}),
        }),
      };
    },
  );
};
