import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROVIDER_NAMES, type IntegrationCheck, type ProviderName } from '../../vocabulary/integration.ts';
import { providersFor } from '../../connectors/registry.ts';
import { ROLES, type Role } from '../../vocabulary/roles.ts';
import { ZOHO_SECRET_BINDING, zohoSecrets, zohoServiceUrls, zohoSettings } from '../../connectors/zoho/provider.ts';
import { SecretKeyError, type SecretBox } from '../../secrets/secret-box.ts';
import {
  getIntegration,
  listIntegrations,
  recordIntegrationCheck,
  setIntegration,
  setIntegrationEnabled,
  type IntegrationSummary,
} from '../../store/integrations.ts';
import { reasonOf, StoreError } from '../../store/errors.ts';
import type { Store } from '../../store/store.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

export interface AdminIntegrationsOptions {
  readonly store: Store;
  readonly secretBox: () => SecretBox;
  /** RENKEI_CUSTOM_SERVICE_URLS: base URLs may name any host, not only the service's own. */
  readonly customServiceUrls: boolean;
}

const strings = z.record(z.string(), z.string().max(4000));

/** An integration as the admin sees it: settings yes, secrets never (only whether there are any). */
const integration = z
  .object({
    role: z.enum(ROLES),
    provider: z.enum(PROVIDER_NAMES),
    enabled: z.boolean(),
    status: z.enum(['ok', 'invalid', 'unchecked']),
    statusMessage: z.string().nullable(),
    settings: strings,
    hasSecrets: z.boolean(),
    lastSuccessAt: z.string().nullable(),
    lastFailureAt: z.string().nullable(),
    lastError: z.string().nullable(),
    updatedAt: z.string(),
  })
  .strip()
  .meta({ id: 'Integration' }) satisfies z.ZodType<IntegrationSummary>;

const roleParams = z.object({ role: z.enum(ROLES) });

const setBody = z
  .object({
    provider: z.enum(PROVIDER_NAMES),
    settings: strings.default({}).describe('Non-secret settings; zoho: dc, clientId, orgId, accountsUrl, apiUrl, defaultCompany.'),
    secrets: strings
      .optional()
      .describe(
        'Write-only credentials (zoho: clientSecret, refreshToken), sealed at rest. Omit to keep the stored ones — unless a setting that decides where or for whom they are sent (zoho: dc, clientId, orgId, accountsUrl, apiUrl) changes: then the stored ones are dropped.',
      ),
  })
  .strict();

const checkResult = z.object({ ok: z.boolean(), message: z.string().optional(), integration });

type Settings = Readonly<Record<string, string | undefined>>;

interface ProviderShape {
  readonly settings: z.ZodType<Settings>;
  readonly secrets: z.ZodType | null;
  /** Settings that decide where or for whom the secrets are sent: changing one drops the stored secrets. */
  readonly bindsSecrets: readonly string[];
  /** The origins each base-URL setting may name through the admin API (without RENKEI_CUSTOM_SERVICE_URLS). */
  readonly serviceUrls: (settings: Settings) => Readonly<Record<string, readonly string[]>>;
}

/** Each provider's settings and secrets, checked before anything is stored. */
const PROVIDER_SHAPES: Readonly<Record<ProviderName, ProviderShape>> = {
  builtin: { settings: z.object({}).strict(), secrets: null, bindsSecrets: [], serviceUrls: () => ({}) },
  zoho: {
    settings: zohoSettings.strict(),
    secrets: zohoSecrets.strict(),
    bindsSecrets: ZOHO_SECRET_BINDING,
    serviceUrls: (settings) => zohoServiceUrls(settings as z.infer<typeof zohoSettings>),
  },
};

