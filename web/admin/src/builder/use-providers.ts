import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useWords } from '../words.ts';
import { getJson } from '../api.ts';

/** The provider behind each role in the admin's words (`内蔵ストア`, `Zoho`, or Zoho turned off), for the palette and the nodes. */
export function useProviders(): Readonly<Record<string, string>> {
  const words = useWords();
  const { t } = useTranslation();
  const [items, setItems] = useState<{ role: string; provider: string; enabled: boolean }[]>([]);
  useEffect(() => {
    getJson<{ items: { role: string; provider: string; enabled: boolean }[] }>('/integrations')
      .then(({ items }) => setItems(items))
      .catch(() => setItems([]));
  }, []);
  return useMemo(
    () =>
      Object.fromEntries(
        items.map((i) => [i.role, i.enabled ? words.provider(i.provider) : t('builder.providerOff', { provider: words.provider(i.provider) })]),
      ),
    [items, words, t],
  );
}
