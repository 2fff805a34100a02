import { z } from 'zod';
import { RECORD_EVENTS } from '../../blocks/block.ts';
import { ASK_KINDS, LOCALES, type InputRequest, type Message } from '../../engine/types.ts';
import { VISITOR_FIELDS } from '../../flow/variables.ts';
import type { ConversationEvent, StartedConversation, TurnView, Transcript, VisitorStatus } from '../../runtime/api.ts';

/*
 * The visitor API's bodies. The engine and runtime declare these shapes as TypeScript types;
 * each schema here is checked against its type (`satisfies`), so the two cannot drift apart.
 */

export const message = z
  .object({
    text: z.string(),
    image: z.string().optional(),
    link: z.object({ url: z.string(), label: z.string().optional() }).optional(),
  })
  .meta({ id: 'Message' }) satisfies z.ZodType<Message>;

export const inputRequest = z
  .union([
    z.object({ blockId: z.string(), kind: z.enum(ASK_KINDS) }),
    z.object({
      blockId: z.string(),
      kind: z.literal('choice'),
      options: z.array(z.object({ label: z.string(), value: z.string() })).readonly(),
    }),
  ])
  .describe('What the bot waits for: a typed answer of a kind, or one of the options (send its value as `choice`).')
  .meta({ id: 'InputRequest' }) satisfies z.ZodType<InputRequest>;

export const visitorStatus = z
  .enum(['waiting_input', 'working', 'ended', 'handoff'])
  .describe('`working`: an integration is running and the rest of the turn arrives on the event stream.') satisfies z.ZodType<VisitorStatus>;

const eventBase = { seq: z.number().int(), at: z.string() };
export const conversationEvent = z
  .discriminatedUnion('type', [
    z.object({ ...eventBase, type: z.literal('visitor'), text: z.string() }),
    z.object({ ...eventBase, type: z.literal('message'), message }),
    z.object({ ...eventBase, type: z.literal('input'), input: inputRequest }),
    z.object({ ...eventBase, type: z.literal('status'), status: visitorStatus, reason: z.string().nullable() }),
    z
      .object({ ...eventBase, type: z.literal('record'), event: z.enum(RECORD_EVENTS), data: z.record(z.string(), z.string()) })
      .describe('An integration block created a record: `data` holds its outputs (`id`; tickets also `number`).'),
  ])
  .meta({ id: 'ConversationEvent' }) satisfies z.ZodType<ConversationEvent>;

export const turnView = z
  .object({
    conversationId: z.string(),
    status: visitorStatus,
    messages: z.array(message).readonly().describe("The bot's messages since the visitor's turn began."),
    input: inputRequest.nullable(),
    lastEventId: z.number().int().describe('Resume the event stream from here and nothing is missed.'),
  })
  .meta({ id: 'TurnView' }) satisfies z.ZodType<TurnView>;

export const startedConversation = turnView
  .extend({
    token: z.string().describe('Bearer token of this conversation (shown once).'),
    locale: z.enum(LOCALES).describe("The conversation's language: the bot's, unless the start asked for another."),
  })
  .meta({ id: 'StartedConversation' }) satisfies z.ZodType<StartedConversation>;

export const transcript = z
  .object({
    conversationId: z.string(),
    botId: z.string(),
    botVersion: z.number().int(),
    status: visitorStatus,
    input: inputRequest.nullable(),
    events: z.array(conversationEvent).readonly(),
  })
  .meta({ id: 'Transcript' }) satisfies z.ZodType<Transcript>;

const visitorValue = z.string().max(500);
export const startBody = z
  .object({
    visitor: z
      .partialRecord(z.enum(VISITOR_FIELDS), visitorValue)
      .optional()
      .describe('What the site already knows about the visitor.'),
    locale: z.enum(LOCALES).optional(),
  })
  .strict();

export const MAX_ANSWER_LENGTH = 4000;
export const replyBody = z
  .union([
    z.object({ text: z.string().max(MAX_ANSWER_LENGTH) }).strict(),
    z.object({ choice: z.string().max(MAX_ANSWER_LENGTH).describe("An option's value.") }).strict(),
  ])
  .describe('A typed answer, or a button press.');
