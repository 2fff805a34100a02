import { z } from 'zod';
import type { Locale } from '../vocabulary/locales.ts';
import type { IntegrationRecord } from '../vocabulary/integration.ts';
import type { Role } from '../vocabulary/roles.ts';
import type { ServiceField } from '../vocabulary/service-fields.ts';
import type { Store } from '../store/store.ts';
import type { AccessTokenCache } from './remote/access-token-cache.ts';
import type { Clock } from './remote/clock.ts';
import type { RevokeOutcome } from './remote/oauth-revoke.ts';
import type { Provider } from './provider.ts';

/** A text shown to people, in every locale. */
export type Label = Readonly<Record<Locale, string>>;

/**
 * One setting or secret of a provider. The CLI's options, the admin API's validation, the
 * Integrations page's form and the docs' tables are all made from these.
 */
export interface FieldDeclaration {
  /** Checks one value as it is stored; an unset optional value reads as undefined. */
  readonly schema: z.ZodType<string | undefined>;
  readonly label: Label;
  /** One sentence on what it is and where to find it. */
  readonly help: Label;
  readonly required: boolean;
  /** A fixed set of values (a data centre): a dropdown, a CLI choice. */
  readonly choices?: readonly string[];
  /** Only these roles read it (a Desk organisation id: helpdesk). */
  readonly roles?: readonly Role[];
  /** Settings: changing it changes where or for whom the secrets are sent, so the stored ones are dropped. */
  readonly bindsSecrets?: boolean;
  /**
   * Settings: a base URL replacing one of the service's hosts. Through the admin API it may only
   * name an origin `hosts` allows (unless the server allows custom service URLs).
   */
  readonly baseUrl?: boolean;
  /** Secrets: the environment variable the CLI reads when the option is not given. */
  readonly env?: string;
}

/**
 * The browser side of an OAuth 2 authorization-code grant (DESIGN.md "Connecting with OAuth"):
 * where to send the admin's browser, and how to trade the code the service sends back for the
 * secret to store.
 */
export interface OAuthFlow {
  /** The secrets the grant supplies (Zoho: `refreshToken`): the admin gives every other one. */
  readonly grants: readonly string[];
  /** Where the admin registers the app for these settings (Zoho's API console of the data centre). */
  consoleUrl(settings: FieldValuesIn): string | undefined;
  /** What the Connect form says of the redirect URI: where in the service's app it is registered. */
  readonly registerHint: Label;
  /** The link to `consoleUrl`, in the service's own words ("Open the API console"). */
  readonly consoleLabel?: Label;
  /** The service's consent page for these settings (its data centre's accounts server). */
  authorizeUrl(settings: FieldValuesIn, request: { readonly scopes: readonly string[]; readonly redirectUri: string; readonly state: string }): string;
  /**
   * Trades the code for the secret to add to `secrets` (Zoho: `refreshToken`). `callback` holds
   * the other parameters the service sent back (Zoho's `accounts-server`), which the provider
   * checks before sending the client secret anywhere. A refusal is an OAuthRefusal.
   */
  exchange(
    settings: FieldValuesIn,
    secrets: FieldValuesIn,
    request: { readonly code: string; readonly redirectUri: string; readonly callback: URLSearchParams },
  ): Promise<Readonly<Record<string, string>>>;
  /**
   * Revokes what `exchange` granted when Renkei will not keep it (the consent was voided while the
   * code was traded, or storing it failed): left live, the grant stays among the user's authorized
   * apps, and Zoho deletes a client's oldest refresh tokens past its limit. `callback` is the one
   * `exchange` was given. Best-effort: never throws; the outcome's message never holds a token.
   */
  revoke(settings: FieldValuesIn, granted: Readonly<Record<string, string>>, request: { readonly callback: URLSearchParams }): Promise<RevokeOutcome>;
}

/** Why a grant could not be completed, for the admin (never a secret). */
export class OAuthRefusal extends Error {
  override readonly name = 'OAuthRefusal';
}

type FieldValuesIn = Readonly<Record<string, string | undefined>>;

/** How an installation proves who it is to the service. */
export type Connection =
  | { readonly kind: 'none' }
  /** OAuth 2 authorization code: a refresh token from a grant with these scopes per role. */
  | { readonly kind: 'oauth2-code'; readonly scopes: Readonly<Partial<Record<Role, readonly string[]>>>; readonly flow?: OAuthFlow }
  /** A key (API key, private app token) sent with every call. */
  | { readonly kind: 'key' };

