// Browser-safe parts of the flow package only: load.ts reads files with node:fs.
import type { KnownValues } from '../../../../src/flow/choice-values.ts';
import type { FlowEdge } from '../../../../src/flow/dataflow.ts';
import { problemMessage } from '../../../../src/flow/problem.ts';
import { checkBlock } from '../../../../src/flow/validate-block.ts';
import { validateBot } from '../../../../src/flow/validate.ts';
import { isVisitorVariable, VISITOR_VARIABLES } from '../../../../src/vocabulary/variables.ts';
import type { ProblemView } from '../api.ts';
import { singleField } from '../../../../src/vocabulary/merge-fields.ts';
import type { ServiceFieldRef } from '../../../../src/vocabulary/service-fields.ts';
import { fieldsOf, isBlockType, PORT } from './blocks.ts';

/** Every problem of the bot as the server would report it, without the round trip, in the admin's language. */
export function problemsOf(bot: Record<string, unknown>, locale: 'en' | 'ja', known?: KnownValues): ProblemView[] {
  return validateBot(bot, 'builder', undefined, known).problems.map((p) => ({
    severity: p.severity,
    code: p.code,
    message: problemMessage(p, locale),
    block: p.block,
    field: p.field,
    line: null,
  }));
}

/** A variable the merge-field picker offers: `always` when every path to the block sets it. */
export interface PickVariable {
  readonly name: string;
  readonly always: boolean;
}

/**
 * Per block, every variable of the bot (visitor.* first), each marked with whether every path from
 * the start sets it before the block: one set on some paths only may be empty when the text is shown.
 */
export function variablesByBlock(bot: Record<string, unknown>): Map<string, PickVariable[]> {
  const blocks = (bot['blocks'] ?? {}) as Record<string, unknown>;
  const ids = new Set(Object.keys(blocks));
  const graph = new Map<string, readonly FlowEdge[]>();
  for (const [id, raw] of Object.entries(blocks)) graph.set(id, checkBlock(id, raw, ids).block.edges);
  const start = typeof bot['start'] === 'string' ? bot['start'] : '';
  const everything = [...new Set([...graph.values()].flatMap((edges) => edges.flatMap((e) => e.sets)))].filter((v) => !isVisitorVariable(v)).sort();
  const always = setOnEveryPath(graph, start);
  const out = new Map<string, PickVariable[]>();
  for (const id of ids) {
    const sure = always.get(id) ?? new Set<string>();
    out.set(id, [...VISITOR_VARIABLES.map((name) => ({ name, always: true })), ...everything.map((name) => ({ name, always: sure.has(name) }))]);
  }
  return out;
}

/**
 * The must-analysis beside `availableOnEntry`'s may-analysis: on entry to a block, the variables
 * set on every path from the start. sure(start) = ∅; sure(b) = ⋂ over edges s→b of (sure(s) ∪ sets).
 */
function setOnEveryPath(graph: ReadonlyMap<string, readonly FlowEdge[]>, start: string): Map<string, Set<string>> {
  const sure = new Map<string, Set<string>>();
  if (!graph.has(start)) return sure;
  sure.set(start, new Set());
  const work = [start];
  while (work.length > 0) {
    const from = work.pop() as string;
    const known = sure.get(from) as Set<string>;
    for (const edge of graph.get(from) ?? []) {
      if (!graph.has(edge.target) || edge.target === start) continue;
      const arriving = new Set([...known, ...edge.sets]);
      const before = sure.get(edge.target);
      const after = before === undefined ? arriving : new Set([...before].filter((v) => arriving.has(v)));
      if (before === undefined || after.size !== before.size) {
        sure.set(edge.target, after);
        if (!work.includes(edge.target)) work.push(edge.target);
      }
    }
  }
  return sure;
}

/**
 * The service field (a ticket's priority, a deal's stage) that a variable is sent as, written
 * `%variable%` alone: a choice saving to it must offer values that field accepts.
 */
export function serviceFieldFed(bot: Record<string, unknown>, variable: string): ServiceFieldRef | null {
  const blocks = (bot['blocks'] ?? {}) as Record<string, Record<string, unknown> | null>;
  for (const block of Object.values(blocks)) {
    const type = block?.['type'];
    if (!isBlockType(type)) continue;
    for (const [key, decl] of fieldsOf(type)) {
      const text = block?.[key];
      if (decl !== PORT && decl.values !== undefined && typeof text === 'string' && singleField(text) === variable) return decl.values;
    }
  }
  return null;
}
