import { useEffect, useState } from 'react';
import { getJson } from '../api.ts';

type Choice = { value: string; label: string };
export type Choices = Readonly<Record<string, readonly Choice[]>>;

interface RoleOptions {
  readonly fields: Readonly<Record<string, readonly Choice[]>>;
  readonly note: string | null;
}

export interface Directory {
  /** Values to offer, keyed by the block field they fill (department, assignee, list, status …). */
  readonly choices: Choices;
  /** Per role, why some values cannot be offered (a Zoho directory is not listed). */
  readonly notes: Readonly<Record<string, string>>;
}

const ROLES = ['helpdesk', 'mailing', 'crm'] as const;

/** What the configured integrations offer for block fields (see GET /integrations/{role}/options). */
export function useDirectory(): Directory {
  const [directory, setDirectory] = useState<Directory>({ choices: {}, notes: {} });
  useEffect(() => {
    let live = true;
    void Promise.all(
      ROLES.map((role) => getJson<RoleOptions>(`/integrations/${role}/options`).catch((): RoleOptions => ({ fields: {}, note: null }))),
    ).then((all) => {
      if (!live) return;
      const notes: Record<string, string> = {};
      all.forEach((o, i) => {
        if (o.note) notes[ROLES[i]!] = o.note;
      });
      setDirectory({ choices: Object.assign({}, ...all.map((o) => o.fields)) as Choices, notes });
    });
    return () => {
      live = false;
    };
  }, []);
  return directory;
}