/** What a provider is made with when the registry makes it. */
export interface ProviderContext {
  readonly store: Store;
  /** Where an OAuth provider keeps its access tokens. */
  readonly tokens: AccessTokenCache;
  /** One call's time limit, from the provider's `callTimeout` variable when it declares one. */
  readonly timeoutMs?: number;
  /** What its deadlines and tokens' expiry are measured by (default: the system's). */
  readonly clock?: Clock;
}

/** Everything Renkei knows about one provider, declared once in its folder. */
export interface ProviderDeclaration {
  /** Stored with each integration and typed in `renkei integrations set ROLE <name>`. */
  readonly name: string;
  readonly label: Label;
  /** What it is, per role: "Zoho CRM (leads, contacts, deals)". */
  readonly serves: Readonly<Partial<Record<Role, Label>>>;
  readonly roles: readonly Role[];
  readonly connection: Connection;
  readonly settings: Readonly<Record<string, FieldDeclaration>>;
  readonly secrets: Readonly<Record<string, FieldDeclaration>>;
  /** The origins each base-URL setting may name through the admin API, for these settings (a data centre's). */
  readonly hosts: (settings: Readonly<Record<string, string | undefined>>) => Readonly<Record<string, readonly string[]>>;
  /**
   * Where the service of these settings lives, for `integrations list` (a data centre, an API or
   * login host); undefined when nowhere outside Renkei. Settings only, so never a secret.
   */
  readonly where: (settings: Readonly<Record<string, string | undefined>>) => string | undefined;
  /**
   * Why these settings cannot serve a role (Zoho Campaigns in a data centre without it), so set-up
   * refuses them instead of the first call failing; undefined when they can.
   */
  readonly unserved?: (role: Role, settings: Readonly<Record<string, string | undefined>>) => { readonly key: string; readonly message: string } | undefined;
  /** The block fields (SERVICE_FIELDS) whose values it offers the builder, per role. */
  readonly offers: { readonly [R in Role]?: readonly ServiceField<R>[] };
  /**
   * OAuth providers: the keys an integration's access tokens are kept under in the AccessTokenCache
   * (one per credential). Tokens under no configured integration's key are dropped when an
   * integration is set again (../connectors/registry.ts, dropUnusedTokens).
   */
  readonly tokenKeys?: (integration: IntegrationRecord) => readonly string[];
  /** An environment variable for one call's time limit (ms), and its default. */
  readonly callTimeout?: { readonly env: string; readonly defaultMs: number };
  /** Its role implementations. */
  readonly create: (context: ProviderContext) => Provider;
}

/** Declares a provider: checks what a type cannot (keys, roles) when the module loads. */
export function defineProvider<D extends ProviderDeclaration>(declaration: D): D {
  if (!/^[a-z][a-z0-9-]*$/.test(declaration.name)) throw new Error(`provider name "${declaration.name}" must be lower-case letters, digits and dashes`);
  for (const key of [...Object.keys(declaration.settings), ...Object.keys(declaration.secrets)]) {
    if (!/^[a-z][A-Za-z0-9]*$/.test(key)) throw new Error(`${declaration.name}: field "${key}" must be camelCase`);
  }
  const both = Object.keys(declaration.settings).filter((k) => k in declaration.secrets);
  if (both.length > 0) throw new Error(`${declaration.name}: ${both.join(', ')} cannot be both a setting and a secret`);
  for (const role of Object.keys(declaration.offers) as Role[]) {
    if (!declaration.roles.includes(role)) throw new Error(`${declaration.name}: offers values for ${role}, which it does not serve`);
  }
  return declaration;
}

/** A required text value (trimmed, not empty). */
export const requiredText = (): z.ZodType<string> => z.string().trim().min(1, 'is required');

/** An optional text value: empty or blank reads as unset. */
export const optionalText = (): z.ZodType<string | undefined> =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined));

/** One of a fixed set of values. */
export const oneOf = <T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number]> =>
  z.enum(values, { error: () => `must be one of ${values.join(', ')}` });

/** An optional http(s) origin such as https://accounts.example.com (no path, query or credentials). */
export const optionalOrigin = (): z.ZodType<string | undefined> =>
  optionalText().refine((v) => v === undefined || isOrigin(v), 'must be an http(s) origin such as https://api.example.com (no path)');

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** The schema of a provider's settings or secrets as stored: one object, no unknown keys. */
export function fieldsSchema(fields: Readonly<Record<string, FieldDeclaration>>): z.ZodType<Readonly<Record<string, string | undefined>>> {
  return z.strictObject(Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, field.schema])));
}

/** The settings that decide where or for whom the secrets are sent. */
export function secretBinding(declaration: ProviderDeclaration): string[] {
  return Object.entries(declaration.settings)
    .filter(([, field]) => field.bindsSecrets)
    .map(([key]) => key);
}

/** A URL's host (with its port): never its user info, path or query, which may hold a secret. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}
