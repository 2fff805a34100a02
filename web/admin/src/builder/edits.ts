import { connect, portsOf, setAt, updateBlock, type BlockNode, type Doc } from './graph.ts';
import { NODE_WIDTH } from './layout.ts';
import { newBlock } from './new-block.ts';
import type { BlockType } from './blocks.ts';

/** The builder's edits of a bot, as pure changes of its document (each one undo step). */

/** A block of `type` added selected, named `<type>_<n>`, placed in the next free cell; the first block becomes the start. */
export function addBlock(doc: Doc, type: BlockType): Doc {
  const prefix = type.replace('.', '_');
  let n = 1;
  while (doc.nodes.some((node) => node.id === `${prefix}_${n}`)) n++;
  const id = `${prefix}_${n}`;
  const i = doc.nodes.length;
  const node: BlockNode = {
    id,
    type: 'block',
    position: { x: 40 + (i % 4) * (NODE_WIDTH + 60), y: 40 + Math.floor(i / 4) * 220 },
    data: { block: newBlock(type), advanced: [] },
    width: NODE_WIDTH,
    selected: true,
  };
  const meta = doc.meta.start === undefined ? { ...doc.meta, start: id } : doc.meta;
  return { meta, nodes: [...doc.nodes.map((m) => (m.selected ? { ...m, selected: false } : m)), node], edges: doc.edges };
}

/** One field of a block set (undefined removes it); a removed choice option or rule takes its connection with it. */
export function setField(doc: Doc, id: string, path: readonly (string | number)[], value: unknown): Doc {
  const next = updateBlock(doc, id, (data) => ({ ...data, block: setAt(data.block, path, value) }));
  const node = next.nodes.find((n) => n.id === id);
  const ports = new Set(node ? portsOf(node.data.block, node.data.advanced).map((p) => p.id) : []);
  return { ...next, edges: next.edges.filter((e) => e.source !== id || ports.has(e.sourceHandle ?? '')) };
}

/** An outcome port shown or hidden for advanced error handling; hiding it disconnects it. */
export function setAdvanced(doc: Doc, id: string, port: string, on: boolean): Doc {
  const next = updateBlock(doc, id, (data) => ({
    ...data,
    advanced: on ? [...data.advanced.filter((p) => p !== port), port] : data.advanced.filter((p) => p !== port),
  }));
  return on ? next : connect(next, id, `ports.${port}`, null);
}
