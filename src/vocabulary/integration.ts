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

/**
 * Why a check failed, as a code and its parameters, so the admin app says it in the admin's
 * language (web/admin/src/locales): `scope_missing` {scopes}, `credentials_refused` {detail},
 * `service_refused` {detail}, `unreachable` {detail}, `settings_invalid` {detail}, `disabled`,
 * `provider_unavailable` {provider}. `detail` is the service's own words, untranslated.
 */
export const CHECK_PROBLEM_CODES = [
  'scope_missing',
  'credentials_refused',
  'service_refused',
  'unreachable',
  'settings_invalid',
  'disabled',
  'provider_unavailable',
] as const;
export type CheckProblemCode = (typeof CHECK_PROBLEM_CODES)[number];
export interface CheckProblem {
  readonly code: CheckProblemCode;
  readonly params: Readonly<Record<string, string>>;
}

/** What `renkei integrations check` says: ok, or exactly what is wrong (`message` in English for the CLI and logs). */
export type IntegrationCheck =
  | { readonly ok: true }
  /** `invalid`: the credentials were refused for good (the integration is then marked invalid). */
  | { readonly ok: false; readonly message: string; readonly invalid?: boolean; readonly problem?: CheckProblem };
