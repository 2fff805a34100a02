import { z } from 'zod';
import { ANSWERS } from '../answers/index.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { variableName } from '../vocabulary/variables.ts';
import { ASK_KINDS } from '../vocabulary/ask-kinds.ts';
import { blockCommon, blockId, defineBlock, PORT } from './block.ts';
import { FIELD_LABELS } from './labels.ts';
import { longText, number, select, variable, word, yesNo } from './fields.ts';
import { keyPort } from './ports.ts';
import { refuseAnswer } from './refusal.ts';

export const askSchema = z.strictObject({
  type: z.literal('ask'),
  ...blockCommon,
  kind: z.enum(ASK_KINDS),
  prompt: z.string(),
  save: variableName,
  retries: z.int().min(0).default(2),
  invalid: blockId.optional(),
  /** Go straight to `next` when `save` already holds a value this kind accepts (the site identified the visitor, an earlier answer). */
  skip_if_known: z.boolean().optional(),
  next: blockId,
});
export type AskConfig = z.output<typeof askSchema>;

export const ask = defineBlock({
  type: 'ask',
  category: 'inputs',
  label: { en: 'Ask', ja: '質問' },
  description: {
    en: 'Asks the visitor a question, checks the answer against its kind and saves it to a variable; an answer it cannot read is asked again.',
    ja: '訪問者に質問し、回答を種類に照らして確かめて変数に保存します。読み取れない回答には質問し直します。',
  },
  schema: askSchema,
  fields: {
    name: word(FIELD_LABELS.name),
    kind: select(
      { en: 'Answer kind', ja: '回答の種類' },
      {
        options: {
          text: { en: 'Text', ja: 'テキスト' },
          name: { en: 'Name', ja: '名前' },
          email: { en: 'Email', ja: 'メール' },
          phone: { en: 'Phone', ja: '電話' },
          number: { en: 'Number', ja: '数値' },
          date: { en: 'Date', ja: '日付' },
          url: { en: 'URL', ja: 'URL' },
        },
      },
    ),
    prompt: longText(FIELD_LABELS.prompt),
    save: variable(FIELD_LABELS.save),
    retries: number(FIELD_LABELS.retries),
    invalid: PORT,
    skip_if_known: yesNo(
      { en: 'Skip when already known', ja: 'すでに分かっていれば聞かない' },
      {
        help: {
          en: 'Go straight on when the variable already holds an answer of this kind.',
          ja: '変数にこの種類の回答がすでに入っていれば、聞かずに進みます。',
        },
      },
    ),
    next: PORT,
  },
  ports: () => [keyPort('next'), keyPort('invalid')],
  edges: (config) => [
    { port: 'next', field: 'next', target: config.next, sets: [config.save] },
    ...(config.invalid !== undefined ? [{ port: 'invalid', field: 'invalid', target: config.invalid, sets: [] }] : []),
  ],
  templates: (config) => [{ field: 'prompt', text: config.prompt }],
  enter(config, ctx) {
    if (config.skip_if_known) {
      const known = ctx.vars[config.save];
      const read = known === undefined || known === '' ? null : ANSWERS[config.kind](known, ctx.locale);
      if (read?.ok) return { kind: 'next', target: config.next, set: { [config.save]: read.value } };
    }
    return { kind: 'wait', messages: [{ text: render(config.prompt, ctx.vars) }], input: { kind: config.kind } };
  },
  answer(config, ctx, answer) {
    // A button press at a text question is read like the same text typed.
    const raw = answer.type === 'reply' ? answer.text : answer.value;
    const read = ANSWERS[config.kind](raw, ctx.locale);
    if (read.ok) return { kind: 'next', target: config.next, set: { [config.save]: read.value } };
    return refuseAnswer(config, ctx, read.code, { kind: config.kind });
  },
});
