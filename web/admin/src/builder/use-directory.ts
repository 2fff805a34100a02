import { useEffect, useState } from 'react';
import type { ServiceFieldRef } from '../../../../src/vocabulary/service-fields.ts';
import { ROLES, type Role } from '../../../../src/vocabulary/roles.ts';
import { getJson } from '../api.ts';

type Choice = { value: string; label: string };

interface RoleOptions {
  readonly fields: Readonly<Record<string, readonly Choice[]>>;
  readonly note: string | null;
}

export interface Directory {
  /** The values the role's integration offers for one of its service fields (departments, agents, lists, stages …). */
  readonly choices: (ref: ServiceFieldRef) => readonly Choice[];
  /** Per role, why some values cannot be offered (a service's directory is not listed). */
  readonly notes: Readonly<Partial<Record<Role, string>>>;
  /** Asks the services again instead of using their cached values (a stage added in the CRM a minute ago). */
  readonly refresh: () => void;
}

const NONE: RoleOptions = { fields: {}, note: null };
type Listed = Pick<Directory, 'choices' | 'notes'>;
const EMPTY: Listed = { choices: () => [], notes: {} };

/** What the configured integrations offer for block fields (see GET /integrations/{role}/options). */
export function useDirectory(): Directory {
  const [listed, setListed] = useState<Listed>(EMPTY);
  // 0: the cached values; each refresh asks the services again.
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    const query = round > 0 ? '?refresh=true' : '';
    void Promise.all(ROLES.map((role) => getJson<RoleOptions>(`/integrations/${role}/options${query}`).catch(() => NONE))).then((all) => {
      if (!live) return;
      const byRole = new Map(ROLES.map((role, i) => [role, all[i] ?? NONE]));
      const notes: Partial<Record<Role, string>> = {};
      for (const [role, options] of byRole) if (options.note) notes[role] = options.note;
      setListed({ choices: (ref) => byRole.get(ref.role)?.fields[ref.field] ?? [], notes });
    });
    return () => {
      live = false;
    };
  }, [round]);
  return { ...listed, refresh: () => setRound((r) => r + 1) };
}
