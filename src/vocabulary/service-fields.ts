import type { Role } from './roles.ts';

/**
 * Block fields whose values live in the connected service (DESIGN.md, "Connecting a service"):
 * the builder offers them as dropdowns, publishing checks a literal against them. A block field
 * names one of these as the source of its values; a provider says which it can list. The names are
 * the keys of `GET /api/v1/admin/integrations/{role}/options`.
 */
export const SERVICE_FIELDS = {
  crm: ['stage', 'source'],
  helpdesk: ['status', 'priority', 'classification', 'department', 'assignee'],
  mailing: ['list'],
} as const satisfies Readonly<Record<Role, readonly string[]>>;

export type ServiceField<R extends Role = Role> = (typeof SERVICE_FIELDS)[R][number];

/** Where a block field's values come from: a role and one of its service fields. */
export type ServiceFieldRef = { readonly [R in Role]: { readonly role: R; readonly field: ServiceField<R> } }[Role];

/** One value a service offers for a field: what is stored, and what a person reads. */
export interface ServiceValue {
  readonly value: string;
  readonly label: string;
}
