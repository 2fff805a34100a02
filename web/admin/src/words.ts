import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BLOCKS, BLOCK_TYPES, type BlockType } from '../../../src/blocks/index.ts';
import { OUTCOME_LABELS } from '../../../src/blocks/labels.ts';
import { OUTCOMES, type OutcomeName } from '../../../src/vocabulary/outcome.ts';
import { useLocale } from './locale.ts';
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
 * (`department_invalid`, `handoff`, `helpdesk.ticket`); a code without words is shown as it is
 * rather than hidden. Outcomes and block types are named by the block declarations, the same
 * words the builder shows.
 */
export interface Words {
  outcome(code: string): string;
  status(code: string): string;
  provider(name: string): string;
  action(type: string): string;
  recordEvent(event: string): string;
}

const isOutcome = (code: string): code is OutcomeName => (OUTCOMES as readonly string[]).includes(code);
const isBlockType = (type: string): type is BlockType => (BLOCK_TYPES as readonly string[]).includes(type);

export function useWords(): Words {
  const { t } = useTranslation();
  const locale = useLocale();
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
      outcome: (code) => (isOutcome(code) ? OUTCOME_LABELS[code][locale] : code),
      status: (code) => t(`words.status.${code}`, { defaultValue: code }),
      provider: (name) => providers[name] ?? t(`words.provider.${name}`, { defaultValue: name }),
      action: (type) => (isBlockType(type) ? BLOCKS[type].label[locale] : type),
      recordEvent: (event) => t(`words.recordEvent.${event}`, { defaultValue: event }),
    }),
    [t, locale, providers],
  );
}
