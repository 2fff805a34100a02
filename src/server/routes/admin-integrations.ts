import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHECK_PROBLEM_CODES, type IntegrationCheck } from '../../vocabulary/integration.ts';
import type { ProviderDeclaration } from '../../connectors/declaration.ts';
import { foreignBaseUrl, movedBinding, parseFields, unservedRole, type FieldProblem, type FieldValuesIn } from '../../connectors/integration-settings.ts';
import { declarationOf, dropUnusedTokens, PROVIDER_NAMES, type Providers } from '../../connectors/registry.ts';
import { ROLES, type Role } from '../../vocabulary/roles.ts';
import { SecretKeyError, type SecretBox } from '../../secrets/secret-box.ts';
import {
  disconnectIntegration,
  getIntegration,
  listIntegrations,
  recordIntegrationCheck,
  setIntegration,
  setIntegrationEnabled,
  type IntegrationSummary,
} from '../../store/integrations.ts';
import { reasonOf, StoreError } from '../../store/errors.ts';
import type { Store } from '../../store/store.ts';
import { voidOAuthStates } from '../../store/oauth-states.ts';
import { ApiError, errorBody } from '../errors.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

export interface AdminIntegrationsOptions {
  readonly store: Store;
  readonly secretBox: () => SecretBox;
  /** The connectors' providers: a check uses the installation's shared access tokens, not a refresh of its own. */
  readonly providers: Providers;
  /** RENKEI_CUSTOM_SERVICE_URLS: base URLs may name any host, not only the service's own. */
  readonly customServiceUrls: boolean;
}

const strings = z.record(z.string(), z.string().max(4000));

