import type { Edge, Node } from '@xyflow/react';
import type { Label } from '../../../../src/blocks/fields.ts';
import type { Locale } from '../../../../src/vocabulary/locales.ts';
import { BLOCKS, isBlockType, specificPortsOf, type BlockType } from './blocks.ts';

/** A block as written in the file (no defaults filled in), so a round trip keeps it as it was. */
export type RawBlock = { type: BlockType } & Record<string, unknown>;

export interface BlockData extends Record<string, unknown> {
  readonly block: RawBlock;
  /** Specific ports shown as handles (advanced error handling). */
  readonly advanced: readonly string[];
}
export type BlockNode = Node<BlockData, 'block'>;

/** The bot's own keys besides `blocks`, kept in file order. */
export type BotMeta = Record<string, unknown> & { id: string; start?: string };

export interface Doc {
  readonly meta: BotMeta;
  readonly nodes: readonly BlockNode[];
  readonly edges: readonly Edge[];
}

export interface Port {
  /** The key path of the target inside the block (`next`, `options.0.next`, `ports.success`): the handle id. */
  readonly id: string;
  /** The port's words (`Success`, `次へ`), as its block type declares them. */
  readonly label: Label;
  /** What the author wrote for it (an option's label, a rule's condition), shown instead of the words. */
  readonly caption: string | null;
  /** The port's name (`next`, `options.0`, `success`). */
  readonly name: string;
}

/** What the canvas and the form call a port: what the author wrote for it, else its words in the admin's language. */
export const portText = (port: Port, locale: Locale): string => port.caption ?? port.label[locale];

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Every port of a block, in display order, as its type declares them: advanced outcome ports only
 * when turned on. A block of a type the format does not have has none (the validator names it).
 */
export function portsOf(block: RawBlock, advanced: readonly string[]): Port[] {
  if (!isBlockType(block.type)) return [];
  return BLOCKS[block.type]
    .ports(block)
    .filter((p) => !p.advanced || advanced.includes(p.name))
    .map((p) => ({ id: p.field, label: p.label, caption: p.caption ?? null, name: p.name }));
}

/** Every key path that may hold a target, whether shown or not (to clear what is no longer wired). */
function allPortPaths(block: RawBlock): string[] {
  return portsOf(block, isBlockType(block.type) ? specificPortsOf(block.type) : []).map((p) => p.id);
}

export function getAt(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) {
    if (Array.isArray(value)) value = value[Number(key)];
    else if (isMap(value)) value = Object.hasOwn(value, key) ? value[key] : undefined;
    else return undefined;
  }
  return value;
}

/** A copy of `root` with `path` set to `value` (undefined deletes the key), keeping key order. */
export function setAt<T>(root: T, path: readonly (string | number)[], value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[Number(head)] = setAt(copy[Number(head)], rest, value);
    return copy as T;
  }
  const copy: Record<string, unknown> = isMap(root) ? { ...root } : {};
  const key = String(head);
  const next = rest.length === 0 ? value : setAt(copy[key], rest, value);
  if (next === undefined) delete copy[key];
  else copy[key] = next;
  return copy as T;
}

const NODE_WIDTH = 240;

/** The bot file's document → the canvas. Nodes without a position get none here (see layout.ts). */
export function docFromBot(bot: Record<string, unknown>): Doc {
  const blocks = bot['blocks'];
  // `blocks` keeps its place among the keys (as undefined), so the file is written back in its own key order.
  const meta = Object.fromEntries(Object.entries(bot).map(([key, value]) => [key, key === 'blocks' ? undefined : value])) as BotMeta;
  const nodes: BlockNode[] = [];
  const edges: Edge[] = [];
  const raw = isMap(blocks) ? blocks : {};
  for (const [id, value] of Object.entries(raw)) {
    if (!isMap(value)) continue;
    const { position, ...block } = value as RawBlock & { position?: { x: number; y: number } };
    const ports = isMap(block['ports']) ? Object.keys(block['ports']) : [];
    const advanced = isBlockType(block.type) ? specificPortsOf(block.type).filter((p) => ports.includes(p)) : [];
    nodes.push({
      id,
      type: 'block',
      position: isMap(position) ? { x: Number(position.x), y: Number(position.y) } : { x: NaN, y: NaN },
      data: { block, advanced },
      width: NODE_WIDTH,
    });
    for (const port of portsOf(block, advanced)) {
      const target = getAt(block, port.id);
      if (typeof target === 'string' && target !== '') edges.push(edgeOf(id, port.id, target));
    }
  }
  return { meta, nodes, edges };
}

export const edgeOf = (source: string, port: string, target: string): Edge => ({
  id: `${source}:${port}`,
  source,
  sourceHandle: port,
  target,
  label: port.startsWith('ports.') ? port.slice(6) : undefined,
});

/** The canvas → the bot file's document: each block's port keys are written from the edges. */
export function botFromDoc(doc: Doc): Record<string, unknown> {
  const blocks: Record<string, unknown> = {};
  for (const node of doc.nodes) {
    let block: Record<string, unknown> = node.data.block;
    for (const path of allPortPaths(node.data.block)) {
      const edge = doc.edges.find((e) => e.source === node.id && e.sourceHandle === path);
      const current = getAt(block, path);
      if (edge) {
        if (current !== edge.target) block = setAt(block, path.split('.'), edge.target);
      } else if (current !== undefined) {
        block = setAt(block, path.split('.'), undefined);
      }
    }
    if (Number.isFinite(node.position.x) && Number.isFinite(node.position.y)) {
      block = { ...block, position: { x: Math.round(node.position.x), y: Math.round(node.position.y) } };
    }
    blocks[node.id] = block;
  }
  return { ...doc.meta, blocks };
}

export const needsLayout = (doc: Doc): boolean => doc.nodes.some((n) => !Number.isFinite(n.position.x) || !Number.isFinite(n.position.y));

/** Renames a block everywhere: its node, the edges from and to it, and `start`. */
export function renameBlock(doc: Doc, from: string, to: string): Doc {
  const meta = doc.meta.start === from ? { ...doc.meta, start: to } : doc.meta;
  return {
    meta,
    nodes: doc.nodes.map((n) => (n.id === from ? { ...n, id: to } : n)),
    edges: doc.edges.map((e) => {
      const source = e.source === from ? to : e.source;
      const target = e.target === from ? to : e.target;
      return source === e.source && target === e.target ? e : { ...edgeOf(source, e.sourceHandle ?? '', target) };
    }),
  };
}

/** Removes blocks and everything wired to them; `start` moves to the first block left. */
export function removeBlocks(doc: Doc, ids: ReadonlySet<string>, edgeIds: ReadonlySet<string> = new Set()): Doc {
  const nodes = doc.nodes.filter((n) => !ids.has(n.id));
  const edges = doc.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target) && !edgeIds.has(e.id));
  const start = doc.meta.start !== undefined && ids.has(doc.meta.start) ? nodes[0]?.id : doc.meta.start;
  const meta = { ...doc.meta };
  if (start === undefined) delete meta.start;
  else meta.start = start;
  return { meta, nodes, edges };
}

/** Connects a port to a block (or disconnects it with target null): one edge per port. */
export function connect(doc: Doc, source: string, port: string, target: string | null): Doc {
  const edges = doc.edges.filter((e) => !(e.source === source && e.sourceHandle === port));
  if (target !== null) edges.push(edgeOf(source, port, target));
  return { ...doc, edges };
}

export function updateBlock(doc: Doc, id: string, change: (data: BlockData) => BlockData): Doc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, data: change(n.data) } : n)) };
}
