import { definitionOf, type BlockConfig } from '../blocks/index.ts';
import type { StepContext } from '../blocks/block.ts';
import type { Outcome } from '../vocabulary/outcome.ts';
import type { Bot } from '../flow/bot-schema.ts';
import { VISITOR_FIELDS } from '../vocabulary/variables.ts';
import type { AdvanceResult, ConversationState, ConversationStatus, EngineErrorCode, EngineEvent, IntegrationTrace } from './types.ts';
import type { InputRequest } from '../vocabulary/input-request.ts';
import type { Message } from '../vocabulary/message.ts';

/** Block entries allowed in one advance before a bot that never waits is stopped. */
export const STEP_LIMIT = 1000;

type Vars = Record<string, string>;

// Per bot: its blocks in a Map, so that a target such as `constructor` can never reach
// Object.prototype, and lookups stay cheap. Bots are immutable once loaded.
const compiled = new WeakMap<Bot, ReadonlyMap<string, BlockConfig>>();
function blocksOf(bot: Bot): ReadonlyMap<string, BlockConfig> {
  let blocks = compiled.get(bot);
  if (!blocks) {
    blocks = new Map(Object.entries(bot.blocks));
    compiled.set(bot, blocks);
  }
  return blocks;
}

// Working variables have no prototype: a variable may be named anything the name rules allow,
// `constructor` and `__proto__` included, and must read as unset until something sets it.
function copyVars(vars: Readonly<Vars>): Vars {
  return Object.assign(Object.create(null) as Vars, vars);
}
function assign(vars: Vars, set: Readonly<Vars>): void {
  for (const name in set) vars[name] = set[name]!;
}

/** What one advance accumulates while it runs blocks. */
interface Turn {
  readonly bot: Bot;
  readonly blocks: ReadonlyMap<string, BlockConfig>;
  readonly conversationId: string;
  readonly vars: Vars;
  readonly messages: Message[];
  readonly path: string[];
  readonly effects: number;
  readonly integration: IntegrationTrace | null;
}

const NO_MESSAGES: readonly Message[] = [];

/**
 * Applies one event to a conversation: the new state, what to show, what to wait for, and at
 * most one effect. Pure and synchronous; never throws on a bot that passed validation. An event
 * that cannot apply returns `error` with the state unchanged (and `input` still naming what the
 * conversation waits for, when it waits for the visitor).
 */
export function advance(bot: Bot, state: ConversationState | null, event: EngineEvent): AdvanceResult {
  if (event.type === 'start') {
    if (state !== null) return rejected(bot, state, 'already_started', 'the conversation has already started');
    const vars = Object.create(null) as Vars;
    for (const field of VISITOR_FIELDS) vars[`visitor.${field}`] = (event.visitor?.[field] ?? '').normalize('NFKC').trim();
    return run(newTurn(bot, event.conversationId, vars, 0, null), bot.start);
  }
  if (state === null) return rejected(bot, notStarted(bot), 'not_started', 'start the conversation first');
  if (state.status === 'ended' || state.status === 'handoff') {
    return rejected(bot, state, 'conversation_over', `the conversation is over (${state.status})`);
  }
  return event.type === 'effect_result' ? settle(bot, state, event.effectId, event.outcome) : answer(bot, state, event);
}

function newTurn(bot: Bot, conversationId: string, vars: Vars, effects: number, integration: IntegrationTrace | null): Turn {
  return { bot, blocks: blocksOf(bot), conversationId, vars, messages: [], path: [], effects, integration };
}

function answer(bot: Bot, state: ConversationState, event: Extract<EngineEvent, { type: 'reply' | 'choice' }>): AdvanceResult {
  const at = state.at;
  if (state.status !== 'waiting_input' || at === null) {
    return rejected(bot, state, 'not_waiting_for_input', 'the conversation is waiting for an integration, not for the visitor');
  }
  const config = blocksOf(bot).get(at);
  const definition = config && definitionOf(config);
  if (!config || !definition?.answer) return rejected(bot, state, 'invalid_bot', `block "${at}" of bot "${bot.id}" takes no answer`);

  const vars = copyVars(state.vars);
  const ctx: StepContext = { blockId: at, botId: bot.id, locale: bot.locale, vars, attempts: state.attempts };
  const step = definition.answer(config, ctx, event);
  const turn = newTurn(bot, state.conversationId, vars, state.effects, null);
  switch (step.kind) {
    case 'reject':
      return rejected(bot, state, 'unknown_choice', step.message);
    case 'reprompt':
      return {
        state: { ...state, attempts: state.attempts + 1 },
        messages: step.messages,
        input: { blockId: at, ...step.input },
        effect: null,
        integration: null,
        path: [],
        error: null,
      };
    case 'end':
      if (step.messages) turn.messages.push(...step.messages);
      if (step.set) assign(vars, step.set);
      return over(turn, step.status, step.reason);
    case 'next':
      if (step.messages) turn.messages.push(...step.messages);
      if (step.set) assign(vars, step.set);
      return run(turn, step.target);
  }
}

