import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import { useCallback, useEffect, useRef } from 'react';
import { connect, removeBlocks, type BlockNode, type Doc } from './graph.ts';
import type { History } from './history.ts';

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * What the canvas does to the bot: moving (one undo step per drag), selecting, connecting, and
 * the keys — Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z or Ctrl/Cmd+Y, Delete — outside text fields.
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

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z') {
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
  }, [history, deleteSelection]);

  return { onNodesChange, onEdgesChange, onConnect };
}
