import { useCallback, useRef, useState, type FormEvent } from 'react';
import { errorText } from './api.ts';

/**
 * One write of a page (a form's submit, a row's button): `pending` while it runs — its buttons
 * disabled — and a second submit meanwhile ignored, even one in the same tick as the first (the
 * ref knows before React re-renders the disabled button); `error` is the failure as the admin
 * reads it, cleared when the next try starts. `describe` puts a failure in the page's own words
 * (a code it knows), null for the server's message.
 */
export function useSubmit(describe?: (err: unknown) => string | null) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = useRef(false);
  // The latest words, without making `run` change identity on every render.
  const describeRef = useRef(describe);
  describeRef.current = describe;

  /** Runs `action` unless one is running; answers whether it ran and succeeded. */
  const run = useCallback(async (action: () => Promise<void>): Promise<boolean> => {
    if (running.current) return false;
    running.current = true;
    setPending(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(describeRef.current?.(err) ?? errorText(err));
      return false;
    } finally {
      running.current = false;
      setPending(false);
    }
  }, []);

  /** A form's onSubmit: the browser's own submit prevented, `action` run as `run` does. */
  const onSubmit = useCallback(
    (action: () => Promise<void>) => (event: FormEvent) => {
      event.preventDefault();
      void run(action);
    },
    [run],
  );

  return { pending, error, run, onSubmit };
}
