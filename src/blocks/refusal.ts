import type { HintCode } from '../answers/result.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { HINTS } from '../answers/locales/index.ts';
import type { AnswerStep, InputSpec, StepContext } from './block.ts';

/** A refused answer at an `ask` or `choice`: what `retries` and `invalid` make of it. */
export interface RefusalRules {
  readonly prompt: string;
  readonly retries: number;
  readonly invalid?: string | undefined;
}

/**
 * The hint and the prompt again while re-prompts remain; then the `invalid` port, or the end of
 * the conversation when the block has none. `ctx.attempts` counts the refusals before this one.
 */
export function refuseAnswer(rules: RefusalRules, ctx: StepContext, code: HintCode, input: InputSpec): AnswerStep {
  if (ctx.attempts < rules.retries) {
    return {
      kind: 'reprompt',
      messages: [{ text: HINTS[ctx.locale][code] }, { text: render(rules.prompt, ctx.vars) }],
      input,
    };
  }
  if (rules.invalid !== undefined) return { kind: 'next', target: rules.invalid };
  return { kind: 'end', status: 'ended', reason: 'invalid_answer' };
}
