import { useCallback, useEffect, useState } from 'react';
import { errorText, getJson } from './api.ts';

/** GET a path and keep the answer; `reload` fetches again (after a change). */
export function useFetch<T>(path: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setError(null);
    getJson<T>(path)
      .then((d) => live && setData(d))
      .catch((err) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, reload };
}
