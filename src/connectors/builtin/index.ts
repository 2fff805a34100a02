import type { Kysely } from 'kysely';
import type { Provider } from '../provider.ts';
import { ROLES, type Role, type RoleConnectors } from '../../vocabulary/roles.ts';
import type { Database } from '../../store/schema.ts';
import { builtinCrm } from './crm.ts';
import { builtinHelpdesk } from './helpdesk.ts';
import { builtinMailing } from './mailing.ts';

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
  };
}

export { builtinCrm, builtinHelpdesk, builtinMailing };
