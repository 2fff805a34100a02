import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OUTCOMES, type Outcome, type OutcomeName } from '../vocabulary/outcome.ts';
import type { Bot } from '../flow/bot-schema.ts';
import { advance } from './advance.ts';
import { ANSWERED_AT, makeBot } from './test-bots.ts';
import type { AdvanceResult, ConversationState, EngineEvent } from './types.ts';

const VARS = ['visitor.name', 'visitor.email', 'answer', 'pick', 'lead_id', 'n'] as const;
const TEXTS = ['hello', '%answer%', '%%', '12,000', 'yes', 'ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ', '', '%visitor.name%'];

const template = fc.oneof(
  fc.constantFrom(...TEXTS),
  fc.constantFrom(...VARS).map((v) => `x %${v}% y`),
  fc.string({ maxLength: 8 }),
);
const nonEmptyTemplate = template.map((t) => `T ${t}`);

/** A random block of any type whose references point at one of the `n` blocks (cycles allowed). */
function blockArb(n: number): fc.Arbitrary<Record<string, unknown>> {
  const target = fc.integer({ min: 0, max: n - 1 }).map((i) => `b${i}`);
  const variable = fc.constantFrom(...VARS);
  const ports = (specific: readonly string[]) =>
    fc
      .record({ success: target, failure: target, specific: fc.subarray([...specific]), to: target })
      .map(({ success, failure, specific: wired, to }) => ({ success, failure, ...Object.fromEntries(wired.map((p) => [p, to])) }));
  return fc.oneof(
    fc.record({ type: fc.constant('message'), text: template, next: target }),
    fc.record(
      {
        type: fc.constant('ask'),
        kind: fc.constantFrom('text', 'name', 'email', 'phone', 'number', 'date', 'url'),
        prompt: template,
        save: variable,
        retries: fc.integer({ min: 0, max: 3 }),
        invalid: target,
        next: target,
      },
      { requiredKeys: ['type', 'kind', 'prompt', 'save', 'next'] },
    ),
    fc
      .record({
        prompt: template,
        save: variable,
        labels: fc.uniqueArray(fc.constantFrom('Low', 'High', '低', '高', '1', 'other'), { minLength: 1, maxLength: 4 }),
        targets: fc.array(target, { minLength: 4, maxLength: 4 }),
        retries: fc.integer({ min: 0, max: 2 }),
      })
      .map(({ labels, targets, ...rest }) => ({
        type: 'choice',
        ...rest,
        options: labels.map((label, i) => ({ label, value: `v-${label}`, next: targets[i]! })),
      })),
    fc.record({
      type: fc.constant('condition'),
      rules: fc.array(
        fc.record({
          when: fc.record({
            var: variable,
            op: fc.constantFrom('equals', 'not_equals', 'contains', 'is_set', 'is_not_set', 'greater_than', 'less_than'),
            value: template,
          }),
          next: target,
        }),
        { maxLength: 3 },
      ),
      else: target,
    }),
    fc.record({ type: fc.constant('set'), values: fc.dictionary(variable, template, { minKeys: 1, maxKeys: 3 }), next: target }),
    fc.record({ type: fc.constant('goto'), target }),
    fc.record({ type: fc.constant('end'), text: template }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('handoff'), reason: fc.constantFrom('human', 'vip') }),
    fc.record({ type: fc.constant('crm.lead'), ports: ports(['integration_invalid', 'already_exists']), save: fc.constant({ id: 'lead_id' }) }),
    fc.record({ type: fc.constant('crm.contact'), ports: ports(['integration_invalid']) }),
    fc.record({ type: fc.constant('crm.deal'), name: nonEmptyTemplate, stage: fc.constant('New'), ports: ports(['integration_invalid']) }),
    fc.record({
      type: fc.constant('helpdesk.ticket'),
      subject: nonEmptyTemplate,
      ports: ports(['integration_invalid', 'department_invalid', 'assignee_invalid']),
      save: fc.constant({ id: 'n', number: 'n' }),
    }),
    fc.record({ type: fc.constant('mailing.subscribe'), list: fc.constant('News'), ports: ports(['integration_invalid']) }),
    fc.record({
      type: fc.constant('webhook'),
      url: fc.constant('https://example.com/%n%'),
      body: fc.constant({ a: ['%answer%', 1] }),
      ports: ports([]),
    }),
  );
}

const botArb: fc.Arbitrary<Bot> = fc
  .integer({ min: 1, max: 10 })
  .chain((n) => fc.array(blockArb(n), { minLength: n, maxLength: n }))
  .map((blocks) => makeBot(Object.fromEntries(blocks.map((b, i) => [`b${i}`, b]))));

/** What the visitor or the effect runner does next; resolved against the state when it happens. */
type Action =
  /** What the conversation waits for: a reply at an input, an outcome for the pending effect. */
  | { kind: 'fitting'; text: string; outcome: OutcomeName }
  | { kind: 'reply'; text: string }
  | { kind: 'choice'; value: string }
  | { kind: 'outcome'; outcome: OutcomeName; rightId: boolean }
  | { kind: 'start' };

