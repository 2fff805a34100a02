// Browser-safe parts of the flow package only: load.ts reads files with node:fs.
import type { KnownValues } from '../../../../src/flow/choice-values.ts';
import { availableOnEntry, type FlowEdge } from '../../../../src/flow/dataflow.ts';
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
