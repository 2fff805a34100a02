import type { WidgetAppearance } from '../appearance/settings.ts';
import type { InputRequest } from '../vocabulary/input-request.ts';
import type { Locale } from '../vocabulary/locales.ts';
import type { Message } from '../vocabulary/message.ts';
import type { VisitorField } from '../vocabulary/variables.ts';
import type { RecordEvent } from '../vocabulary/record-events.ts';
import type { Agent, InboxConversation, InboxItem, InboxNote } from './inbox.ts';
import type { InboxStreamEvent } from './inbox-stream.ts';

/**
 * The contract between the HTTP server and the durable runtime. The server validates and
 * translates HTTP; the runtime owns conversations, effects (the outbox) and the workers.
 */

/** What a visitor sees of a conversation's progress. `working`: an integration is running. */
export type VisitorStatus = 'waiting_input' | 'working' | 'ended' | 'handoff';

/** One entry of a conversation's transcript / event stream, numbered from 1 per conversation. */
export type ConversationEvent =
  | { readonly seq: number; readonly at: string; readonly type: 'visitor'; readonly text: string }
  /**
   * A line of the bot, or of the agent who took the conversation over: then `from` is `agent`,
   * with the agent's display name and the `text` beside `message` (DESIGN.md's live-chat shape).
   */
  | {
      readonly seq: number;
      readonly at: string;
      readonly type: 'message';
      readonly message: Message;
      readonly from?: 'bot' | 'agent';
      readonly agentName?: string;
      readonly text?: string;
    }
  /** A person of the team joined the conversation (claimed it, or had it transferred to them) or left it. */
  | { readonly seq: number; readonly at: string; readonly type: 'agent'; readonly action: 'joined' | 'left'; readonly agentName: string }
  | { readonly seq: number; readonly at: string; readonly type: 'input'; readonly input: InputRequest }
  | { readonly seq: number; readonly at: string; readonly type: 'status'; readonly status: VisitorStatus; readonly reason: string | null }
  /** An integration block created a record: the page may hear of it (`Renkei.on('lead.created')`), with the block's outputs. */
  | { readonly seq: number; readonly at: string; readonly type: 'record'; readonly event: RecordEvent; readonly data: Readonly<Record<string, string>> };

/** A record an integration created, as the visitor's page hears of it. */
export interface RecordView {
  readonly event: RecordEvent;
  /** The block's outputs: `id`; a ticket's `number` too. */
  readonly data: Readonly<Record<string, string>>;
}

export interface TurnView {
  readonly conversationId: string;
  readonly status: VisitorStatus;
  /** The bot's messages produced since the visitor's turn began (up to its next question or end). */
  readonly messages: readonly Message[];
  /** The records the turn's integrations created (its `record` events). */
  readonly records: readonly RecordView[];
  /** What the bot waits for now; null while working or once over. */
  readonly input: InputRequest | null;
  /** The seq of the last event included; a stream resumed from here misses nothing. */
  readonly lastEventId: number;
}

export interface StartedConversation extends TurnView {
  /** The conversation's bearer token: shown once, stored hashed. */
  readonly token: string;
  /** The conversation's language (the bot's, unless the start asked for another): the widget speaks it. */
  readonly locale: Locale;
}

export interface Transcript {
  readonly conversationId: string;
  readonly botId: string;
  readonly botVersion: number;
  readonly status: VisitorStatus;
  readonly input: InputRequest | null;
  readonly events: readonly ConversationEvent[];
}

export type Answer = { readonly text: string } | { readonly choice: string };

/** What a site knows about its visitor; an empty field is "not known". */
export type VisitorFields = Partial<Record<VisitorField, string>>;

export interface StartOptions {
  /** Read like answers (NFKC, the `ask` kinds' rules); a refused field is an `invalid_visitor` error. */
  readonly visitor?: VisitorFields;
  readonly locale?: 'en' | 'ja';
}

/** What the widget draws before any conversation: the published version's look. */
export interface WidgetSettings {
  readonly botId: string;
  readonly version: number;
  readonly name: string;
  readonly locale: Locale;
  readonly appearance: WidgetAppearance;
}