/** An integration as the admin sees it: settings yes, secrets never (only whether there are any). */
const integration = z
  .object({
    role: z.enum(ROLES),
    provider: z.string(),
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

const organizationItem = z.object({ id: z.string(), name: z.string() }).meta({ id: 'ServiceOrganization' });

const setBody = z
  .object({
    provider: z.enum(PROVIDER_NAMES),
    settings: strings.default({}).describe('Non-secret settings, as the provider declares them (GET /api/v1/admin/providers).'),
    secrets: strings
      .optional()
      .describe(
        "Write-only credentials, as the provider declares them, sealed at rest. Omit to keep the stored ones — unless a setting that decides where or for whom they are sent (a provider's `bindsSecrets` settings) changes: then the stored ones are dropped.",
      ),
  })
  .strict();

const checkResult = z.object({
  ok: z.boolean(),
  message: z.string().optional().describe('What went wrong, in English (for logs and scripts).'),
  problem: z
    .object({ code: z.enum(CHECK_PROBLEM_CODES), params: z.record(z.string(), z.string()) })
    .optional()
    .describe("What went wrong as a code and its parameters, which the admin app words in the admin's language."),
  integration,
});

function refuse(problem: FieldProblem): never {
  const field = problem.key ? `${problem.part}.${problem.key}` : problem.part;
  throw new ApiError(400, 'invalid_request', `${field}: ${problem.message}`, field);
}

function parsed(declaration: ProviderDeclaration, part: 'settings' | 'secrets', value: unknown): FieldValuesIn {
  const result = parseFields(declaration, part, value);
  if (!result.ok) refuse(result.problem);
  return result.data;
}

/** The stored settings as the provider reads them; unreadable ones count as different from any new ones. */
function storedSettings(declaration: ProviderDeclaration, json: string): FieldValuesIn | undefined {
  try {
    const result = parseFields(declaration, 'settings', JSON.parse(json));
    return result.ok ? result.data : undefined;
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
          "Replaces the role's integration (enabled, status unchecked; builtin is ok at once). Secrets are sealed with the secret box and never returned.",
        params: roleParams,
        body: setBody,
        response: { 200: integration, ...adminErrors },
      },
    },
    async (request) => {
      const { role } = request.params;
      const { provider, settings, secrets } = request.body;
      const declaration = declarationOf(provider);
      if (!declaration) throw new ApiError(400, 'invalid_request', `provider: unknown provider "${provider}"`, 'provider');
      if (!declaration.roles.includes(role)) {
        throw new ApiError(400, 'invalid_request', `provider: the ${provider} provider cannot serve the ${role} role`, 'provider');
      }
      const given = parsed(declaration, 'settings', settings);
      const unserved = unservedRole(declaration, role, given);
      if (unserved) refuse(unserved);
      const kept = await db.selectFrom('integrations').select(['provider', 'settings', 'secrets']).where('role', '=', role).executeTakeFirst();
      const before = kept?.provider === provider ? storedSettings(declaration, kept.settings) : undefined;
      // Base URLs name only the service's own hosts, so a stolen admin token cannot send stored
      // credentials elsewhere; a value the operator stored with the CLI may stay as it is.
      if (!opts.customServiceUrls) {
        const foreign = foreignBaseUrl(declaration, given, before);
        if (foreign) refuse(foreign);
      }
      let sealed: string | null = null;
      let dropped: string | undefined;
      if (Object.keys(declaration.secrets).length === 0) {
        if (secrets && Object.keys(secrets).length > 0) {
          throw new ApiError(400, 'invalid_request', `the ${provider} provider takes no secrets`, 'secrets');
        }
      } else if (secrets === undefined) {
        if (kept?.provider !== provider || kept.secrets === null) {
          throw new ApiError(400, 'invalid_request', `secrets are required for a new ${provider} integration`, 'secrets');
        }
        // Stored secrets stay only where and for whom they were given: never sent to a new place.
        const moved = movedBinding(declaration, before, given);
        if (moved.length === 0) sealed = kept.secrets;
        else dropped = `the stored credentials were dropped because ${moved.join(', ')} changed: set them again`;
      } else {
        parsed(declaration, 'secrets', secrets);
        sealed = box().seal(secrets);
      }
      // A consent under way for the role would undo this when it comes back: it is voided.
      await store.transact(async (trx) => {
        await voidOAuthStates(trx, [role]);
        await setIntegration(trx, role, provider, settings, sealed, dropped);
      });
      // The old credentials' access tokens go with them; the integration is set either way.
      await dropUnusedTokens(store, (blob) => opts.secretBox().open(blob)).catch((error: unknown) =>
        request.log.warn({ role, err: reasonOf(error) }, 'could not drop the access tokens of replaced credentials'),
      );
      request.log.info({ role, provider, ...(dropped ? { secretsDropped: true } : {}) }, 'integration set');
      return summary(role);
    },
  );

  app.delete(
    '/integrations/:role',
    {
      schema: {
        ...ADMIN,
        summary: "Disconnect the role's service: the role goes back to the built-in store",
        description:
          "The role's provider becomes builtin (enabled, ok); its settings and sealed secrets are erased, and the access tokens they earned are dropped from the database. Blocks of the role create records in the built-in store from then on. Recorded in the audit log as integration.disconnect.",
        params: roleParams,
        response: { 200: integration, ...adminErrors },
      },
    },
    async (request) => {
      const { role } = request.params;
      // Voids the role's consents under way too: they would connect it again when they come back.
      await store.transact((trx) => disconnectIntegration(trx, role));
      // The erased credentials' access tokens go with them; the role is disconnected either way.
      await dropUnusedTokens(store, (blob) => opts.secretBox().open(blob)).catch((error: unknown) =>
        request.log.warn({ role, err: reasonOf(error) }, 'could not drop the access tokens of disconnected credentials'),
      );
      request.log.info({ role }, 'integration disconnected');
      return summary(role);
    },
  );

  /** The role's integration with its secrets opened; 404 when none, 409 when they cannot be decrypted. */
  const opened = async (role: Role) => {
    const found = await getIntegration(db, role, (blob) => box().open(blob)).catch((error: unknown) => {
      if (error instanceof ApiError || error instanceof StoreError) throw error;
      throw new ApiError(409, 'secrets_unreadable', `the ${role} integration's credentials cannot be decrypted: ${reasonOf(error)}`);
    });
    if (!found) throw new ApiError(404, 'integration_not_found', `no ${role} integration is configured`);
    return found;
  };
  /** The organisations the stored credentials see; 404 when the role picks none, 502 when the service cannot list them. */
  const organizationsOf = async (role: Role) => {
    const found = await opened(role);
    const provider = opts.providers[found.provider];
    const listed = await provider?.organizations?.(role, found).catch((error: unknown) => {
      throw new ApiError(502, 'service_unavailable', `the ${found.provider} organisations could not be listed: ${reasonOf(error)}`);
    });
    if (!listed) throw new ApiError(404, 'no_organizations', `the ${found.provider} ${role} integration picks no organisation`);
    return { found, listed };
  };

  app.get(
    '/integrations/:role/organizations',
    {
      schema: {
        ...ADMIN,
        summary: 'The organisations the stored credentials can see (Zoho Desk portals), to pick one',
        params: roleParams,
        response: { 200: z.object({ items: z.array(organizationItem), orgId: z.string().nullable() }), ...adminErrors, 502: errorBody },
      },
    },
    async (request) => {
      const { found, listed } = await organizationsOf(request.params.role);
      return { items: listed.map(({ id, name }) => ({ id, name })), orgId: found.settings['orgId'] ?? null };
    },
  );

  app.put(
    '/integrations/:role/organization',
    {
      schema: {
        ...ADMIN,
        summary: 'Pick the organisation the integration works in, keeping its credentials',
        description:
          'Only an organisation the stored credentials themselves list is accepted, so the credentials keep going to the same service for the same account: unlike a change of `orgId` through PUT /integrations/{role} (a `bindsSecrets` setting, which drops them), this keeps them — what choosing the Desk organisation right after Connect with Zoho needs.',
        params: roleParams,
        body: z.object({ orgId: z.string().trim().min(1).max(200) }).strict(),
        response: { 200: integration, ...adminErrors, 502: errorBody },
      },
    },
    async (request) => {
      const { role } = request.params;
      const { orgId } = request.body;
      const { found, listed } = await organizationsOf(role);
      if (!listed.some((o) => o.id === orgId)) {
        throw new ApiError(
          400,
          'invalid_request',
          `orgId: these credentials see no organisation "${orgId}" (they see ${listed.map((o) => o.id).join(', ') || 'none'})`,
          'orgId',
        );
      }
      const kept = await db.selectFrom('integrations').select(['provider', 'secrets']).where('role', '=', role).executeTakeFirst();
      if (!kept || kept.provider !== found.provider) throw new ApiError(409, 'integration_changed', `the ${role} integration changed meanwhile: try again`);
      await setIntegration(db, role, found.provider, { ...found.settings, orgId }, kept.secrets);
      request.log.info({ role, provider: found.provider }, 'integration organisation picked');
      return summary(role);
    },
  );

  app.post(
    '/integrations/:role/check',
    {
      schema: {
        ...ADMIN,
        summary: "Prove the role's credentials work with one cheap read",
        description: "builtin is always ok. The result is recorded as the integration's last success or failure.",
        params: roleParams,
        response: { 200: checkResult, ...adminErrors },
      },
    },
    async (request) => {
      const { role } = request.params;
      const found = await opened(role);
      const provider = opts.providers[found.provider];
      let result: IntegrationCheck;
      if (!found.enabled) {
        result = { ok: false, message: `the ${role} integration is disabled (enable it first)`, problem: { code: 'disabled', params: {} } };
      } else if (!provider || !provider.roles.includes(role)) {
        result = {
          ok: false,
          message: `the ${found.provider} provider cannot serve the ${role} role in this installation`,
          problem: { code: 'provider_unavailable', params: { provider: found.provider } },
        };
      } else {
        result = provider.checkIntegration ? await provider.checkIntegration(role, found) : { ok: true };
      }
      // A disabled integration was not checked: nothing to record.
      if (found.enabled) await recordIntegrationCheck(db, role, result);
      return {
        ok: result.ok,
        ...(result.ok ? {} : { message: result.message, ...(result.problem ? { problem: result.problem } : {}) }),
        integration: await summary(role),
      };
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
