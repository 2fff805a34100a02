import { z } from 'zod';
import type { Outcome, OutcomeName } from '../vocabulary/outcome.ts';
import type { CallContext, RoleConnectors, Role } from '../vocabulary/roles.ts';
import type { InputRequest } from '../vocabulary/input-request.ts';
import type { Locale } from '../vocabulary/locales.ts';
import type { Message } from '../vocabulary/message.ts';
import type { RecordEvent } from '../vocabulary/record-events.ts';
import type { FieldDecl, Label } from './fields.ts';

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

/** What an input block waits for (the engine adds the block id). */
export type InputSpec = InputRequest extends infer R ? (R extends unknown ? Omit<R, 'blockId'> : never) : never;

export type Step =
  /** Continue with `target`, after showing `messages` and assigning `set`. */
  | {
      readonly kind: 'next';
      readonly target: string;
      readonly messages?: readonly Message[];
      readonly set?: Readonly<Record<string, string>>;
    }
  /** Show `messages`, then wait for the visitor. */
  | { readonly kind: 'wait'; readonly messages: readonly Message[]; readonly input: InputSpec }
  /** The answer was refused: show `messages` (hint + prompt), count an attempt, keep waiting for `input`. */
  | { readonly kind: 'reprompt'; readonly messages: readonly Message[]; readonly input: InputSpec }
  /** Ask the caller to run the block's integration with this rendered request. */
  | { readonly kind: 'effect'; readonly request: unknown }
  /** The conversation is over, after showing `messages` and assigning `set` (kept with the ended conversation). */
  | {
      readonly kind: 'end';
      readonly status: 'ended' | 'handoff';
      readonly reason: string | null;
      readonly messages?: readonly Message[];
      readonly set?: Readonly<Record<string, string>>;
    }
  /** The answer was not acceptable at all (an unknown choice value over HTTP): an error, no attempt counted. */
  | { readonly kind: 'reject'; readonly message: string };

/** What entering a block may lead to. */
export type EnterStep = Extract<Step, { kind: 'next' | 'wait' | 'effect' | 'end' }>;
/** What an answer at an input block may lead to. */
export type AnswerStep = Extract<Step, { kind: 'next' | 'reprompt' | 'end' | 'reject' }>;

/** The visitor's answer; `at` is when it was given (ISO 8601), for blocks that record it (a consent). */
export type Answer =
  { readonly type: 'reply'; readonly text: string; readonly at: string } | { readonly type: 'choice'; readonly value: string; readonly at: string };

/** Where an integration's outcome leads: the port taken, its target (absent when unwired) and the variables it sets. */
export interface Settled {
  readonly port: string;
  readonly target: string | undefined;
  readonly set: Readonly<Record<string, string>>;
}

/** How an integration block reaches its connector. The engine never calls it; the effect runner does. */
export interface IntegrationSpec<Req = unknown> {
  /** `webhook` is its own provider rather than a configurable role. */
  readonly role: Role | 'webhook';
  /** The block's specific ports beyond `success` and `failure` (advanced error handling). */
  readonly specificPorts: readonly OutcomeName[];
  /** Output names that `save` may map to variables (webhook: none, its `save` maps JSON paths). */
  readonly outputs: readonly string[];
  /** The event a `success` outcome tells the visitor's page; null for none (a webhook's result is the bot's own business). */
  readonly announces: RecordEvent | null;
  /** The shape of `Effect.request` for this block; the runner parses with it before `call`. */
  readonly request: z.ZodType<Req>;
  // Method syntax on purpose: it lets a spec for one request type sit in the registry as
  // IntegrationSpec<unknown>; the runner only ever passes what `request` parsed.
  call(connectors: RoleConnectors, request: Req, ctx: CallContext): Promise<Outcome>;
}

/**
 * A port a block can have, wired or not: the builder draws one handle per port, the validator
 * and the engine follow the edge written at `field`.
 */
export interface PortDecl {
  /** The port's name in edges and problems: `next`, `invalid`, `options.0`, `rules.1`, `else`, `success`. */
  readonly name: string;
  /** The key path inside the block that holds the target: `next`, `options.0.next`, `ports.success`. */
  readonly field: string;
  readonly label: Label;
  /** What the author wrote for this port (an option's label, a rule's condition), shown instead of its name. */
  readonly caption?: string;
  /** An outcome port the author turns on for advanced error handling; hidden until then. */
  readonly advanced: boolean;
}

export { PORT, type FieldDecl } from './fields.ts';

/** Every key a block's config may carry besides `type` and `position`, each a field or a port. */
export type FieldsOf<Config> = { readonly [K in Exclude<keyof Config & string, 'type' | 'position'>]: FieldDecl };

/** A definition's fields as entries, for code that reads any block type. */
export const fieldEntries = (fields: object): [string, FieldDecl][] => Object.entries(fields as Readonly<Record<string, FieldDecl>>);

/** A block as written in a bot file, before (or without) its schema accepting it. */
export type LooseBlock = Readonly<Record<string, unknown>>;

/**
 * Problems a block's own cross-field checks report, by code, with what each carries. The bot
 * validator's problem codes include these, and give each its message in every locale.
 */
export interface BlockProblemParams {
  duplicate_option_value: { value: string; first: number };
}
export type BlockFinding = {
  [C in keyof BlockProblemParams]: { readonly code: C; readonly params: BlockProblemParams[C]; readonly path: readonly (string | number)[] };
}[keyof BlockProblemParams];

/**
 * One block type: what it is (its words, fields and ports, read by the builder, the validator and
 * the docs generator) and what it does (read by the engine). Methods use method syntax so that a
 * definition for one config type is assignable to a definition for the union of all configs (the
 * engine dispatches on `type`).
 */
export interface BlockDefinition<Config extends { type: string } = { type: string }> {
  readonly type: Config['type'];
  readonly category: BlockCategory;
  /** The block type's name in the palette, on the canvas and in the admin's pages. */
  readonly label: Label;
  /** One or two sentences for the generated block reference. */
  readonly description: Label;
  /** The block as written in a bot file, including `type`, `name` and `position`. Strict. */
  readonly schema: z.ZodType<Config>;
  /** Every key of the config, in form order: how each is edited, or that it holds a port's target. */
  readonly fields: FieldsOf<Config>;
  /**
   * Every port a block written like this can have, wired or not, in display order. It reads the
   * block as written (it may be incomplete while an author edits it) and never throws.
   */
  ports(block: LooseBlock): readonly PortDecl[];
  /** Checks across fields that the schema alone cannot word well; run on the block as written. */
  check?(block: LooseBlock): readonly BlockFinding[];
  edges(config: Config): readonly Edge[];
  templates(config: Config): readonly TemplateUse[];
  /** Entering the block. */
  enter(config: Config, ctx: StepContext): EnterStep;
  /** Inputs only: the visitor's answer while the block waits. */
  answer?(config: Config, ctx: StepContext, answer: Answer): AnswerStep;
  /** Integrations only: the port an outcome takes and the `save` variables it sets. */
  settle?(config: Config, outcome: Outcome): Settled;
  /** Integrations only. */
  readonly integration?: IntegrationSpec;
}

/** Keeps the concrete schema type (for the bot schema's discriminated union) while typing the methods from it. */
export function defineBlock<S extends z.ZodType<{ type: string }>>(
  definition: BlockDefinition<z.output<S>> & { readonly schema: S },
): BlockDefinition<z.output<S>> & { readonly schema: S } {
  return definition;
}
