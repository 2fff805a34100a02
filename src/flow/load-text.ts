// Browser-safe: the builder checks an imported file with it (load.ts adds reading from disk).
import { isScalar, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { Bot } from './bot-schema.ts';
import { lineMapper } from './lines.ts';
import { hasErrors, makeProblem, type Problem } from './problem.ts';
import { validateBot } from './validate.ts';
import type { KnownValues } from './choice-values.ts';

export interface LoadResult {
  /** The validated bot, with defaults filled in; null whenever there is an error. */
  readonly bot: Bot | null;
  /** Errors and warnings, in the order of the checks that found them. */
  readonly problems: readonly Problem[];
}

/** Aliases may repeat a node this many times; more is an "billion laughs" expansion, not a bot. */
const MAX_ALIAS_COUNT = 100;

/**
 * The most a loaded bot may weigh, in characters of JSON once its aliases are expanded: what is
 * stored and sent to the builder. A hundred aliases of one large node stay under the alias count
 * yet multiply an upload a hundredfold.
 */
export const MAX_EXPANDED_CHARS = 2_000_000;

/**
 * Parses a bot from YAML or JSON text (JSON is read by the same YAML 1.2 parser, so duplicate
 * keys are refused in both) and validates it. Never throws on bad input.
 */
export function loadBotText(text: string, file: string, known?: KnownValues): LoadResult {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const lineOfOffset = (e: YAMLError): number => counter.linePos(e.pos[0]).line;

  const syntax = doc.errors.map((e) =>
    e.code === 'DUPLICATE_KEY'
      ? makeProblem('duplicate_key', { key: duplicateKey(doc, text, e.pos) }, where(file, lineOfOffset(e)))
      : makeProblem('yaml_syntax', { detail: e.message }, where(file, lineOfOffset(e))),
  );
  const warnings = doc.warnings.map((w) => makeProblem('yaml_warning', { detail: w.message }, where(file, lineOfOffset(w))));
  if (syntax.length > 0) return { bot: null, problems: [...syntax, ...warnings] };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // toJS refuses excessive alias expansion with a plain Error.
    const detail = e instanceof Error ? e.message : String(e);
    return { bot: null, problems: [makeProblem('yaml_syntax', { detail }, where(file, 1)), ...warnings] };
  }
  if (exceeds(raw, MAX_EXPANDED_CHARS)) {
    return { bot: null, problems: [makeProblem('too_large', { limit: MAX_EXPANDED_CHARS }, where(file, 1)), ...warnings] };
  }
  const result = validateBot(raw, file, lineMapper(doc, counter), known);
  const problems = [...warnings, ...result.problems];
  return { bot: hasErrors(problems) ? null : result.bot, problems };
}

/**
 * Whether `value` written as JSON would be longer than `limit` characters, counted without
 * writing it: an alias is one shared object in `raw`, and may be reached many times. Stops as
 * soon as the count passes the limit (a recursive alias never ends otherwise).
 */
function exceeds(value: unknown, limit: number): boolean {
  let size = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === 'string') size += v.length + 2;
    else if (Array.isArray(v)) {
      size += 2 + v.length;
      for (const item of v) pending.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        size += key.length + 4;
        pending.push(item);
      }
      size += 2;
    } else size += String(v).length;
    if (size > limit) return true;
  }
  return false;
}

export function where(file: string, line: number | null) {
  return { file, block: null, field: null, line };
}

/** The key a DUPLICATE_KEY error points at: the pair whose key starts there, else the source text. */
function duplicateKey(doc: Document, text: string, [start, end]: [number, number]): string {
  let key: string | null = null;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === start) {
        key = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return key ?? text.slice(start, end);
}
