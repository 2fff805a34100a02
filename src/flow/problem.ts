import type { BlockProblemParams } from '../blocks/block.ts';
import type { Locale } from '../vocabulary/locales.ts';
import { en } from './messages/en.ts';
import { ja } from './messages/ja.ts';

/** What each problem code carries; the messages of every locale are built from these alone. Blocks' own checks bring theirs. */
export interface ProblemParams extends BlockProblemParams {
  file_unreadable: { reason: string };
  yaml_syntax: { detail: string };
  yaml_warning: { detail: string };
  too_large: { limit: number };
  duplicate_key: { key: string };
  not_a_mapping: { received: string };
  unknown_key: { key: string; allowed: readonly string[]; suggestion: string | null };
  missing_key: { key: string };
  invalid_type: { expected: readonly string[]; received: string };
  invalid_option: { value: string; allowed: readonly string[]; suggestion: string | null };
  invalid_variable: { value: string };
  invalid_value: { detail: string };
  missing_block_type: { types: readonly string[] };
  unknown_block_type: { type: string; types: readonly string[]; suggestion: string | null };
  unknown_target: { target: string; suggestion: string | null };
  missing_port: { port: string; type: string; ports: readonly string[] };
  unknown_port: { port: string; type: string; ports: readonly string[] };
  unknown_output: { key: string; type: string; outputs: readonly string[] };
  undefined_variable: { variable: string; setBy: readonly string[] };
  unknown_visitor_field: { variable: string; fields: readonly string[] };
  not_single_merge_field: { key: string; text: string };
  empty_text: { key: string };
  empty_value: { key: string };
  invalid_bot_id: { value: string };
  out_of_range: { bound: 'min' | 'max'; limit: string; origin: string; inclusive: boolean };
  invalid_format: { format: string; value: string };
  choice_value_unknown: {
    value: string;
    option: number;
    variable: string;
    field: string;
    target: string;
    allowed: readonly string[];
    suggestion: string | null;
  };
  unreachable_block: { start: string };
  low_contrast: { colour: string; ratio: string; theme: string };
}

export type ProblemCode = keyof ProblemParams;
export type Severity = 'error' | 'warning';

/** Every code has one fixed severity; a table keyed by the code, so a new code must pick one. */
export const SEVERITY: { readonly [C in ProblemCode]: Severity } = {
  file_unreadable: 'error',
  yaml_syntax: 'error',
  yaml_warning: 'warning',
  too_large: 'error',
  duplicate_key: 'error',
  not_a_mapping: 'error',
  unknown_key: 'error',
  missing_key: 'error',
  invalid_type: 'error',
  invalid_option: 'error',
  invalid_variable: 'error',
  invalid_value: 'error',
  missing_block_type: 'error',
  unknown_block_type: 'error',
  unknown_target: 'error',
  missing_port: 'error',
  unknown_port: 'error',
  unknown_output: 'error',
  undefined_variable: 'error',
  unknown_visitor_field: 'error',
  not_single_merge_field: 'error',
  empty_text: 'error',
  empty_value: 'error',
  invalid_bot_id: 'error',
  out_of_range: 'error',
  invalid_format: 'error',
  choice_value_unknown: 'error',
  duplicate_option_value: 'error',
  unreachable_block: 'warning',
  low_contrast: 'warning',
};

export const PROBLEM_CODES = Object.keys(SEVERITY) as ProblemCode[];

/** Where a problem is: `block` is a block id, `field` a dotted path inside the block (or the bot when `block` is null). */
export interface Where {
  readonly file: string;
  readonly block: string | null;
  readonly field: string | null;
  /** 1-based; null when the bot did not come from text or the place has no line. */
  readonly line: number | null;
}

export type Problem = {
  [C in ProblemCode]: Where & {
    readonly severity: Severity;
    readonly code: C;
    /** The English message; `problemMessage(p, 'ja')` renders it in another locale. */
    readonly message: string;
    readonly params: ProblemParams[C];
  };
}[ProblemCode];

/** The messages of one locale: a table keyed by every code, so a missing translation does not compile. */
export interface Catalog {
  readonly problems: { readonly [C in ProblemCode]: (params: ProblemParams[C]) => string };
  readonly block: (id: string) => string;
  readonly field: (path: string) => string;
  readonly warning: string;
}

const CATALOGS: Readonly<Record<Locale, Catalog>> = { en, ja };

function render<C extends ProblemCode>(catalog: Catalog, code: C, params: ProblemParams[C]): string {
  // The mapped catalog type loses the link between `code` and `params` when indexed generically.
  const message = catalog.problems[code] as (p: ProblemParams[C]) => string;
  return message(params);
}

export function makeProblem<C extends ProblemCode>(code: C, params: ProblemParams[C], where: Where): Problem {
  return { severity: SEVERITY[code], code, ...where, message: render(en, code, params), params } as Problem;
}

export function problemMessage(p: Problem, locale: Locale = 'en'): string {
  return render(CATALOGS[locale], p.code, p.params);
}

/** One line: `examples/support.yaml:42 block "open_ticket" field "ports.success": missing success port — …`. */
export function formatProblem(p: Problem, locale: Locale = 'en'): string {
  const catalog = CATALOGS[locale];
  let out = p.line === null ? p.file : `${p.file}:${p.line}`;
  if (p.block !== null) out += ` ${catalog.block(p.block)}`;
  if (p.field !== null) out += ` ${catalog.field(p.field)}`;
  const message = locale === 'en' ? p.message : problemMessage(p, locale);
  return `${out}: ${p.severity === 'warning' ? `${catalog.warning}: ` : ''}${message}`;
}

export const hasErrors = (problems: readonly Problem[]): boolean => problems.some((p) => p.severity === 'error');
