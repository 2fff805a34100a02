import { z } from 'zod';
import type { Outcome, OutcomeName } from '../connectors/outcome.ts';
import type { CallContext, RoleConnectors, Role } from '../connectors/roles.ts';
import type { InputRequest, Locale, Message } from '../engine/types.ts';

/** Keys every block may carry besides its own. */
export const blockCommon = {
  name: z.string().min(1).optional(),
  position: z.strictObject({ x: z.number(), y: z.number() }).optional(),
};

export const blockId = z.string().min(1, 'must name a block');

export const BLOCK_CATEGORIES = ['messages', 'inputs', 'logic', 'integrations'] as const;
export type BlockCategory = (typeof BLOCK_CATEGORIES)[number];

/**
 * An outgoing edge of a block. `field` is the path of the key that holds the target inside the
 * block (`next`, `options.1.next`, `ports.success`, `invalid`), so validation can name it.
 * `sets` lists the variables that hold a value when the conversation follows this edge.
 */
export interface Edge {
  readonly port: string;
  readonly field: string;
  readonly target: string;
  readonly sets: readonly string[];
}

/** A text with merge fields inside a block, for validation and the builder's field picker. */
export interface TemplateUse {
  readonly field: string;
  readonly text: string;
}

/** Read-only view of the conversation that a block's step sees. */
export interface StepContext {
  readonly blockId: string;
  readonly botId: string;
  readonly locale: Locale;
  readonly vars: Readonly<Record<string, string>>;
  /** Answers refused so far at this block. */
  readonly attempts: number;
}

export type Step =
  /** Continue with `target`, after showing `messages` and assigning `set`. */
  | {
      readonly kind: 'next';
      readonly target: string;
      readonly messages?: readonly Message[];
      readonly set?: Readonly<Record<string, string>>;
    }
  /** Show `messages`, then wait for the visitor. */
  | { readonly kind: 'wait'; readonly messages: readonly Message[]; readonly input: Omit<InputRequest, 'blockId'> }
  /** The answer was refused: show `messages` (hint + prompt), count an attempt, keep waiting. */
  | { readonly kind: 'reprompt'; readonly messages: readonly Message[] }
  /** Ask the caller to run the block's integration with this rendered request. */
  | { readonly kind: 'effect'; readonly request: unknown }
  /** The conversation is over. */
  | {
      readonly kind: 'end';
      readonly status: 'ended' | 'handoff';
      readonly reason: string | null;
      readonly messages?: readonly Message[];
    }
  /** The answer was not acceptable at all (an unknown choice value over HTTP): an error, no attempt counted. */
  | { readonly kind: 'reject'; readonly message: string };

export type Answer = { readonly type: 'reply'; readonly text: string } | { readonly type: 'choice'; readonly value: string };

/** How an integration block reaches its connector. The engine never calls it; the effect runner does. */
export interface IntegrationSpec<Req> {
  /** `webhook` is its own provider rather than a configurable role. */
  readonly role: Role | 'webhook';
  /** The block's specific ports beyond `success` and `failure` (advanced error handling). */
  readonly specificPorts: readonly OutcomeName[];
  /** Output names that `save` may map to variables. */
  readonly outputs: readonly string[];
  readonly request: z.ZodType<Req>;
  readonly call: (connectors: RoleConnectors, request: Req, ctx: CallContext) => Promise<Outcome>;
}

export interface BlockDefinition<Config extends { type: string } = { type: string }> {
  readonly type: Config['type'];
  readonly category: BlockCategory;
  /** The block as written in a bot file, including `type`, `name` and `position`. Strict. */
  readonly schema: z.ZodType<Config>;
  edges(config: Config): readonly Edge[];
  templates(config: Config): readonly TemplateUse[];
  /** Entering the block. */
  enter(config: Config, ctx: StepContext): Step;
  /** Inputs only: the visitor's answer while the block waits. */
  answer?(config: Config, ctx: StepContext, answer: Answer): Step;
  /** Integrations only. */
  readonly integration?: IntegrationSpec<never>;
}
