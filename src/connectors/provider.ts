import type { Role, RoleConnectors } from '../vocabulary/roles.ts';

export const PROVIDER_NAMES = ['builtin', 'zoho'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export type IntegrationStatus = 'ok' | 'invalid' | 'unchecked';

/** An integration as a provider sees it: secrets already decrypted, never logged. */
export interface IntegrationRecord {
  readonly role: Role;
  readonly provider: ProviderName;
  readonly enabled: boolean;
  readonly status: IntegrationStatus;
  /** Non-secret settings (data centre, base URLs, org id, client id …). */
  readonly settings: Readonly<Record<string, string>>;
  /** Decrypted secrets (client secret, refresh token …). */
  readonly secrets: Readonly<Record<string, string>>;
}

/** What a provider may tell the store about its integration while it works. */
export interface IntegrationHooks {
  /** Credentials were refused for good: the admin must see it. */
  markInvalid(message: string): Promise<void>;
}

/** What `renkei integrations check` says: ok, or exactly what is wrong. */
export type IntegrationCheck =
  | { readonly ok: true }
  /** `invalid`: the credentials were refused for good (the integration is then marked invalid). */
  | { readonly ok: false; readonly message: string; readonly invalid?: boolean };

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
