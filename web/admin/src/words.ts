import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getJson } from './api.ts';

/** Providers' names as they declare them (GET /providers), fetched once per language. */
const providerLabels: Partial<Record<string, Promise<Record<string, string>>>> = {};

function loadProviderLabels(locale: string): Promise<Record<string, string>> {
  const cached = providerLabels[locale];
  if (cached) return cached;
  const loading = getJson<{ items: Array<{ name: string; label: string }> }>(`/providers?locale=${locale}`)
    .then((r) => Object.fromEntries(r.items.map((p) => [p.name, p.label])))
    .catch(() => {
      // Not signed in yet, or offline: ask again next time.
      delete providerLabels[locale];
      return {};
    });
  providerLabels[locale] = loading;
  return loading;
}

/**
 * Renkei's own words where the admin pages show them (outcomes, conversation statuses, providers,
 * integration actions, record events), in the admin's language. The API sends the codes
 * (`department_invalid`, `handoff`, `helpdesk.ticket`); a code without words here is shown as
 * it is rather than hidden.
 *
 * The builder names outcomes and block types from the block catalogue's own labels; these pages
 * should too once those labels reach the admin app (src/blocks/labels.ts).
 */
export interface Words {
  outcome(code: string): string;
  status(code: string): string;
  provider(name: string): string;
  action(type: string): string;
  recordEvent(event: string): string;
}

export function useWords(): Words {
  const { t, i18n } = useTranslation();
  const locale = i18n.language.startsWith('ja') ? 'ja' : 'en';
  const [providers, setProviders] = useState<Record<string, string>>({});
  useEffect(() => {
    let live = true;
    void loadProviderLabels(locale).then((labels) => live && setProviders(labels));
    return () => {
      live = false;
    };
  }, [locale]);
  return useMemo(
    () => ({
      outcome: (code) => t(`words.outcome.${code}`, { defaultValue: code }),
      status: (code) => t(`words.status.${code}`, { defaultValue: code }),
      provider: (name) => providers[name] ?? t(`words.provider.${name}`, { defaultValue: name }),
      // Dotted codes (`crm.lead`) are keys of their own there: i18next finds them whole.
      action: (type) => t(`words.action.${type}`, { defaultValue: type }),
      recordEvent: (event) => t(`words.recordEvent.${event}`, { defaultValue: event }),
    }),
    [t, providers],
  );
}
