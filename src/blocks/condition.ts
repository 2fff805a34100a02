import { z } from 'zod';
import { parseNumber } from '../answers/number.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { variableName } from '../vocabulary/variables.ts';
import { blockCommon, blockId, defineBlock, PORT } from './block.ts';
import { FIELD_LABELS, PORT_LABELS } from './labels.ts';
import { group, list, select, text, variable, word } from './fields.ts';
import { isLooseMap, keyPort, looseItems } from './ports.ts';

export const CONDITION_OPS = ['equals', 'not_equals', 'contains', 'is_set', 'is_not_set', 'greater_than', 'less_than'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

const UNARY_OPS: readonly ConditionOp[] = ['is_set', 'is_not_set'];

const when = z.strictObject({ var: variableName, op: z.enum(CONDITION_OPS), value: z.string().optional() }).check((ctx) => {
  if (ctx.value.value === undefined && !UNARY_OPS.includes(ctx.value.op)) {
    ctx.issues.push({ code: 'custom', message: `"${ctx.value.op}" needs a value`, input: ctx.value, path: ['value'] });
  }
});

export const conditionSchema = z.strictObject({
  type: z.literal('condition'),
  ...blockCommon,
  rules: z.array(z.strictObject({ when, next: blockId })),
  else: blockId,
});
export type ConditionConfig = z.output<typeof conditionSchema>;
export type Rule = ConditionConfig['rules'][number];

// Text is compared the way a visitor would judge it: after NFKC and ignoring case, so `ＹＥＳ`
// equals `yes`. ASCII needs no normalisation, which keeps the common case fast.
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
const fold = (text: string): string => (isAscii(text) ? text : text.normalize('NFKC')).trim().toLowerCase();

// What `greater_than`/`less_than` and numeric `equals` see: a number (`12,000` and `12000` alike)
// or an ISO date (answers of kind date are stored as YYYY-MM-DD, which sorts as text).
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
function asNumber(text: string): number | null {
  const canonical = parseNumber(fold(text));
  return canonical === null ? null : Number(canonical);
}

function compareDates(a: string, b: string): number | null {
  if (!ISO_DATE.test(a) || !ISO_DATE.test(b)) return null;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * greater_than / less_than compare numbers as numbers and ISO dates as dates; any other pair is
 * false (never a text comparison, where "9" > "10"). equals / not_equals compare as numbers when
 * both sides are numbers (`12000` equals `12,000.0`), else as folded text. contains is folded text.
 */
export function holds(rule: Rule['when'], actual: string, expected: string): boolean {
  switch (rule.op) {
    case 'is_set':
      return actual.trim() !== '';
    case 'is_not_set':
      return actual.trim() === '';
    case 'contains':
      return fold(actual).includes(fold(expected));
    case 'equals':
    case 'not_equals': {
      const a = asNumber(actual);
      const b = a === null ? null : asNumber(expected);
      const same = a !== null && b !== null ? a === b : fold(actual) === fold(expected);
      return rule.op === 'equals' ? same : !same;
    }
    case 'greater_than':
    case 'less_than': {
      const a = asNumber(actual);
      const b = a === null ? null : asNumber(expected);
      const order = a !== null && b !== null ? Math.sign(a - b) : compareDates(actual.trim(), expected.trim());
      if (order === null) return false;
      return rule.op === 'greater_than' ? order > 0 : order < 0;
    }
  }
}

export const condition = defineBlock({
  type: 'condition',
  category: 'logic',
  label: { en: 'Condition', ja: '条件分岐' },
  description: {
    en: 'Continues down the port of the first rule whose condition holds, else down `else`.',
    ja: '条件が成り立つ最初のルールのポートへ進みます。どれも成り立たなければ `else` へ進みます。',
  },
  schema: conditionSchema,
  fields: {
    name: word(FIELD_LABELS.name),
    rules: list(
      { en: 'Rules', ja: 'ルール' },
      {
        when: group(
          { en: 'When', ja: '条件' },
          {
            var: variable({ en: 'Variable', ja: '変数' }),
            op: select(
              { en: 'Operator', ja: '演算子' },
              {
                options: {
                  equals: { en: 'equals', ja: '等しい' },
                  not_equals: { en: 'does not equal', ja: '等しくない' },
                  contains: { en: 'contains', ja: '含む' },
                  is_set: { en: 'is set', ja: '値がある' },
                  is_not_set: { en: 'is not set', ja: '値がない' },
                  greater_than: { en: 'greater than', ja: 'より大きい' },
                  less_than: { en: 'less than', ja: 'より小さい' },
                },
              },
            ),
            value: text(FIELD_LABELS.value),
          },
        ),
        next: PORT,
      },
    ),
    else: PORT,
  },
  ports: (block) => [
    ...looseItems(block, 'rules').map((r, i) => {
      const when = isLooseMap(r) && isLooseMap(r['when']) ? r['when'] : {};
      const caption = [when['var'], when['op'], when['value']].filter((x) => x !== undefined && x !== '').join(' ');
      return { name: `rules.${i}`, field: `rules.${i}.next`, label: PORT_LABELS.rule, caption: caption || `rule ${i + 1}`, advanced: false };
    }),
    keyPort('else'),
  ],
  edges: (config) => [
    ...config.rules.map((r, i) => ({ port: `rules.${i}`, field: `rules.${i}.next`, target: r.next, sets: [] })),
    { port: 'else', field: 'else', target: config.else, sets: [] },
  ],
  templates: (config) => config.rules.flatMap((r, i) => (r.when.value !== undefined ? [{ field: `rules.${i}.when.value`, text: r.when.value }] : [])),
  enter(config, ctx) {
    for (const rule of config.rules) {
      const actual = Object.hasOwn(ctx.vars, rule.when.var) ? ctx.vars[rule.when.var]! : '';
      const expected = rule.when.value === undefined ? '' : render(rule.when.value, ctx.vars);
      if (holds(rule.when, actual, expected)) return { kind: 'next', target: rule.next };
    }
    return { kind: 'next', target: config.else };
  },
});
