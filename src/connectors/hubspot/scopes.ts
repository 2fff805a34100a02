import type { Role } from '../../vocabulary/roles.ts';

/**
 * Scopes per role (docs/integrations.md, "HubSpot"): the creates, the look-ups before a resend and
 * the dropdowns' reads. `oauth` is the scope every HubSpot OAuth app requests. Which scope a
 * pipelines or properties read needs is not stated on every reference page: the object's read
 * scope is what HubSpot's scope table lists for its CRM objects, which is what is asked for here
 * (not confirmed for `GET /crm/v3/pipelines/tickets`, taken to need `tickets`).
 */
export const HUBSPOT_SCOPES = {
  crm: [
    'oauth',
    'crm.objects.contacts.read',
    'crm.objects.contacts.write',
    'crm.objects.companies.read',
    'crm.objects.companies.write',
    'crm.objects.deals.read',
    'crm.objects.deals.write',
  ],
  helpdesk: ['oauth', 'tickets', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.owners.read'],
  mailing: ['oauth', 'crm.lists.read', 'crm.lists.write', 'crm.objects.contacts.read', 'crm.objects.contacts.write'],
} as const satisfies Readonly<Record<Role, readonly string[]>>;
