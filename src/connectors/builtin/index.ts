import type { Kysely } from 'kysely';
import type { OfferedValues, Provider } from '../provider.ts';
import { ROLES, type Role, type RoleConnectors } from '../../vocabulary/roles.ts';
import { listAgents, listDepartments, listLists } from '../../store/directory.ts';
import type { Database } from '../../store/schema.ts';
import { builtinCrm } from './crm.ts';
import { builtinHelpdesk } from './helpdesk.ts';
import { builtinMailing } from './mailing.ts';
import { TICKET_VALUES } from './values.ts';

/** The embedded provider: CRM, helpdesk and mailing lists in Renkei's own database. */
export function createBuiltinProvider(db: Kysely<Database>): Provider {
  const connectors: Pick<RoleConnectors, Role> = {
    crm: builtinCrm(db),
    helpdesk: builtinHelpdesk(db),
    mailing: builtinMailing(db),
  };
  return {
    name: 'builtin',
    roles: ROLES,
    // TypeScript cannot see that Pick<RoleConnectors, Role>[R] is RoleConnectors[R] for a generic R.
    connect: <R extends Role>(role: R) => connectors[role] as RoleConnectors[R],
    listValues: (role) => builtinValues(db, role),
    fixedValues: (role) => (role === 'helpdesk' ? TICKET_VALUES : {}),
  };
}

/** The built-in directory's enabled departments, active agents and lists, and the ticket values. */
async function builtinValues(db: Kysely<Database>, role: Role): Promise<OfferedValues> {
  switch (role) {
    case 'helpdesk': {
      const [departments, agents] = await Promise.all([listDepartments(db), listAgents(db)]);
      const enabled = departments.filter((d) => d.enabled);
      const active = agents.filter((a) => a.active);
      return {
        fields: {
          department: enabled.map((d) => ({ value: d.name, label: d.name })),
          assignee: active.map((a) => ({ value: a.email, label: `${a.name} <${a.email}>` })),
          ...TICKET_VALUES,
        },
        // The helpdesk resolves a department or an agent by id as well.
        accepts: { department: enabled.map((d) => d.id), assignee: active.map((a) => a.id) },
      };
    }
    case 'mailing':
      return { fields: { list: (await listLists(db)).map((l) => ({ value: l.name, label: l.name })) } };
    case 'crm':
      return { fields: {}, note: 'the built-in CRM keeps any deal stage as written' };
  }
}

export { builtinCrm, builtinHelpdesk, builtinMailing };
