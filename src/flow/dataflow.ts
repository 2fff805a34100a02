/** An edge of the block graph as the dataflow needs it: where it goes and what it sets on the way. */
export interface FlowEdge {
  readonly target: string;
  readonly sets: readonly string[];
}

/**
 * Which variables may hold a value on entry to each block reachable from `start`: a may-analysis,
 * so a variable counts when at least one path sets it. available(start) = ∅, and
 * available(b) = ⋃ over edges s→b of (available(s) ∪ edge.sets), iterated to a fixpoint.
 * Blocks missing from the result are unreachable. Edges to unknown blocks are ignored.
 * The `visitor.*` variables always exist and are left out.
 */
export function availableOnEntry(graph: ReadonlyMap<string, readonly FlowEdge[]>, start: string): Map<string, Set<string>> {
  const available = new Map<string, Set<string>>();
  if (!graph.has(start)) return available;
  available.set(start, new Set());
  const work = [start];
  while (work.length > 0) {
    const from = work.pop() as string;
    const known = available.get(from) as Set<string>;
    for (const edge of graph.get(from) ?? []) {
      if (!graph.has(edge.target)) continue;
      let into = available.get(edge.target);
      let changed = false;
      if (into === undefined) {
        into = new Set();
        available.set(edge.target, into);
        changed = true;
      }
      for (const name of [...known, ...edge.sets]) {
        if (!into.has(name)) {
          into.add(name);
          changed = true;
        }
      }
      if (changed && !work.includes(edge.target)) work.push(edge.target);
    }
  }
  return available;
}
