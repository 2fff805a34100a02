import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OUTCOMES } from '../../vocabulary/outcome.ts';
import { createConnectors, type Providers } from '../../connectors/registry.ts';
import type { RoleConnectors } from '../../vocabulary/roles.ts';
import { runEffect } from '../../runtime/run-effect.ts';
import { simulatedOutcome } from '../../engine/simulated.ts';
import { createWebhookConnector } from '../../connectors/webhook/webhook.ts';
import { advance } from '../../engine/advance.ts';
import type { AdvanceResult, ConversationState, EngineEvent, IntegrationTrace } from '../../engine/types.ts';
import type { Message } from '../../vocabulary/message.ts';
import { validateBot } from '../../flow/validate.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { Store } from '../../store/store.ts';
import { errorDetail } from '../errors.ts';
import { ADMIN, adminErrors, problem } from '../schemas/admin.ts';
import { inputRequest } from '../schemas/conversation.ts';

export interface AdminPreviewOptions {
  readonly store: Store;
  readonly secretBox: () => SecretBox;
  /** The connectors' providers (shared access tokens); default: `providersFor(store)`. */
  readonly providers?: Providers;
  /** For the blocks run for real. Default: the connectors of the store's integrations (webhooks to public addresses only). */
  readonly connectors?: RoleConnectors;
  /** RENKEI_WEBHOOK_ALLOW_PRIVATE of the server's configuration: a real `webhook` block may call private addresses. */
  readonly webhookAllowPrivate: boolean;
}

/** A real connector call in the preview gets this long; the durable runtime's retries do not apply. */
const CALL_TIMEOUT_MS = 15_000;
/** Integration calls one preview turn may make before it stops (a loop through integration blocks). */
const MAX_EFFECTS = 20;

const variables = z.record(z.string(), z.string());

const conversationState = z.object({
  conversationId: z.string().min(1).max(200),
  botId: z.string(),
  status: z.enum(['waiting_input', 'waiting_effect', 'ended', 'handoff']),
  at: z.string().nullable(),
  vars: variables,
  attempts: z.number().int().min(0),
  effects: z.number().int().min(0),
  pendingEffect: z.string().nullable(),
  reason: z.string().nullable(),
}) satisfies z.ZodType<ConversationState>;

const event = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), visitor: z.record(z.enum(['name', 'email', 'phone', 'company']), z.string()).optional() }),
  z.object({ type: z.literal('reply'), text: z.string().max(4000) }),
  z.object({ type: z.literal('choice'), value: z.string().max(4000) }),
]);

const previewBody = z
  .object({
    bot: z.unknown().describe("The bot file as a JSON document (the builder's draft; need not be saved)."),
    state: conversationState.nullable().describe('The state the previous answer returned; null to start.'),
    event: event.describe("What happens now: the start, or the visitor's reply."),
    forced: z.record(z.string(), z.enum(OUTCOMES)).default({}).describe('Per integration block id, the outcome to simulate (default `success`).'),
    real: z
      .array(z.string())
      .max(200)
      .default([])
      .describe('Integration block ids to run against the connected service: they create real records. Every other block is simulated.'),
  })
  .strict()
  .superRefine((body, ctx) => {
    for (const [i, block] of body.real.entries()) {
      if (Object.hasOwn(body.forced, block)) ctx.addIssue({ code: 'custom', path: ['real', i], message: `block "${block}" is both forced and real` });
    }
  });

const trace = z.object({
  block: z.string(),
  action: z.string(),
  outcome: z.enum(OUTCOMES),
  port: z.string(),
  outputs: variables,
  message: z.string().optional(),
  real: z.boolean().describe('The connector was called (a real record); false when the outcome was simulated.'),
});

