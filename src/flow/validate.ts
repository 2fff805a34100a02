import type { LineOf } from './lines.ts';
import { botSchema, type Bot } from './bot-schema.ts';
import { makeProblem, type Problem, type ProblemCode, type ProblemParams } from './problem.ts';
import { isRawMap, kindOf, type RawMap } from './raw.ts';
import { nearest } from './suggest.ts';
import { appearanceFindings } from './validate-appearance.ts';
import { checkBlock, type CheckedBlock } from './validate-block.ts';
import { checkFlow } from './validate-flow.ts';
import { choiceValueFindings, type KnownValues } from './choice-values.ts';
import { finding, issueFindings, type Finding } from './zod-issues.ts';

export interface ValidateResult {
  /** The bot with defaults filled in; null when there is any error. */
  readonly bot: Bot | null;
  /** Every error and warning, in file order (by line) where lines are known. */
  readonly problems: readonly Problem[];
}

const noLines: LineOf = () => null;

/**
 * Validates a bot as parsed from YAML or JSON, reporting every problem at once: the top-level
 * keys, each block on its own (one bad block hides nothing else), then references, merge-field
 * variables and reachability across blocks. `lineOf` maps a path in the document to its line;
 * `known` gives the values the connected services accept for fields such as a ticket's priority.
 */
export function validateBot(raw: unknown, file: string, lineOf: LineOf = noLines, known: KnownValues = () => []): ValidateResult {
  const problems: Problem[] = [];
  const report = (block: string | null, f: Finding): void => {
    const where = {
      file,
      block,
      field: f.path.length > 0 ? f.path.join('.') : null,
      line: lineOf(block === null ? f.path : ['blocks', block, ...f.path]),
    };
    // Finding pairs each code with its own params; TypeScript cannot see that through the union.
    problems.push(makeProblem(f.code as ProblemCode, f.params as ProblemParams[ProblemCode], where));
  };

  if (!isRawMap(raw)) {
    report(null, finding('not_a_mapping', { received: raw === undefined || raw === null ? 'empty' : kindOf(raw) }, []));
    return { bot: null, problems };
  }

  for (const f of topLevelFindings(raw)) report(null, f);
  for (const f of appearanceFindings(raw.appearance)) report(null, f);

  const blocks = new Map<string, CheckedBlock>();
  if (isRawMap(raw.blocks)) {
    const ids = new Set(Object.keys(raw.blocks));
    for (const [id, rawBlock] of Object.entries(raw.blocks)) {
      const { block, findings } = checkBlock(id, rawBlock, ids);
      blocks.set(id, block);
      for (const f of findings) report(id, f);
    }
  }

  let start: string | null = null;
  if (typeof raw.start === 'string' && raw.start !== '' && isRawMap(raw.blocks)) {
    if (blocks.has(raw.start)) start = raw.start;
    else report(null, finding('unknown_target', { target: raw.start, suggestion: nearest(raw.start, [...blocks.keys()]) }, ['start']));
  }
  for (const { block, finding: f } of checkFlow(blocks, start)) report(block, f);
  if (isRawMap(raw.blocks)) for (const { block, finding: f } of choiceValueFindings(raw.blocks, blocks, known)) report(block, f);

  const sorted = byLine(problems);
  if (sorted.some((p) => p.severity === 'error')) return { bot: null, problems: sorted };

  // Every check above passed; the bot schema itself is the last word (and applies the defaults).
  const parsed = botSchema.safeParse(raw);
  if (parsed.success) return { bot: parsed.data, problems: sorted };
  for (const f of issueFindings(parsed.error.issues, botSchema, raw)) report(null, f);
  return { bot: null, problems: byLine(problems) };
}

/** The keys beside `blocks`, each against its own schema; `blocks` itself only for its shape. */
function topLevelFindings(raw: RawMap): Finding[] {
  const shape = botSchema.shape;
  const allowed = Object.keys(shape);
  const out: Finding[] = [];
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(shape, key)) {
      out.push(finding('unknown_key', { key, allowed, suggestion: nearest(key, allowed) }, [key]));
    }
  }
  for (const key of allowed) {
    const value = raw[key];
    if (key === 'blocks') {
      if (value === undefined) out.push(finding('missing_key', { key }, [key]));
      else if (!isRawMap(value)) out.push(finding('invalid_type', { expected: ['object'], received: kindOf(value) }, [key]));
      continue;
    }
    const schema = shape[key as keyof typeof shape];
    const parsed = schema.safeParse(value);
    // Issues of one field's schema, placed under the field as if the whole bot schema had raised them.
    if (!parsed.success) {
      out.push(
        ...issueFindings(
          parsed.error.issues.map((i) => ({ ...i, path: [key, ...i.path] })),
          botSchema,
          raw,
        ),
      );
    }
  }
  return out;
}

function byLine(problems: readonly Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i)
    .map(({ p }) => p);
}
