import { useCallback, useRef, useState } from 'react';

const LIMIT = 200;

/**
 * A value with undo and redo. `commit` with a `tag` equal to the previous commit's merges into
 * it, so typing in one field is one undo step rather than one per key.
 */
export function useHistory<T>(initial: T) {
  const [present, setPresent] = useState(initial);
  const current = useRef(initial);
  const past = useRef<T[]>([]);
  const future = useRef<T[]>([]);
  const lastTag = useRef<string | null>(null);

  const apply = useCallback((next: T) => {
    current.current = next;
    setPresent(next);
  }, []);

  const commit = useCallback(
    (change: (value: T) => T, tag: string | null = null) => {
      const next = change(current.current);
      if (next === current.current) return;
      if (tag === null || tag !== lastTag.current) {
        past.current.push(current.current);
        if (past.current.length > LIMIT) past.current.shift();
      }
      lastTag.current = tag;
      future.current = [];
      apply(next);
    },
    [apply],
  );

  /** Changes that are not steps of their own (selection, a drag in progress). */
  const replace = useCallback((change: (value: T) => T) => apply(change(current.current)), [apply]);

  /** A fresh start (a loaded file): nothing to undo. */
  const reset = useCallback(
    (value: T) => {
      past.current = [];
      future.current = [];
      lastTag.current = null;
      apply(value);
    },
    [apply],
  );

  const undo = useCallback(() => {
    const previous = past.current.pop();
    if (previous === undefined) return;
    future.current.push(current.current);
    lastTag.current = null;
    apply(previous);
  }, [apply]);

  const redo = useCallback(() => {
    const next = future.current.pop();
    if (next === undefined) return;
    past.current.push(current.current);
    lastTag.current = null;
    apply(next);
  }, [apply]);

  /** Marks the point before a multi-event change (a drag) as one undo step. */
  const checkpoint = useCallback(() => {
    past.current.push(current.current);
    future.current = [];
    lastTag.current = null;
  }, []);

  return { present, current, commit, replace, reset, undo, redo, checkpoint };
}

export type History<T> = ReturnType<typeof useHistory<T>>;
