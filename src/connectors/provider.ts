import type { IntegrationCheck, IntegrationRecord } from '../vocabulary/integration.ts';
import type { Role, RoleConnectors } from '../vocabulary/roles.ts';
import type { ServiceValue } from '../vocabulary/service-fields.ts';

/** What a provider may tell the store about its integration while it works. */
export interface IntegrationHooks {
  /** Credentials were refused for good: the admin must see it. */
  markInvalid(message: string): Promise<void>;
}

/** Values a service offers for block fields (SERVICE_FIELDS names), for the builder's dropdowns. */
export type FieldValues = Readonly<Partial<Record<string, readonly ServiceValue[]>>>;

/** What a provider lists for a role: values per field, and why some are missing. */
export interface OfferedValues {
  readonly fields: FieldValues;
  readonly note?: string;
  /** Fields whose values are defaults offered without the service's word: publishing does not refuse a value outside them. */
  readonly guessed?: readonly string[];
  /** Other spellings the connectors accept for a field's values (ids, keys), which publishing accepts too. */
  readonly accepts?: Readonly<Partial<Record<string, readonly string[]>>>;
}

/** The CRM records a block's extra `fields:` go to. */
export const CRM_RECORDS = ['lead', 'contact', 'deal'] as const;
export type CrmRecord = (typeof CRM_RECORDS)[number];

/**
 * The fields one CRM object has, for checking a block's extra `fields:` at publish: the object's
 * name in the service ("Lead"), its field names as the service spells them (for "did you mean"),
 * and the field a given name is sent as — the connector's own rule, so the check and the block
 * agree — or undefined when the connector leaves the name out.
 */
export interface ObjectFields {
  readonly object: string;
  readonly names: readonly string[];
  readonly resolve: (name: string) => string | undefined;
  /**
   * For a name `resolve` leaves out: the field it names when the object has one the service will
   * not take a value for (read-only, calculated), so the admin is told why rather than "no field".
   */
  readonly readOnly?: (name: string) => string | undefined;
}

/** A provider's role implementations, as the registry makes them from its declaration (./declaration.ts). */
export interface Provider {
  readonly name: string;
  readonly roles: readonly Role[];
  connect<R extends Role>(role: R, integration: IntegrationRecord, hooks: IntegrationHooks): RoleConnectors[R];
  /** Proves the credentials work with one cheap read. A provider without it has nothing to check. */
  checkIntegration?(role: Role, integration: IntegrationRecord): Promise<IntegrationCheck>;
  /** The values the service offers for the role's block fields (departments, agents, lists …); `refresh` skips cached copies. */
  listValues?(role: Role, integration: IntegrationRecord, opts?: { readonly refresh?: boolean }): Promise<OfferedValues>;
  /**
   * The fields of the CRM objects `fields:` go to, per record (cached like the offered values);
   * a provider without it sends `fields:` as given and nothing is checked.
   */
  crmFields?(integration: IntegrationRecord, opts?: { readonly refresh?: boolean }): Promise<Readonly<Record<CrmRecord, ObjectFields>>>;
  /** Values known without asking the service, offered when it cannot be asked. */
  fixedValues?(role: Role): FieldValues;
  /**
   * The organisations (portals) the credentials can see, for a role whose settings pick one
   * (`orgId`); undefined when the role picks none.
   */
  organizations?(role: Role, integration: IntegrationRecord): Promise<readonly { readonly id: string; readonly name: string }[] | undefined>;
}
