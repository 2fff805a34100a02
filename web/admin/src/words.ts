import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { BLOCKS, BLOCK_TYPES, type BlockType } from '../../../src/blocks/index.ts';
import { OUTCOME_LABELS } from '../../../src/blocks/labels.ts';
import { OUTCOMES, type OutcomeName } from '../../../src/vocabulary/outcome.ts';
import { useLocale } from './locale.ts';

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
  return useMemo(
    () => ({
      outcome: (code) => (isOutcome(code) ? OUTCOME_LABELS[code][locale] : code),
      status: (code) => t(`words.status.${code}`, { defaultValue: code }),
      provider: (name) => t(`words.provider.${name}`, { defaultValue: name }),
      action: (type) => (isBlockType(type) ? BLOCKS[type].label[locale] : type),
      recordEvent: (event) => t(`words.recordEvent.${event}`, { defaultValue: event }),
    }),
    [t, locale],
  );
}
