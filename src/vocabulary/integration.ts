import type { Role } from './roles.ts';

/** A provider's name (`builtin`, and those of src/connectors/registry.ts), as stored with an integration. */
export type ProviderName = string;

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

/** What `renkei integrations check` says: ok, or exactly what is wrong. */
export type IntegrationCheck =
  | { readonly ok: true }
  /** `invalid`: the credentials were refused for good (the integration is then marked invalid). */
  | { readonly ok: false; readonly message: string; readonly invalid?: boolean };