function checkShape<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = [field, ...(issue?.path ?? []).map(String)].join('.');
  // The message names the field only: a zod message never quotes a secret's value, keep it so.
  throw new ApiError(400, 'invalid_request', `${path}: ${issue?.message ?? 'invalid'}`, path);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Base URLs through the admin API name only the service's own hosts, so a stolen admin token
 * cannot send stored credentials elsewhere. A value already stored for this provider (the
 * operator's, set with the CLI) may stay as it is.
 */
function checkServiceUrls(shape: ProviderShape, settings: Settings, before: Settings | undefined): void {
  for (const [key, allowed] of Object.entries(shape.serviceUrls(settings))) {
    const value = settings[key];
    if (value === undefined || value === before?.[key]) continue;
    const origin = originOf(value);
    if (origin !== undefined && allowed.includes(origin)) continue;
    throw new ApiError(
      400,
      'invalid_request',
      `settings.${key}: must be ${allowed.join(' or ')} for this data centre (other hosts only when the server runs with RENKEI_CUSTOM_SERVICE_URLS=1, or with the CLI)`,
      `settings.${key}`,
    );
  }
}

/** The stored settings as the provider reads them; unreadable ones count as different from any new ones. */
function storedSettings(shape: ProviderShape, json: string): Settings | undefined {
  try {
    const parsed = shape.settings.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Integrations: which service each role uses, with write-only credentials. */
export const adminIntegrationsRoutes: FastifyPluginAsyncZod<AdminIntegrationsOptions> = async (app, opts) => {
  const { store } = opts;
  const { db } = store;

  const summary = async (role: Role): Promise<IntegrationSummary> => {
    const found = await getIntegration(db, role);
    if (!found) throw new ApiError(404, 'integration_not_found', `no ${role} integration is configured`);
    const { secrets: _never, ...rest } = found;
    return rest;
  };
  const box = (): SecretBox => {
    try {
      return opts.secretBox();
    } catch (error) {
      if (error instanceof SecretKeyError) throw new ApiError(503, 'secret_key_unavailable', error.message);
      throw error;
    }
  };

  app.get(
    '/integrations',
    {
      schema: {
        ...ADMIN,
        summary: 'The integration of each configured role',
        response: { 200: z.object({ items: z.array(integration) }), ...adminErrors },
      },
    },
    async () => ({ items: await listIntegrations(db) }),
  );

  app.put(
    '/integrations/:role',
    {
      schema: {
        ...ADMIN,
        summary: "Set a role's integration",
        description:
          'Replaces the role\'s integration (enabled, status unchecked; builtin is ok at once). Secrets are sealed with the secret box and never returned.',
        params: roleParams,
        body: setBody,
        response: { 200: integration, ...adminErrors },
      },
    },
    async (request) => {
      const { role } = request.params;
      const { provider, settings, secrets } = request.body;
      const shape = PROVIDER_SHAPES[provider];
      const parsed = checkShape(shape.settings, settings, 'settings');
      const kept = await db.selectFrom('integrations').select(['provider', 'settings', 'secrets']).where('role', '=', role).executeTakeFirst();
      const before = kept?.provider === provider ? storedSettings(shape, kept.settings) : undefined;
      if (!opts.customServiceUrls) checkServiceUrls(shape, parsed, before);
      let sealed: string | null = null;
      let dropped: string | undefined;
      if (shape.secrets === null) {
        if (secrets && Object.keys(secrets).length > 0) {
          throw new ApiError(400, 'invalid_request', `the ${provider} provider takes no secrets`, 'secrets');
        }
      } else if (secrets === undefined) {
        if (kept?.provider !== provider || kept.secrets === null) {
          throw new ApiError(400, 'invalid_request', `secrets are required for a new ${provider} integration`, 'secrets');
        }
        // Stored secrets stay only where and for whom they were given: never sent to a new place.
        const moved = shape.bindsSecrets.filter((key) => before === undefined || before[key] !== parsed[key]);
        if (moved.length === 0) sealed = kept.secrets;
        else dropped = `the stored credentials were dropped because ${moved.join(', ')} changed: set them again`;
      } else {
        checkShape(shape.secrets, secrets, 'secrets');
        sealed = box().seal(secrets);
      }
      await setIntegration(db, role, provider, settings, sealed, dropped);
      request.log.info({ role, provider, ...(dropped ? { secretsDropped: true } : {}) }, 'integration set');
      return summary(role);
    },
  );

  app.post(
    '/integrations/:role/check',
    {
      schema: {
        ...ADMIN,
        summary: "Prove the role's credentials work with one cheap read",
        description: 'builtin is always ok. The result is recorded as the integration\'s last success or failure.',
        params: roleParams,
        response: { 200: checkResult, ...adminErrors },
      },
    },
    async (request) => {
      const { role } = request.params;
      const found = await getIntegration(db, role, (blob) => box().open(blob)).catch((error: unknown) => {
        if (error instanceof ApiError || error instanceof StoreError) throw error;
        throw new ApiError(409, 'secrets_unreadable', `the ${role} integration's credentials cannot be decrypted: ${reasonOf(error)}`);
      });
      if (!found) throw new ApiError(404, 'integration_not_found', `no ${role} integration is configured`);
      const provider = providersFor(store)[found.provider];
      let result: IntegrationCheck;
      if (!found.enabled) {
        result = { ok: false, message: `the ${role} integration is disabled (enable it first)` };
      } else if (!provider || !provider.roles.includes(role)) {
        result = { ok: false, message: `the ${found.provider} provider cannot serve the ${role} role in this installation` };
      } else {
        result = provider.checkIntegration ? await provider.checkIntegration(role, found) : { ok: true };
      }
      // A disabled integration was not checked: nothing to record.
      if (found.enabled) await recordIntegrationCheck(db, role, result);
      return { ok: result.ok, ...(result.ok ? {} : { message: result.message }), integration: await summary(role) };
    },
  );

  for (const enabled of [true, false]) {
    app.post(
      `/integrations/:role/${enabled ? 'enable' : 'disable'}`,
      {
        schema: {
          ...ADMIN,
          summary: enabled ? "Turn the role's integration back on" : "Turn the role's integration off (its blocks take integration_invalid)",
          params: roleParams,
          response: { 200: integration, ...adminErrors },
        },
      },
      async (request) => {
        await setIntegrationEnabled(db, request.params.role, enabled);
        return summary(request.params.role);
      },
    );
  }
};