/** The visitor fields of a conversation after `identify`. */
export interface IdentifiedVisitor {
  readonly conversationId: string;
  readonly visitor: Readonly<Record<VisitorField, string>>;
}

export type RuntimeErrorCode =
  /** No published bot with that id (404). */
  | 'bot_not_found'
  /** No such conversation, or the token does not open it (404: never tell which). */
  | 'conversation_not_found'
  /** The conversation is over (409). */
  | 'conversation_over'
  /** The conversation is working on an integration and takes no answer now (409). */
  | 'not_waiting_for_input'
  /** Another reply changed the conversation first (409); the client reloads and tries again. */
  | 'conflict'
  /** `{choice}` named no option of the current question (400). */
  | 'unknown_choice'
  /** `{choice}` sent to a question that is not a choice, or text to nothing (400). */
  | 'invalid_answer'
  /** A visitor field the site passed in is not valid for its kind (400, naming the field). */
  | 'invalid_visitor'
  /** The runtime is shutting down (503). */
  | 'shutting_down'
  /** The inbox: no such hand-off, or not this agent's (404). */
  | 'handoff_not_found'
  /** Another agent holds the conversation (409). */
  | 'claimed_by_another'
  /** The hand-off is no longer open: handed back, closed, or its no_agent port taken (409). */
  | 'handoff_over'
  /** A block or account the request names does not exist (400, naming the field). */
  | 'invalid_request';

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  /** The request field at fault (`visitor.email`), when one is. */
  readonly field: string | undefined;
  constructor(code: RuntimeErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'RuntimeError';
    this.code = code;
    this.field = field;
  }
}

/** The agents' side of hand-offs (see inbox.ts); every call names the signed-in account acting. */
export interface InboxRuntime {
  list(agent: Agent): Promise<InboxItem[]>;
  get(agent: Agent, conversationId: string): Promise<InboxConversation>;
  claim(agent: Agent, conversationId: string): Promise<void>;
  message(agent: Agent, conversationId: string, text: string): Promise<{ seq: number }>;
  note(agent: Agent, conversationId: string, text: string): Promise<InboxNote>;
  transfer(agent: Agent, conversationId: string, toAccountId: string): Promise<void>;
  release(agent: Agent, conversationId: string, block: string): Promise<void>;
  close(agent: Agent, conversationId: string): Promise<void>;
  /** The agent is typing in a conversation they hold: the visitor's widget shows it. */
  typing(agent: Agent, conversationId: string): Promise<void>;
  follow(agent: Agent, signal: AbortSignal): AsyncIterable<InboxStreamEvent>;
}

export interface Runtime {
  readonly inbox: InboxRuntime;
  /** The visitor is typing: the agent holding the conversation sees it. Nothing is stored. */
  typing(conversationId: string, token: string): Promise<void>;
  /** Calls `fn` with `agent:<name>` while an agent types in the conversation (the caller checked the token). */
  watchTyping(conversationId: string, fn: (who: string) => void): () => void;
  start(botId: string, options?: StartOptions): Promise<StartedConversation>;
  /** Applies the answer; when it starts an integration, waits for it up to `waitMs` (RENKEI_TURN_WAIT_MS, default 8000). */
  reply(conversationId: string, token: string, answer: Answer, options?: { readonly waitMs?: number }): Promise<TurnView>;
  transcript(conversationId: string, token: string): Promise<Transcript>;
  /** The published bot's look, for the widget (`bot_not_found` when nothing is published). */
  widget(botId: string): Promise<WidgetSettings>;
  /**
   * Fills the conversation's `visitor.*` with what the site knows (fields left out or empty keep
   * their value). A question already asked stays asked; later `ask` blocks with `skip_if_known` pass.
   */
  identify(conversationId: string, token: string, visitor: VisitorFields): Promise<IdentifiedVisitor>;
  /**
   * Events after `afterSeq`, then every new one as it happens (woken across processes), until
   * `signal` aborts. The caller has checked nothing: this checks the token itself.
   */
  follow(conversationId: string, token: string, afterSeq: number, signal: AbortSignal): AsyncIterable<ConversationEvent>;
}