function settle(bot: Bot, state: ConversationState, effectId: string, outcome: Outcome): AdvanceResult {
  const at = state.at;
  if (state.status !== 'waiting_effect' || at === null) {
    return rejected(bot, state, 'not_waiting_for_effect', 'the conversation is waiting for the visitor, not for an integration');
  }
  if (effectId !== state.pendingEffect) {
    return rejected(bot, state, 'wrong_effect', `the conversation waits for effect "${state.pendingEffect}", not "${effectId}"`);
  }
  const config = blocksOf(bot).get(at);
  const definition = config && definitionOf(config);
  if (!config || !definition?.settle) return rejected(bot, state, 'invalid_bot', `block "${at}" of bot "${bot.id}" is not an integration`);

  const settled = definition.settle(config, outcome);
  const message = 'message' in outcome ? outcome.message : undefined;
  const trace: IntegrationTrace = {
    block: at,
    action: config.type,
    outcome: outcome.outcome,
    port: settled.port,
    outputs: 'outputs' in outcome ? outcome.outputs : {},
    ...(message !== undefined ? { message } : {}),
  };
  const vars = copyVars(state.vars);
  assign(vars, settled.set);
  const turn = newTurn(bot, state.conversationId, vars, state.effects, trace);
  if (settled.target === undefined) return broken(turn, `block "${at}" has no ${settled.port} port`);
  return run(turn, settled.target);
}

/** Enters blocks from `from` until one waits for the visitor, asks for an effect, or ends the conversation. */
function run(turn: Turn, from: string): AdvanceResult {
  const { bot, blocks, vars, messages, path } = turn;
  const ctx = { blockId: from, botId: bot.id, locale: bot.locale, vars, attempts: 0 };
  let id = from;
  for (let entered = 0; ; entered++) {
    if (entered === STEP_LIMIT) {
      return over(turn, 'ended', 'step_limit', {
        code: 'step_limit',
        message: `stopped at block "${id}" after ${STEP_LIMIT} blocks without waiting for the visitor (a loop?)`,
      });
    }
    const config = blocks.get(id);
    if (config === undefined) return broken(turn, `there is no block "${id}"`);
    path.push(id);
    ctx.blockId = id;
    const step = definitionOf(config).enter(config, ctx);
    if (step.kind === 'next') {
      if (step.messages) for (const m of step.messages) messages.push(m);
      if (step.set) assign(vars, step.set);
      id = step.target;
      continue;
    }
    if (step.kind === 'wait') {
      for (const m of step.messages) messages.push(m);
      return result(turn, stateOf(turn, 'waiting_input', id, turn.effects, null, null), { blockId: id, ...step.input }, null);
    }
    if (step.kind === 'effect') {
      const n = turn.effects + 1;
      const effectId = `${turn.conversationId}:${n}`;
      const effect = { id: effectId, blockId: id, action: config.type, request: step.request, locale: bot.locale, botId: bot.id };
      return result(turn, stateOf(turn, 'waiting_effect', id, n, effectId, null), null, effect);
    }
    if (step.messages) for (const m of step.messages) messages.push(m);
    if (step.set) assign(vars, step.set);
    return over(turn, step.status, step.reason);
  }
}

function stateOf(
  turn: Turn,
  status: ConversationStatus,
  at: string | null,
  effects: number,
  pendingEffect: string | null,
  reason: string | null,
): ConversationState {
  return {
    conversationId: turn.conversationId,
    botId: turn.bot.id,
    status,
    at,
    vars: turn.vars,
    attempts: 0,
    effects,
    pendingEffect,
    reason,
  };
}

function result(
  turn: Turn,
  state: ConversationState,
  input: InputRequest | null,
  effect: AdvanceResult['effect'],
  error: AdvanceResult['error'] = null,
): AdvanceResult {
  return { state, messages: turn.messages, input, effect, integration: turn.integration, path: turn.path, error };
}

function over(turn: Turn, status: 'ended' | 'handoff', reason: string | null, error: AdvanceResult['error'] = null): AdvanceResult {
  return result(turn, stateOf(turn, status, null, turn.effects, null, reason), null, null, error);
}

/** A bot that does not hold what it names (only an unvalidated bot can): the conversation ends. */
function broken(turn: Turn, message: string): AdvanceResult {
  return over(turn, 'ended', 'invalid_bot', { code: 'invalid_bot', message: `bot "${turn.bot.id}": ${message}` });
}

function rejected(bot: Bot, state: ConversationState, code: EngineErrorCode, message: string): AdvanceResult {
  return { state, messages: NO_MESSAGES, input: waitingInput(bot, state), effect: null, integration: null, path: [], error: { code, message } };
}

/** What a conversation waiting for the visitor waits for, read again from its block. */
export function waitingInput(bot: Bot, state: ConversationState): InputRequest | null {
  if (state.status !== 'waiting_input' || state.at === null) return null;
  const config = blocksOf(bot).get(state.at);
  if (!config) return null;
  const ctx: StepContext = { blockId: state.at, botId: bot.id, locale: bot.locale, vars: state.vars, attempts: state.attempts };
  const step = definitionOf(config).enter(config, ctx);
  return step.kind === 'wait' ? { blockId: state.at, ...step.input } : null;
}

/**
 * The state returned with `not_started` (an event before `start`): an over conversation, so a
 * caller that ignores the error cannot carry on with it.
 */
function notStarted(bot: Bot): ConversationState {
  return {
    conversationId: '',
    botId: bot.id,
    status: 'ended',
    at: null,
    vars: {},
    attempts: 0,
    effects: 0,
    pendingEffect: null,
    reason: 'not_started',
  };
}
