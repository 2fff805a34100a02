import { randomUUID } from 'node:crypto';
import { advance } from '../engine/advance.ts';
import type { AdvanceResult, Effect, EngineEvent, IntegrationTrace } from '../engine/types.ts';
import type { InputRequest } from '../vocabulary/input-request.ts';
import type { Message } from '../vocabulary/message.ts';
import type { Bot } from '../flow/index.ts';
import type { Outcome } from '../vocabulary/outcome.ts';

/** What the chat prints, in the order it happens (`--json` writes one of these per line). */
export type ChatEvent =
  | { type: 'message'; text: string; image?: string; link?: Message['link'] }
  | { type: 'input'; kind: InputRequest['kind']; options?: { label: string; value: string }[] }
  | ({ type: 'integration' } & IntegrationTrace)
  | { type: 'end'; status: 'ended' | 'handoff'; reason: string | null; variables: Record<string, string> }
  | { type: 'error'; code: string; message: string };

export interface ChatDriver {
  /** Next visitor reply, or null when there is none (end of input). */
  readReply(input: InputRequest): Promise<string | null>;
  runEffect(effect: Effect): Promise<Outcome>;
  emit(event: ChatEvent): void;
}

export type ChatResult = 'ended' | 'handoff' | 'input_closed' | 'error';

/** Runs one conversation to its end, running effects inline. */
export async function runChat(bot: Bot, driver: ChatDriver): Promise<ChatResult> {
  let result = advance(bot, null, { type: 'start', conversationId: randomUUID() });
  for (;;) {
    if (result.integration) driver.emit({ type: 'integration', ...result.integration });
    for (const m of result.messages) driver.emit({ type: 'message', ...m });
    if (result.error) {
      driver.emit({ type: 'error', code: result.error.code, message: result.error.message });
      if (result.error.code === 'step_limit') return 'error';
    }
    const { state } = result;
    if (state.status === 'ended' || state.status === 'handoff') {
      driver.emit({ type: 'end', status: state.status, reason: state.reason, variables: { ...state.vars } });
      return state.status;
    }
    let event: EngineEvent;
    if (result.effect) {
      const outcome = await driver.runEffect(result.effect);
      event = { type: 'effect_result', effectId: result.effect.id, outcome };
    } else if (result.input) {
      const { input } = result;
      driver.emit(
        input.kind === 'choice'
          ? { type: 'input', kind: 'choice', options: input.options.map((o) => ({ label: o.label, value: o.value })) }
          : { type: 'input', kind: input.kind },
      );
      const text = await driver.readReply(input);
      if (text === null) return 'input_closed';
      event = { type: 'reply', text, at: new Date().toISOString() };
    } else {
      return 'error';
    }
    result = next(bot, result, event);
  }
}

const next = (bot: Bot, prev: AdvanceResult, event: EngineEvent): AdvanceResult => advance(bot, prev.state, event);