const replyText = fc.oneof(
  fc.constantFrom(...TEXTS, '1', '2', 'low', '高', '2026/2/30', '2026年12月1日', '090-1234-5678', 'https://a.jp'),
  fc.string({ maxLength: 6 }),
);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('fitting'), text: replyText, outcome: fc.constantFrom(...OUTCOMES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reply'), text: replyText }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('choice'), value: fc.constantFrom('v-Low', 'v-高', 'v-1', 'nope') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('outcome'), outcome: fc.constantFrom(...OUTCOMES), rightId: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'start' as const }) },
);

const outcomeOf = (name: OutcomeName): Outcome => {
  switch (name) {
    case 'success':
      return { outcome: name, outputs: { id: 'R-1', number: '7' } };
    case 'already_exists':
      return { outcome: name, outputs: { id: 'R-0' } };
    case 'failure':
      return { outcome: name, message: 'boom', retryable: false };
    default:
      return { outcome: name, message: name };
  }
};

function eventFor(action: Action, state: ConversationState): EngineEvent {
  switch (action.kind) {
    case 'fitting':
      return state.status === 'waiting_effect' && state.pendingEffect
        ? { type: 'effect_result', effectId: state.pendingEffect, outcome: outcomeOf(action.outcome) }
        : { type: 'reply', text: action.text, at: ANSWERED_AT };
    case 'reply':
      return { type: 'reply', text: action.text, at: ANSWERED_AT };
    case 'choice':
      return { type: 'choice', value: action.value, at: ANSWERED_AT };
    case 'start':
      return { type: 'start', conversationId: 'again' };
    case 'outcome':
      return {
        type: 'effect_result',
        effectId: action.rightId && state.pendingEffect ? state.pendingEffect : 'conv:999',
        outcome: outcomeOf(action.outcome),
      };
  }
}

function converse(bot: Bot, actions: readonly Action[]): AdvanceResult[] {
  const results = [advance(bot, null, { type: 'start', conversationId: 'conv', visitor: { name: 'Ｔａｒｏ' } })];
  for (const action of actions) results.push(advance(bot, results.at(-1)!.state, eventFor(action, results.at(-1)!.state)));
  return results;
}

/** The conversation waits for the visitor, waits for an effect, or is over — exactly one, consistently. */
function settledShape(r: AdvanceResult): boolean {
  switch (r.state.status) {
    case 'waiting_input':
      return r.input !== null && r.input.blockId === r.state.at && r.effect === null && r.state.pendingEffect === null;
    case 'waiting_effect':
      return r.effect !== null && r.input === null && r.effect.id === r.state.pendingEffect && r.effect.blockId === r.state.at;
    case 'ended':
    case 'handoff':
      return r.input === null && r.effect === null && r.state.at === null;
  }
}

describe('advance on random bots and random conversations', () => {
  const params = { numRuns: 200 };

  it('never throws, and after every accepted event waits for input, waits for an effect, or is over', () => {
    fc.assert(
      fc.property(botArb, fc.array(actionArb, { maxLength: 25 }), (bot, actions) => {
        const results = converse(bot, actions);
        results.forEach((r, i) => {
          const accepted = r.error === null || r.error.code === 'step_limit';
          if (accepted) {
            expect(settledShape(r)).toBe(true);
            if (r.error) expect(r.state).toMatchObject({ status: 'ended', reason: 'step_limit' });
          } else if (i > 0) {
            expect(r.state).toBe(results[i - 1]!.state);
          }
          expect(r.path.length).toBeLessThanOrEqual(1000);
        });
      }),
      params,
    );
  });

  it('is deterministic: the same bot and events give deeply equal results', () => {
    fc.assert(
      fc.property(botArb, fc.array(actionArb, { maxLength: 25 }), (bot, actions) => {
        expect(converse(bot, actions)).toEqual(converse(bot, actions));
      }),
      params,
    );
  });

  it('numbers effects 1, 2, 3 … and never changes a state it was given', () => {
    fc.assert(
      fc.property(botArb, fc.array(actionArb, { maxLength: 25 }), (bot, actions) => {
        const results = converse(bot, actions);
        const snapshots = results.map((r) => JSON.stringify(r.state));
        const effects = results.flatMap((r) => (r.effect ? [r.effect.id] : []));
        expect(effects).toEqual(effects.map((_, i) => `conv:${i + 1}`));
        // Applying the same events again to the recorded states must leave those states as they were.
        actions.forEach((action, i) => advance(bot, results[i]!.state, eventFor(action, results[i]!.state)));
        expect(results.map((r) => JSON.stringify(r.state))).toEqual(snapshots);
      }),
      params,
    );
  });
});
