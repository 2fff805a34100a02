import { z } from 'zod';
import { normalize } from '../answers/result.ts';
import { HINTS } from '../answers/locales/index.ts';
import { render } from '../vocabulary/merge-fields.ts';
import type { Message } from '../vocabulary/message.ts';
import { blockCommon, blockId, defineBlock, PORT, type AnswerStep, type InputSpec, type StepContext } from './block.ts';
import { FIELD_LABELS } from './labels.ts';
import { group, longText, variable, word } from './fields.ts';
import { BLOCK_WORDS } from './locales/index.ts';

/** The variable a consent saves to when the block names none. */
export const CONSENT_DEFAULT_SAVE = 'consent';

// Two variables are written (`<save>` and `<save>_at`), so `save` is a bot variable: a visitor.* field cannot take an `_at`.
const consentVariable = z.string().regex(/^[a-z0-9_]+$/u, 'must be a bot variable of a-z, 0-9 and _ (the time goes to the same name with _at)');

export const consentSchema = z.strictObject({
  type: z.literal('consent'),
  ...blockCommon,
  /** The privacy notice. */
  text: z.string().min(1),
  /** The privacy policy the notice points to. */
  link: z.strictObject({
    url: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// address' }),
    label: z.string().min(1).optional(),
  }),
  accept_label: z.string().min(1).optional(),
  decline_label: z.string().min(1).optional(),
  save: consentVariable.default(CONSENT_DEFAULT_SAVE),
  /** Where the conversation goes once the visitor accepts. */
  next: blockId,
  /** Where it goes when the visitor declines; without it the conversation ends politely. */
  declined: blockId.optional(),
});
export type ConsentConfig = z.output<typeof consentSchema>;

/** What `save` holds after the visitor answered. */
export const CONSENT_VALUES = { accepted: 'yes', declined: 'no' } as const;
/** The reason a conversation ends with when the visitor declined and `declined` is not wired. */
export const CONSENT_DECLINED_REASON = 'consent_declined';
/** Typed answers that name neither button are asked again this many times, then count as declined. */
export const CONSENT_RETRIES = 2;

/**
 * The two variables a consent sets: the answer and, with `_at`, its time. Read from a block as
 * written too, since the validator follows the edges of a block that failed its schema.
 */
const savedIn = (block: { readonly save?: unknown }): readonly [string, string] => {
  const save = typeof block.save === 'string' ? block.save : CONSENT_DEFAULT_SAVE;
  return [save, `${save}_at`];
};

type Buttons = Extract<InputSpec, { kind: 'choice' }>;

function buttons(config: ConsentConfig, ctx: StepContext): Buttons {
  const words = BLOCK_WORDS[ctx.locale];
  return {
    kind: 'choice',
    options: [
      { label: config.accept_label ?? words.consentAccept, value: CONSENT_VALUES.accepted },
      { label: config.decline_label ?? words.consentDecline, value: CONSENT_VALUES.declined },
    ],
  };
}

function notice(config: ConsentConfig, ctx: StepContext): Message {
  return { text: render(config.text, ctx.vars), link: config.link };
}

const fold = (text: string): string => normalize(text).toLowerCase();

/** A typed answer: a button's label, its value (`yes`, `no`) or its position (1, 2). */
function typed(input: Buttons, text: string): string | undefined {
  const folded = fold(text);
  const found = input.options.findIndex((o, i) => fold(o.label) === folded || o.value === folded || String(i + 1) === folded);
  return found === -1 ? undefined : input.options[found]!.value;
}

function decided(config: ConsentConfig, ctx: StepContext, value: string, at: string): AnswerStep {
  const [answerVariable, timeVariable] = savedIn(config);
  const set = { [answerVariable]: value, [timeVariable]: at };
  if (value === CONSENT_VALUES.accepted) return { kind: 'next', target: config.next, set };
  if (config.declined !== undefined) return { kind: 'next', target: config.declined, set };
  // The refusal is kept in the ended conversation's variables too.
  return { kind: 'end', status: 'ended', reason: CONSENT_DECLINED_REASON, set, messages: [{ text: BLOCK_WORDS[ctx.locale].consentDeclinedEnd }] };
}

export const consent = defineBlock({
  type: 'consent',
  category: 'inputs',
  label: { en: 'Consent', ja: '同意' },
  description: {
    en: 'Shows a privacy notice with a link to the policy and two buttons. Saves the answer (yes or no) and its time, then continues to `next` on acceptance or `declined` on refusal; an unwired refusal ends the conversation politely.',
    ja: 'プライバシーに関するお知らせをポリシーへのリンクと2つのボタンとともに表示します。回答（yes / no）とその日時を保存し、同意なら `next`、同意しなければ `declined` へ進みます。`declined` がつながっていなければ、丁寧に会話を終えます。',
  },
  schema: consentSchema,
  fields: {
    name: word(FIELD_LABELS.name),
    text: longText({ en: 'Notice', ja: 'お知らせ文' }),
    link: group(
      { en: 'Privacy policy link', ja: 'プライバシーポリシーのリンク' },
      { url: word({ en: 'URL', ja: 'URL' }), label: word(FIELD_LABELS.label) },
      { help: { en: 'Opens in a new tab.', ja: '新しいタブで開きます。' } },
    ),
    accept_label: word(
      { en: 'Accept button', ja: '同意ボタン' },
      { help: { en: 'Default: "I agree" in the bot\'s language.', ja: '省略時はボットの言語で「同意する」。' } },
    ),
    decline_label: word(
      { en: 'Decline button', ja: '拒否ボタン' },
      { help: { en: 'Default: "I do not agree" in the bot\'s language.', ja: '省略時はボットの言語で「同意しない」。' } },
    ),
    save: variable(FIELD_LABELS.save, {
      help: {
        en: 'Holds yes or no; the same name with _at holds when the visitor answered (ISO 8601, UTC). Default: consent.',
        ja: 'yes か no が入ります。同じ名前に _at を付けた変数に回答日時（ISO 8601、UTC）が入ります。省略時は consent。',
      },
    }),
    next: PORT,
    declined: PORT,
  },
  ports: () => [
    { name: 'next', field: 'next', label: { en: 'Accepted', ja: '同意した' }, advanced: false },
    { name: 'declined', field: 'declined', label: { en: 'Declined', ja: '同意しない' }, advanced: false },
  ],
  edges: (config) => {
    const sets = savedIn(config);
    return [
      { port: 'next', field: 'next', target: config.next, sets },
      ...(config.declined !== undefined ? [{ port: 'declined', field: 'declined', target: config.declined, sets }] : []),
    ];
  },
  templates: (config) => [{ field: 'text', text: config.text }],
  enter: (config, ctx) => ({ kind: 'wait', messages: [notice(config, ctx)], input: buttons(config, ctx) }),
  answer(config, ctx, answer) {
    const input = buttons(config, ctx);
    if (answer.type === 'choice') {
      if (input.options.some((o) => o.value === answer.value)) return decided(config, ctx, answer.value, answer.at);
      return { kind: 'reject', message: `"${answer.value}" is not an answer of this consent (yes or no)` };
    }
    const value = typed(input, answer.text);
    if (value !== undefined) return decided(config, ctx, value, answer.at);
    // Anything else is not consent: asked again a few times, then taken as a refusal.
    if (ctx.attempts < CONSENT_RETRIES) {
      return { kind: 'reprompt', messages: [{ text: HINTS[ctx.locale].choice }, notice(config, ctx)], input };
    }
    return decided(config, ctx, CONSENT_VALUES.declined, answer.at);
  },
});
