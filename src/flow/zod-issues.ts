import type { z } from 'zod';
import type { PathSegment } from './lines.ts';
import type { ProblemCode, ProblemParams } from './problem.ts';
import { isRawMap, kindOf, quote, valueAt } from './raw.ts';
import { nearest } from './suggest.ts';
import { keysAt } from '../blocks/zod-shape.ts';
import { BOT_VARIABLE, VARIABLE_NAME } from '../vocabulary/variables.ts';
import { BOT_ID } from './bot-schema.ts';

/** A problem before it is placed: its code, its parameters and the path (from the schema's root) at fault. */
export type Finding = {
  [C in ProblemCode]: { readonly code: C; readonly params: ProblemParams[C]; readonly path: readonly PathSegment[] };
}[ProblemCode];

export const finding = <C extends ProblemCode>(code: C, params: ProblemParams[C], path: readonly PathSegment[]) => ({ code, params, path }) as Finding;

type Issue = z.core.$ZodIssue;

/** A failed variable-name pattern gets its own message instead of a bare regex. */
const VARIABLE_PATTERNS = new Set([String(VARIABLE_NAME), String(BOT_VARIABLE)]);

const toPath = (path: readonly PropertyKey[]): PathSegment[] => path.map((s) => (typeof s === 'number' ? s : String(s)));

/**
 * Turns zod issues into findings in the bot format's own words: a missing key, an unknown key
 * (with the nearest allowed one), a wrong type, a value outside an enum. `input` is the value the
 * schema was given and `base` the path of that value, so paths come out whole.
 */
export function issueFindings(issues: readonly Issue[], schema: z.core.$ZodType, input: unknown, base: readonly PathSegment[] = []): Finding[] {
  return issues.flatMap((issue) => oneIssue(issue, schema, input, base));
}

function oneIssue(issue: Issue, schema: z.core.$ZodType, input: unknown, base: readonly PathSegment[]): Finding[] {
  const rel = toPath(issue.path);
  const path = [...base, ...rel];
  const value = valueAt(input, rel);
  const parent = valueAt(input, rel.slice(0, -1));
  const absent = value === undefined && rel.length > 0 && isRawMap(parent);
  const last = rel.at(-1);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAt(schema, rel);
      return issue.keys.map((key) => finding('unknown_key', { key, allowed, suggestion: nearest(key, allowed) }, [...path, key]));
    }
    case 'invalid_type':
      if (absent) return [finding('missing_key', { key: String(last) }, path)];
      return [finding('invalid_type', { expected: [issue.expected], received: kindOf(value) }, path)];
    case 'invalid_value': {
      if (absent) return [finding('missing_key', { key: String(last) }, path)];
      const allowed = issue.values.map(String);
      return [finding('invalid_option', { value: quote(value), allowed, suggestion: nearest(String(value), allowed) }, path)];
    }
    case 'invalid_format':
      if (issue.format === 'regex' && issue.pattern !== undefined && VARIABLE_PATTERNS.has(issue.pattern)) {
        return [finding('invalid_variable', { value: String(value) }, path)];
      }
      if (issue.format === 'regex' && issue.pattern === String(BOT_ID)) return [finding('invalid_bot_id', { value: quote(value) }, path)];
      // A URL, an email …: said in the catalogue's words, not zod's English.
      if (issue.format !== 'regex') return [finding('invalid_format', { format: issue.format, value: quote(value) }, path)];
      return [finding('invalid_value', { detail: issue.message }, path)];
    case 'too_small':
    case 'too_big': {
      if (absent) return [finding('missing_key', { key: String(last) }, path)];
      // An empty text or list where one is needed is the common case: its own words.
      if (issue.code === 'too_small' && Number(issue.minimum) === 1 && (issue.origin === 'string' || issue.origin === 'array')) {
        return [finding('empty_value', { key: String(last ?? '') }, path)];
      }
      const bound = issue.code === 'too_small' ? 'min' : 'max';
      const limit = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      return [finding('out_of_range', { bound, limit, origin: String(issue.origin), inclusive: issue.inclusive !== false }, path)];
    }
    case 'invalid_key':
      // A record key that its key schema refused: the key itself is the value at fault.
      return issue.issues.map((inner) =>
        inner.code === 'invalid_format' && inner.pattern !== undefined && VARIABLE_PATTERNS.has(inner.pattern)
          ? finding('invalid_variable', { value: String(last) }, path)
          : finding('invalid_value', { detail: `key "${String(last)}": ${inner.message}` }, path),
      );
    case 'invalid_union':
      return unionIssue(issue, schema, input, base, rel, absent);
    default:
      if (absent) return [finding('missing_key', { key: String(last) }, path)];
      return [finding('invalid_value', { detail: issue.message }, path)];
  }
}

function unionIssue(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  schema: z.core.$ZodType,
  input: unknown,
  base: readonly PathSegment[],
  rel: PathSegment[],
  absent: boolean,
): Finding[] {
  const path = [...base, ...rel];
  if (absent) return [finding('missing_key', { key: String(rel.at(-1)) }, path)];
  const value = valueAt(input, rel);
  if (issue.discriminator !== undefined && issue.errors.length === 0 && 'options' in issue) {
    const allowed = (issue.options ?? []).map(String);
    return [finding('invalid_option', { value: quote(value), allowed, suggestion: nearest(String(value), allowed) }, path)];
  }
  const branches = issue.errors;
  const wrongType = (b: readonly Issue[]) => b.length === 1 && b[0]?.code === 'invalid_type' && b[0].path.length === 0;
  if (branches.length > 0 && branches.every(wrongType)) {
    const expected = [...new Set(branches.map((b) => (b[0] as { expected: string }).expected))];
    return [finding('invalid_type', { expected, received: kindOf(value) }, path)];
  }
  // The value had the right shape for some branch: report that branch's issues, the fewest first.
  const candidates = branches.filter((b) => !wrongType(b)).sort((a, b) => a.length - b.length);
  const best = candidates[0];
  if (best === undefined) return [finding('invalid_value', { detail: issue.message }, path)];
  return best.flatMap((inner) => oneIssue({ ...inner, path: [...rel, ...inner.path] } as Issue, schema, input, base));
}
