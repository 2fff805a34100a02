import type { IntegrationCheck, IntegrationRecord, ProviderName } from '../vocabulary/integration.ts';
import type { Role, RoleConnectors } from '../vocabulary/roles.ts';

/** What a provider may tell the store about its integration while it works. */
export interface IntegrationHooks {
  /** Credentials were refused for good: the admin must see it. */
  markInvalid(message: string): Promise<void>;
}

/** What a service offers for block fields, for the builder's dropdowns. */
export interface Directory {
  readonly departments?: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly agents?: ReadonlyArray<{ readonly id: string; readonly email: string; readonly name: string }>;
  readonly lists?: ReadonlyArray<{ readonly id: string; readonly name: string }>;
}

export interface Provider {
  readonly name: ProviderName;
  readonly roles: readonly Role[];
  connect<R extends Role>(role: R, integration: IntegrationRecord, hooks: IntegrationHooks): RoleConnectors[R];
  /** Proves the credentials work with one cheap read. A provider without it has nothing to check. */
  checkIntegration?(role: Role, integration: IntegrationRecord): Promise<IntegrationCheck>;
  /** The enabled departments and active agents (helpdesk) or the mailing lists (mailing) of the service. */
  listDirectory?(role: Role, integration: IntegrationRecord): Promise<Directory>;
}
