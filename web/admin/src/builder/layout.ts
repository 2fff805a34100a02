import type { ELK } from 'elkjs/lib/elk-api.js';
import type { Doc } from './graph.ts';
import { portsOf } from './graph.ts';
import { summaryOf, summaryRows } from './summary.ts';

// elkjs is most of the builder's weight: loaded only when a layout is asked for.
let engine: Promise<ELK> | undefined;
const elkEngine = (): Promise<ELK> => (engine ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default()));
export const NODE_WIDTH = 240;
/** A node's height as drawn: its head and title, what it says (see summary.ts) and its ports. */
export const nodeHeight = (ports: number, summaryLines = 0): number => 70 + summaryLines * 20 + ports * 24;

/** Lays every block out left to right along its edges (imported bots without positions). */
export async function autoLayout(doc: Doc): Promise<Doc> {
  const elk = await elkEngine();
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
    },
    children: doc.nodes.map((n) => ({
      id: n.id,
      width: NODE_WIDTH,
      height: nodeHeight(portsOf(n.data.block, n.data.advanced).length, summaryRows(summaryOf(n.data.block, 'en'))),
    })),
    edges: doc.edges.filter((e) => doc.nodes.some((n) => n.id === e.target)).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const at = new Map((graph.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  return { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: at.get(n.id) ?? { x: 0, y: 0 } })) };
}
