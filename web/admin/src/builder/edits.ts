import type { Edge } from '@xyflow/react';
import { connect, portsOf, setAt, updateBlock, type BlockNode, type Doc } from './graph.ts';
import { NODE_WIDTH } from './layout.ts';
import { newBlock } from './new-block.ts';
import type { BlockType } from './blocks.ts';

/** The builder's edits of a bot, as pure changes of its document (each one undo step). */

/** A free id for a block of `type` (or a copy of `base`): `<base>_<n>`. */
function freeId(doc: Doc, base: string): string {
  let n = 1;
  while (doc.nodes.some((node) => node.id === `${base}_${n}`)) n++;
  return `${base}_${n}`;
}

/**
 * The port a block added after `node` is wired to: its first unconnected way forward (`next`, the
 * next option, success), never a re-prompt or an error branch, which the author wires on purpose.
 */
function openPort(doc: Doc, node: BlockNode): string | null {
  const forward = portsOf(node.data.block, node.data.advanced).filter((p) => p.id !== 'invalid' && (!p.id.startsWith('ports.') || p.id === 'ports.success'));
  return forward.find((p) => !doc.edges.some((e) => e.source === node.id && e.sourceHandle === p.id))?.id ?? null;
}

/**
 * A block of `type` added selected, named `<type>_<n>`; the first block becomes the start. Added
 * while another block is selected, it is placed after that block and connected to its first open
 * way forward (as SalesIQ's [+] does); otherwise it goes to the next free cell.
 */
export function addBlock(doc: Doc, type: BlockType): Doc {
  const id = freeId(doc, type.replace('.', '_'));
  const after = doc.nodes.find((n) => n.selected);
  const i = doc.nodes.length;
  const node: BlockNode = {
    id,
    type: 'block',
    position: after ? { x: after.position.x + NODE_WIDTH + 80, y: after.position.y } : { x: 40 + (i % 4) * (NODE_WIDTH + 60), y: 40 + Math.floor(i / 4) * 220 },
    data: { block: newBlock(type), advanced: [] },
    width: NODE_WIDTH,
    selected: true,
  };
  const meta = doc.meta.start === undefined ? { ...doc.meta, start: id } : doc.meta;
  const added: Doc = { meta, nodes: [...doc.nodes.map((m) => (m.selected ? { ...m, selected: false } : m)), node], edges: doc.edges };
  const port = after ? openPort(doc, after) : null;
  return after && port ? connect(added, after.id, port, id) : added;
}

/**
 * Copies of blocks (selected, each `<id>_<n>`), placed a little below and to the right, with the
 * connections among them; connections to blocks left behind are dropped. Duplicate and paste.
 */
export function pasteBlocks(doc: Doc, copied: readonly BlockNode[], copiedEdges: readonly Edge[]): Doc {
  const ids = new Map<string, string>();
  let next: Doc = { ...doc, nodes: doc.nodes.map((m) => (m.selected ? { ...m, selected: false } : m)) };
  for (const node of copied) {
    const id = freeId(next, node.id.replace(/_\d+$/, ''));
    ids.set(node.id, id);
    next = {
      ...next,
      nodes: [...next.nodes, { ...node, id, selected: true, position: { x: node.position.x + 40, y: node.position.y + 60 }, data: structuredClone(node.data) }],
    };
  }
  for (const e of copiedEdges) {
    const source = ids.get(e.source);
    const target = ids.get(e.target);
    if (source && target && e.sourceHandle) next = connect(next, source, e.sourceHandle, target);
  }
  return next;
}

/** The variable an answer of a kind belongs in: a name is the visitor's name. */
const KIND_VARIABLE: Readonly<Record<string, string>> = { name: 'visitor.name', email: 'visitor.email', phone: 'visitor.phone' };

/**
 * One field of a block set (undefined removes it); a removed choice option or rule takes its
 * connection with it. Choosing a question's answer kind fills in where it is saved (name →
 * visitor.name) unless the author has written another variable.
 */
export function setField(doc: Doc, id: string, path: readonly (string | number)[], value: unknown): Doc {
  const next = updateBlock(doc, id, (data) => {
    let block = setAt(data.block, path, value);
    if (block.type === 'ask' && path.length === 1 && path[0] === 'kind') {
      const save = data.block['save'];
      const previous = KIND_VARIABLE[String(data.block['kind'])];
      if (save === undefined || save === '' || save === previous) block = setAt(block, ['save'], KIND_VARIABLE[String(value)] ?? '');
    }
    return { ...data, block };
  });
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
