import { useEffect, useState } from 'react';
import { getJson } from '../api.ts';

type Choice = { value: string; label: string };
export type Choices = Readonly<Record<string, readonly Choice[]>>;

interface RoleOptions {
  readonly fields: Readonly<Record<string, readonly Choice[]>>;
}

/**
 * What the configured integrations offer for block fields (departments, assignees, lists,
 * stages, statuses …), keyed by the block field they fill.
 */
export function useDirectoryChoices(): Choices {
  const [choices, setChoices] = useState<Choices>({});
  useEffect(() => {
    let live = true;
    void Promise.all(
      (['helpdesk', 'mailing', 'crm'] as const).map((role) => getJson<RoleOptions>(`/integrations/${role}/options`).catch(() => ({ fields: {} }))),
    ).then((all) => {
      if (live) setChoices(Object.assign({}, ...all.map((o) => o.fields)) as Choices);
    });
    return () => {
      live = false;
    };
  }, []);
  return choices;
}
