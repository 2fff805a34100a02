import { useEffect, useState } from 'react';
import { getJson } from '../api.ts';

/** The provider behind each role (`builtin`, `zoho`, or `zoho (off)`), for the palette and the nodes. */
export function useProviders(): Readonly<Record<string, string>> {
  const [providers, setProviders] = useState<Record<string, string>>({});
  useEffect(() => {
    getJson<{ items: { role: string; provider: string; enabled: boolean }[] }>('/integrations')
      .then(({ items }) => setProviders(Object.fromEntries(items.map((i) => [i.role, i.enabled ? i.provider : `${i.provider} (off)`]))))
      .catch(() => setProviders({}));
  }, []);
  return providers;
}
