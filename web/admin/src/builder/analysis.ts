// Browser-safe parts of the flow package only: load.ts reads files with node:fs.
import { availableOnEntry, type FlowEdge } from '../../../../src/flow/dataflow.ts';
import { problemMessage } from '../../../../src/flow/problem.ts';
import { checkBlock } from '../../../../src/flow/validate-block.ts';
import { validateBot } from '../../../../src/flow/validate.ts';
import { isVisitorVariable, VISITOR_VARIABLES } from '../../../../src/vocabulary/variables.ts';
import type { ProblemView } from '../api.ts';

/** Every problem of the bot as the server would report it, without the round trip, in the admin's language. */
export function problemsOf(bot: Record<string, unknown>, locale: 'en' | 'ja'): ProblemView[] {
  return validateBot(bot, 'builder').problems.map((p) => ({
    severity: p.severity,
    code: p.code,
    message: problemMessage(p, locale),
    block: p.block,
    field: p.field,
    line: null,
  }));
}

/** Variables that may hold a value on entry to each block (visitor.* always). */
export function variablesByBlock(bot: Record<string, unknown>): Map<string, string[]> {
  const blocks = (bot['blocks'] ?? {}) as Record<string, unknown>;
  const ids = new Set(Object.keys(blocks));
  const graph = new Map<string, readonly FlowEdge[]>();
  for (const [id, raw] of Object.entries(blocks)) graph.set(id, checkBlock(id, raw, ids).block.edges);
  const start = typeof bot['start'] === 'string' ? bot['start'] : '';
  const available = availableOnEntry(graph, start);
  const out = new Map<string, string[]>();
  for (const id of ids) out.set(id, [...VISITOR_VARIABLES, ...[...(available.get(id) ?? [])].filter((v) => !isVisitorVariable(v)).sort()]);
  return out;
}
