import { integrationInvalid, type Outcome } from '../../vocabulary/outcome.ts';
import type { Role, RoleConnectors } from '../../vocabulary/roles.ts';
import type { IntegrationHooks } from '../provider.ts';

/**
 * Connectors for an integration that cannot work (its settings or credentials are incomplete or
 * wrong): every call is `integration_invalid` with `message`, and the integration is marked invalid
 * so an admin sees why. A failure to record that must not hide the outcome from the bot.
 */
export function refusingConnectors(role: Role, message: string, hooks: IntegrationHooks): RoleConnectors[Role] {
  const refuse = async (): Promise<Outcome> => {
    await hooks.markInvalid(message).catch(() => undefined);
    return integrationInvalid(message);
  };
  switch (role) {
    case 'crm':
      return { createLead: refuse, createContact: refuse, createDeal: refuse };
    case 'helpdesk':
      return { createTicket: refuse };
    case 'mailing':
      return { subscribe: refuse };
  }
}
