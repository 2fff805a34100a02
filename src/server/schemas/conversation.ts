import { z } from 'zod';
import { LAUNCHER_POSITIONS, THEMES } from '../../appearance/schema.ts';
import type { WidgetAppearance } from '../../appearance/settings.ts';
import { ASK_KINDS } from '../../vocabulary/ask-kinds.ts';
import { LOCALES } from '../../vocabulary/locales.ts';
import type { InputRequest } from '../../vocabulary/input-request.ts';
import type { Message } from '../../vocabulary/message.ts';
import { RECORD_EVENTS } from '../../vocabulary/record-events.ts';
import { VISITOR_FIELDS } from '../../vocabulary/variables.ts';
import type { ConversationEvent, IdentifiedVisitor, StartedConversation, TurnView, Transcript, VisitorStatus, WidgetSettings } from '../../runtime/api.ts';

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
    z
      .object({
        ...eventBase,
        type: z.literal('message'),
        message,
        from: z.enum(['bot', 'agent']).optional(),
        agentName: z.string().optional(),
        text: z.string().optional(),
      })
      .describe("A line of the bot, or of the agent who took over: then `from` is `agent`, with `agentName` and the line's `text`."),
    z
      .object({ ...eventBase, type: z.literal('agent'), action: z.enum(['joined', 'left']), agentName: z.string() })
      .describe('A person of the team joined the conversation (claimed it, or had it transferred to them) or left it.'),
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
    records: z
      .array(z.object({ event: z.enum(RECORD_EVENTS), data: z.record(z.string(), z.string()) }))
      .readonly()
      .describe("The records the turn's integrations created (the turn's `record` events)."),
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

export const widgetAppearance = z
  .object({
    theme: z.enum(THEMES),
    accent: z.string().describe('#rrggbb; text on it is black or white, whichever contrasts more.'),
    title: z.string().nullable().describe("Null: the widget's own word for chat, in the conversation's language."),
    subtitle: z.string().nullable(),
    avatar: z.string().nullable().describe('Path of the avatar image on this server.'),
    greeting: z.object({ text: z.string(), delay: z.number().int().describe('Seconds on the page before it shows.') }).nullable(),
    position: z.enum(LAUNCHER_POSITIONS),
    offset: z.object({ x: z.number().int(), y: z.number().int() }).describe('Pixels from the corner.'),
    proactive: z
      .object({ delay: z.number().int(), paths: z.array(z.string()).readonly().nullable() })
      .nullable()
      .describe('Opens by itself after `delay` seconds on pages matching `paths` (`*`: any characters; null: every page).'),
  })
  .meta({ id: 'WidgetAppearance' }) satisfies z.ZodType<WidgetAppearance>;

export const widgetSettings = z
  .object({
    botId: z.string(),
    version: z.number().int().describe('The published version this comes from.'),
    name: z.string(),
    locale: z.enum(LOCALES),
    appearance: widgetAppearance,
  })
  .meta({ id: 'WidgetSettings' }) satisfies z.ZodType<WidgetSettings>;

const visitorValue = z.string().max(500);
export const startBody = z
  .object({
    visitor: z.partialRecord(z.enum(VISITOR_FIELDS), visitorValue).optional().describe('What the site already knows about the visitor.'),
    locale: z.enum(LOCALES).optional(),
  })
  .strict();

/** `Renkei.identify(...)`: null or empty is "not known" (the field keeps its value). */
const knownValue = visitorValue.nullish();
export const identifyBody = z
  .object({ name: knownValue, email: knownValue, phone: knownValue, company: knownValue })
  .strict()
  .describe('What the site knows about its visitor; each field is read like the answer to an `ask` of its kind.');

export const identifiedVisitor = z
  .object({
    conversationId: z.string(),
    visitor: z.object({ name: z.string(), email: z.string(), phone: z.string(), company: z.string() }),
  })
  .meta({ id: 'IdentifiedVisitor' }) satisfies z.ZodType<IdentifiedVisitor>;

/** A conversation's id in a path. */
export const conversationParams = z.object({ id: z.string().min(1).max(200) });

export const MAX_ANSWER_LENGTH = 4000;
export const replyBody = z
  .union([
    z.object({ text: z.string().max(MAX_ANSWER_LENGTH) }).strict(),
    z.object({ choice: z.string().max(MAX_ANSWER_LENGTH).describe("An option's value.") }).strict(),
  ])
  .describe('A typed answer, or a button press.');
