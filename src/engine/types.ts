import type { InputRequest } from '../vocabulary/input-request.ts';
import type { Locale } from '../vocabulary/locales.ts';
import type { Message } from '../vocabulary/message.ts';
import type { Outcome, OutcomeName, Outputs } from '../vocabulary/outcome.ts';
import type { VisitorField } from '../vocabulary/variables.ts';

/**
 * An integration call the engine asks its caller to make. Pure data: the caller (CLI or the
 * durable runtime) runs it against a connector and feeds the outcome back as an `effect_result`.
 */
export interface Effect {
  /** `${conversationId}:${n}` — stable, unique per conversation, the idempotency key of the call. */
  readonly id: string;
  readonly blockId: string;
  /** The integration block type, e.g. `crm.lead`. */
  readonly action: string;
  /** The rendered request, shaped by the block's request schema (see vocabulary/requests.ts). */
  readonly request: unknown;
  readonly locale: Locale;
  readonly botId: string;
}

export type ConversationStatus = 'waiting_input' | 'waiting_effect' | 'ended' | 'handoff';

export interface ConversationState {
  readonly conversationId: string;
  readonly botId: string;
  readonly status: ConversationStatus;
  /** The block waiting for an answer or an effect outcome; null once the conversation is over. */
  readonly at: string | null;
  readonly vars: Readonly<Record<string, string>>;
  /** Refused answers so far at the current `ask`/`choice`. */
  readonly attempts: number;
  /** Effects issued so far; the next effect's id ends in this number + 1. */
  readonly effects: number;
  /** The effect whose outcome the conversation waits for. */
  readonly pendingEffect: string | null;
  /** Why the conversation ended or was handed off (`handoff.reason`, `invalid_answer`, `step_limit`). */
  readonly reason: string | null;
}

export type EngineEvent =
  | {
      readonly type: 'start';
      readonly conversationId: string;
      readonly visitor?: Partial<Record<VisitorField, string>>;
    }
  /**
   * A typed answer (a choice may be answered by label, value or position number too). `at` is when
   * the visitor answered (ISO 8601): the engine reads no clock, and a consent records this time.
   */
  | { readonly type: 'reply'; readonly text: string; readonly at: string }
  /** A button press: an option's value. An unknown value is an error, not a re-prompt. */
  | { readonly type: 'choice'; readonly value: string; readonly at: string }
  | { readonly type: 'effect_result'; readonly effectId: string; readonly outcome: Outcome }
  /**
   * A handed-off conversation goes back to the bot at `block`: an agent handed it back, or nobody
   * claimed it in time and the handoff block's `no_agent` port is taken.
   */
  | { readonly type: 'resume'; readonly block: string };

/** An integration outcome applied during this advance: what the connector said and where the bot went. */
export interface IntegrationTrace {
  readonly block: string;
  readonly action: string;
  readonly outcome: OutcomeName;
  readonly port: string;
  readonly outputs: Outputs;
  readonly message?: string;
}

export type EngineErrorCode =
  | 'not_started'
  | 'already_started'
  | 'conversation_over'
  | 'not_waiting_for_input'
  | 'not_waiting_for_effect'
  /** `resume` of a conversation that is not handed off. */
  | 'not_handed_off'
  | 'wrong_effect'
  | 'unknown_choice'
  | 'step_limit'
  /** The bot does not fit the conversation: a target, port or waiting block that is not there (a bot that passed validation never gives this). */
  | 'invalid_bot';

export interface EngineError {
  readonly code: EngineErrorCode;
  readonly message: string;
}

/** The handoff block that handed the conversation to a person during this advance. */
export interface HandoffTrace {
  readonly block: string;
  /** Where the bot goes when nobody claims it in `timeoutSeconds`; null: it waits, unclaimed, for ever. */
  readonly noAgent: string | null;
  readonly timeoutSeconds: number;
}

export interface AdvanceResult {
  readonly state: ConversationState;
  readonly messages: readonly Message[];
  /** What to ask the visitor for; null when an effect is pending or the conversation is over. */
  readonly input: InputRequest | null;
  readonly effect: Effect | null;
  readonly integration: IntegrationTrace | null;
  /** Blocks entered during this advance, in order (for path highlighting and analytics). */
  readonly path: readonly string[];
  /**
   * Set when the event could not be applied (the state is then unchanged) or when the bot was
   * stopped (`step_limit`: the state is ended).
   */
  readonly error: EngineError | null;
  /** Set when this advance handed the conversation off. */
  readonly handoff?: HandoffTrace;
}
