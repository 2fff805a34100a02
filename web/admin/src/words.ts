import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

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
  const { t } = useTranslation();
  return useMemo(
    () => ({
      outcome: (code) => t(`words.outcome.${code}`, { defaultValue: code }),
      status: (code) => t(`words.status.${code}`, { defaultValue: code }),
      provider: (name) => t(`words.provider.${name}`, { defaultValue: name }),
      // Dotted codes (`crm.lead`) are keys of their own there: i18next finds them whole.
      action: (type) => t(`words.action.${type}`, { defaultValue: type }),
      recordEvent: (event) => t(`words.recordEvent.${event}`, { defaultValue: event }),
    }),
    [t],
  );
}
