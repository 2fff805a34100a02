import { applyEdgeChanges, applyNodeChanges, type Connection, type Edge, type EdgeChange, type NodeChange } from '@xyflow/react';
import { pasteBlocks } from './edits.ts';
import { useCallback, useEffect, useRef } from 'react';
import { connect, removeBlocks, type BlockNode, type Doc } from './graph.ts';
import type { History } from './history.ts';

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * What the canvas does to the bot: moving (one undo step per drag), selecting, connecting, and
 * the keys — Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z or Ctrl/Cmd+Y, Delete, Ctrl/Cmd+C / V to copy and paste
 * blocks, Ctrl/Cmd+D to duplicate them — outside text fields.
 */
export function useCanvasEditing(history: History<Doc>) {
  const dragging = useRef(false);

  const onNodesChange = useCallback(
    (changes: NodeChange<BlockNode>[]) => {
      const moving = changes.some((c) => c.type === 'position' && c.dragging);
      if (moving && !dragging.current) history.checkpoint();
      dragging.current = moving;
      // Removal goes through deleteSelection, as one undo step with the block's edges.
      const kept = changes.filter((c) => c.type !== 'remove');
      history.replace((d) => ({ ...d, nodes: applyNodeChanges(kept, [...d.nodes]) }));
    },
    [history],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const kept = changes.filter((c) => c.type !== 'remove');
      history.replace((d) => ({ ...d, edges: applyEdgeChanges(kept, [...d.edges]) }));
    },
    [history],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      if (c.sourceHandle && c.source !== c.target) history.commit((d) => connect(d, c.source, c.sourceHandle!, c.target));
    },
    [history],
  );

  const deleteSelection = useCallback(() => {
    history.commit((d) => {
      const ids = new Set(d.nodes.filter((n) => n.selected).map((n) => n.id));
      const edgeIds = new Set(d.edges.filter((e) => e.selected).map((e) => e.id));
      return ids.size === 0 && edgeIds.size === 0 ? d : removeBlocks(d, ids, edgeIds);
    });
  }, [history]);

  // The builder's own clipboard: blocks with the connections among them (the system clipboard
  // would need a permission prompt and holds text, not blocks).
  const clipboard = useRef<{ nodes: BlockNode[]; edges: Edge[] } | null>(null);
  const copy = useCallback(() => {
    const d = history.current.current;
    const nodes = d.nodes.filter((n) => n.selected);
    if (nodes.length === 0) return;
    const ids = new Set(nodes.map((n) => n.id));
    clipboard.current = { nodes: structuredClone(nodes), edges: d.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
  }, [history]);
  const paste = useCallback(() => {
    const held = clipboard.current;
    if (held) history.commit((d) => pasteBlocks(d, held.nodes, held.edges));
  }, [history]);
  const duplicate = useCallback(() => {
    history.commit((d) => {
      const nodes = d.nodes.filter((n) => n.selected);
      const ids = new Set(nodes.map((n) => n.id));
      return nodes.length === 0
        ? d
        : pasteBlocks(
            d,
            nodes,
            d.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
          );
    });
  }, [history]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'c') copy();
      else if (mod && key === 'v') paste();
      else if (mod && key === 'd') {
        e.preventDefault();
        duplicate();
      } else if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) history.redo();
        else history.undo();
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        history.redo();
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        e.preventDefault();
        deleteSelection();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [history, deleteSelection, copy, paste, duplicate]);

  return { onNodesChange, onEdgesChange, onConnect, copy, paste, duplicate };
}