const previewAnswer = z
  .object({
    state: conversationState,
    status: z.enum(['waiting_input', 'waiting_effect', 'ended', 'handoff']),
    messages: z.array(
      z.object({ text: z.string(), image: z.string().optional(), link: z.object({ url: z.string(), label: z.string().optional() }).optional() }),
    ),
    input: inputRequest.nullable(),
    path: z.array(z.string()).describe('Blocks entered during this turn, in order.'),
    integrations: z.array(trace),
    error: errorDetail.nullable(),
  })
  .meta({ id: 'PreviewTurn' });

const invalidBot = z.object({ error: errorDetail, problems: z.array(problem) });

/**
 * The builder's preview: one turn of a draft bot, run in memory by the engine. Stateless — the
 * client sends back the state it was given. Integration blocks are simulated (success, or the
 * outcome the request forces) unless the request names them as real: only those call the
 * connected service, and their records are really created.
 */
export const adminPreviewRoutes: FastifyPluginAsyncZod<AdminPreviewOptions> = async (app, opts) => {
  let real = opts.connectors;
  const connectors = (): RoleConnectors =>
    (real ??= createConnectors(opts.store, {
      ...(opts.providers ? { providers: opts.providers } : {}),
      decrypt: (blob) => opts.secretBox().open(blob),
      webhook: createWebhookConnector({ allowPrivate: opts.webhookAllowPrivate }),
    }));

  app.post(
    '/preview',
    {
      schema: {
        ...ADMIN,
        summary: "Run one turn of a draft bot (the builder's preview)",
        body: previewBody,
        response: { 200: previewAnswer, 422: invalidBot, ...adminErrors },
      },
    },
    async (request, reply) => {
      const { state, forced } = request.body;
      const real = new Set(request.body.real);
      const { bot, problems } = validateBot(request.body.bot, 'preview');
      if (!bot) {
        const errors = problems.filter((p) => p.severity === 'error');
        return reply.code(422).send({
          error: { code: 'invalid_bot', message: `the draft has ${errors.length} error(s); fix them to preview` },
          problems: errors.map((p) => ({ severity: p.severity, code: p.code, message: p.message, block: p.block, field: p.field, line: null })),
        });
      }
      // The preview's records must never share an idempotency key with a real conversation's.
      const engineEvent: EngineEvent =
        request.body.event.type === 'start'
          ? { type: 'start', conversationId: `preview-${randomUUID()}`, ...(request.body.event.visitor ? { visitor: request.body.event.visitor } : {}) }
          : { ...request.body.event, at: new Date().toISOString() };

      const messages: Message[] = [];
      const path: string[] = [];
      const integrations: z.infer<typeof trace>[] = [];
      const take = (result: AdvanceResult, calledForReal: boolean): void => {
        messages.push(...result.messages);
        path.push(...result.path);
        if (result.integration) integrations.push(traceOf(result.integration, calledForReal));
      };

      let result = advance(bot, state, engineEvent);
      take(result, false);
      for (let calls = 0; result.effect && result.error === null && calls < MAX_EFFECTS; calls++) {
        const effect = result.effect;
        const forReal = real.has(effect.blockId);
        const outcome = forReal
          ? await runEffect(effect, connectors(), { signal: AbortSignal.timeout(CALL_TIMEOUT_MS), startedAt: Date.now() })
          : simulatedOutcome(effect, forced[effect.blockId] ?? 'success');
        result = advance(bot, result.state, { type: 'effect_result', effectId: effect.id, outcome });
        take(result, forReal);
      }
      const error = result.error ?? (result.effect ? { code: 'too_many_calls', message: `stopped after ${MAX_EFFECTS} integration calls in one turn` } : null);
      return {
        state: result.state,
        status: result.state.status,
        messages,
        input: result.input,
        path,
        integrations,
        error,
      };
    },
  );
};

function traceOf(t: IntegrationTrace, real: boolean): z.infer<typeof trace> {
  return {
    block: t.block,
    action: t.action,
    outcome: t.outcome,
    port: t.port,
    outputs: { ...t.outputs },
    ...(t.message !== undefined ? { message: t.message } : {}),
    real,
  };
}
