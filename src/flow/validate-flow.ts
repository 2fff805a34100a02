import { availableOnEntry, type FlowEdge } from './dataflow.ts';
import type { PathSegment } from './lines.ts';
import { templateVariables } from '../vocabulary/merge-fields.ts';
import { nearest } from './suggest.ts';
import type { CheckedBlock } from './validate-block.ts';
import { isVisitorVariable, VARIABLE_NAME, VISITOR_FIELDS } from '../vocabulary/variables.ts';
import { finding, type Finding } from './zod-issues.ts';

export interface BlockFinding {
  readonly block: string;
  readonly finding: Finding;
}

/**
 * The checks across blocks: every reference names a block, every merge field names a variable
 * that some path from `start` sets before the block, and every block can be reached.
 * `start` is null when the bot's own `start` is missing or names no block.
 */
export function checkFlow(blocks: ReadonlyMap<string, CheckedBlock>, start: string | null): BlockFinding[] {
  const out: BlockFinding[] = [];
  const ids = [...blocks.keys()];

  for (const block of blocks.values()) {
    for (const edge of block.edges) {
      if (!blocks.has(edge.target)) {
        out.push({
          block: block.id,
          finding: finding('unknown_target', { target: edge.target, suggestion: nearest(edge.target, ids) }, fieldPath(edge.field)),
        });
      }
    }
  }

  const setBy = settersOf(blocks);
  // What a block with errors may set is unknown: let it set anything the bot names, so its
  // errors are not echoed as "variable not set" further down the flow.
  const everything = new Set([...setBy.keys(), ...[...blocks.values()].flatMap((b) => b.loose?.variables ?? [])]);
  const graph = new Map<string, readonly FlowEdge[]>();
  for (const block of blocks.values()) {
    if (block.loose === null) graph.set(block.id, block.edges);
    else {
      const sets = [...everything];
      const targets = new Set([...block.edges.map((e) => e.target), ...block.loose.targets]);
      graph.set(
        block.id,
        [...targets].map((target) => ({ target, sets })),
      );
    }
  }
  const available = start === null ? null : availableOnEntry(graph, start);

  for (const block of blocks.values()) {
    // An unreachable block is judged against everything the bot sets anywhere: no false errors there.
    const known = available?.get(block.id) ?? everything;
    for (const use of block.templates) {
      const field = fieldPath(use.field);
      for (const variable of new Set(templateVariables(use.text))) {
        if (isVisitorVariable(variable) || known.has(variable)) continue;
        out.push({
          block: block.id,
          finding: finding('undefined_variable', { variable, setBy: [...(setBy.get(variable) ?? [])].sort() }, field),
        });
      }
      for (const variable of unknownVisitorFields(use.text)) {
        out.push({ block: block.id, finding: finding('unknown_visitor_field', { variable, fields: VISITOR_FIELDS }, field) });
      }
    }
  }

  if (available !== null && start !== null) {
    for (const id of ids) {
      if (!available.has(id)) out.push({ block: id, finding: finding('unreachable_block', { start }, []) });
    }
  }
  return out;
}

const fieldPath = (field: string): PathSegment[] => field.split('.');

/** Variable → ids of the blocks with an edge that sets it. */
function settersOf(blocks: ReadonlyMap<string, CheckedBlock>): Map<string, Set<string>> {
  const setters = new Map<string, Set<string>>();
  for (const block of blocks.values()) {
    if (block.loose !== null) continue;
    for (const edge of block.edges) {
      for (const variable of edge.sets) {
        if (isVisitorVariable(variable)) continue;
        let ids = setters.get(variable);
        if (ids === undefined) setters.set(variable, (ids = new Set()));
        ids.add(block.id);
      }
    }
  }
  return setters;
}

const VISITOR_LIKE = /^visitor\.[A-Za-z0-9_]+$/;

/**
 * `%visitor.age%`-style fields. The template parser keeps them as plain text (they are not valid
 * names), so they are found here by the same scan: `%%` is a literal, any other `%` may open a field.
 */
export function unknownVisitorFields(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '%') {
      i++;
      continue;
    }
    if (text[i + 1] === '%') {
      i += 2;
      continue;
    }
    const close = text.indexOf('%', i + 1);
    if (close === -1) break;
    const name = text.slice(i + 1, close);
    if (VARIABLE_NAME.test(name)) {
      i = close + 1;
      continue;
    }
    if (VISITOR_LIKE.test(name)) found.push(name);
    i++;
  }
  return found;
}
