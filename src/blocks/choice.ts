import { z } from 'zod';
import { normalize } from '../answers/result.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { variableName } from '../vocabulary/variables.ts';
import { blockCommon, blockId, defineBlock, PORT, type BlockFinding, type InputSpec } from './block.ts';
import { FIELD_LABELS, PORT_LABELS } from './labels.ts';
import { list, longText, number, variable, word } from './fields.ts';
import { isLooseMap, keyPort, looseItems } from './ports.ts';
import { refuseAnswer } from './refusal.ts';

const option = z.strictObject({ label: z.string().min(1), value: z.string().min(1), next: blockId });

export const choiceSchema = z.strictObject({
  type: z.literal('choice'),
  ...blockCommon,
  prompt: z.string(),
  save: variableName,
  options: z
    .array(option)
    .min(1, 'a choice needs at least one option')
    .check((ctx) => {
      const seen = new Set<string>();
      ctx.value.forEach((o, i) => {
        if (seen.has(o.value)) {
          ctx.issues.push({ code: 'custom', message: `duplicate option value "${o.value}"`, input: o.value, path: [i, 'value'] });
        }
        seen.add(o.value);
      });
    }),
  // Not in the reference product: a typed answer that matches no option is re-prompted like an ask.
  retries: z.int().min(0).default(2),
  invalid: blockId.optional(),
});
export type ChoiceConfig = z.output<typeof choiceSchema>;

interface Prepared {
  readonly input: InputSpec;
  /** Normalised, lower-cased label or value → option index. Labels win over values, earlier options over later. */
  readonly byText: ReadonlyMap<string, number>;
  readonly byValue: ReadonlyMap<string, number>;
}

const fold = (text: string): string => normalize(text).toLowerCase();

// Configs are immutable once parsed, so what matching needs is computed once per block.
const prepared = new WeakMap<ChoiceConfig, Prepared>();
function prepare(config: ChoiceConfig): Prepared {
  const hit = prepared.get(config);
  if (hit) return hit;
  const byText = new Map<string, number>();
  const byValue = new Map<string, number>();
  config.options.forEach((o, i) => {
    if (!byText.has(fold(o.label))) byText.set(fold(o.label), i);
    if (!byValue.has(o.value)) byValue.set(o.value, i);
  });
  config.options.forEach((o, i) => {
    if (!byText.has(fold(o.value))) byText.set(fold(o.value), i);
  });
  const made: Prepared = {
    input: { kind: 'choice', options: config.options.map((o) => ({ label: o.label, value: o.value })) },
    byText,
    byValue,
  };
  prepared.set(config, made);
  return made;
}

/** The option a typed answer names: its label or value (case-insensitive, NFKC), else its 1-based position. */
function matchReply(config: ChoiceConfig, text: string): number | undefined {
  const folded = fold(text);
  const byText = prepare(config).byText.get(folded);
  if (byText !== undefined) return byText;
  if (/^\d+$/.test(folded)) {
    const position = Number(folded);
    if (position >= 1 && position <= config.options.length) return position - 1;
  }
  return undefined;
}

export const choice = defineBlock({
  type: 'choice',
  category: 'inputs',
  label: { en: 'Choice', ja: '選択肢' },
  description: {
    en: 'Offers buttons; each option saves its value to a variable and continues down its own port. A typed answer matching no option is asked again.',
    ja: 'ボタンを表示します。選ばれた選択肢の値を変数に保存し、その選択肢のポートへ進みます。どれにも当たらない入力には質問し直します。',
  },
  schema: choiceSchema,
  fields: {
    name: word(FIELD_LABELS.name),
    prompt: longText(FIELD_LABELS.prompt),
    save: variable(FIELD_LABELS.save),
    options: list({ en: 'Options', ja: '選択肢' }, { label: word(FIELD_LABELS.label), value: word(FIELD_LABELS.value), next: PORT }),
    retries: number(FIELD_LABELS.retries),
    invalid: PORT,
  },
  ports: (block) => [
    ...looseItems(block, 'options').map((o, i) => {
      const caption = isLooseMap(o) ? String(o['label'] || o['value'] || `#${i + 1}`) : `#${i + 1}`;
      return { name: `options.${i}`, field: `options.${i}.next`, label: PORT_LABELS.option, caption, advanced: false };
    }),
    keyPort('invalid'),
  ],
  check(block) {
    const first = new Map<string, number>();
    const out: BlockFinding[] = [];
    looseItems(block, 'options').forEach((option, i) => {
      const value = isLooseMap(option) ? option['value'] : undefined;
      if (typeof value !== 'string') return;
      const earlier = first.get(value);
      if (earlier === undefined) first.set(value, i);
      else out.push({ code: 'duplicate_option_value', params: { value, first: earlier + 1 }, path: ['options', i, 'value'] });
    });
    return out;
  },
  edges: (config) => [
    ...config.options.map((o, i) => ({
      port: `options.${i}`,
      field: `options.${i}.next`,
      target: o.next,
      sets: [config.save],
    })),
    ...(config.invalid !== undefined ? [{ port: 'invalid', field: 'invalid', target: config.invalid, sets: [] }] : []),
  ],
  templates: (config) => [{ field: 'prompt', text: config.prompt }],
  enter: (config, ctx) => ({
    kind: 'wait',
    messages: [{ text: render(config.prompt, ctx.vars) }],
    input: prepare(config).input,
  }),
  answer(config, ctx, answer) {
    const index = answer.type === 'choice' ? prepare(config).byValue.get(answer.value) : matchReply(config, answer.text);
    const picked = index === undefined ? undefined : config.options[index];
    if (picked) return { kind: 'next', target: picked.next, set: { [config.save]: picked.value } };
    if (answer.type === 'choice') return { kind: 'reject', message: `"${answer.value}" is not an option of this choice` };
    return refuseAnswer(config, ctx, 'choice', prepare(config).input);
  },
});
