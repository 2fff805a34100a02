import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FieldValues } from '../../connectors/provider.ts';
import type { Providers } from '../../connectors/registry.ts';
import { ROLES } from '../../vocabulary/roles.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { getIntegration } from '../../store/integrations.ts';
import type { Store } from '../../store/store.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

const choice = z.object({ value: z.string(), label: z.string() });

const roleOptions = z
  .object({
    role: z.enum(ROLES),
    provider: z.string().nullable().describe('The configured provider; null when the role has no integration.'),
    fields: z
      .record(z.string(), z.array(choice))
      .describe('Per block field (department, assignee, list, status, priority, classification, stage): the values to offer.'),
    note: z.string().nullable().describe('Why some values cannot be offered.'),
  })
  .meta({ id: 'IntegrationOptions' });

/** The values per field as the response carries them: every field present, a list of its own. */
function choices(fields: FieldValues | undefined): Record<string, Array<{ value: string; label: string }>> {
  return Object.fromEntries(Object.entries(fields ?? {}).flatMap(([k, v]) => (v ? [[k, v.map((c) => ({ ...c }))]] : [])));
}

export interface AdminOptionsOptions {
  readonly store: Store;
  readonly secretBox: () => SecretBox;
  /** The connectors' providers: their directory caches and the installation's shared access tokens. */
  readonly providers: Providers;
}

/** What the builder's dropdowns offer for a role's blocks, from the configured integration. */
export const adminOptionsRoutes: FastifyPluginAsyncZod<AdminOptionsOptions> = async (app, { store, secretBox, providers }) => {
  app.get(
    '/integrations/:role/options',
    {
      schema: {
        ...ADMIN,
        summary: "Values the role's integration offers for block fields (departments, agents, lists …)",
        description:
          "What the configured provider lists: the built-in directory, or the service's departments, agents and lists (cached for minutes). When the service cannot be asked, `note` says why, values known without it are still offered, and the builder takes a typed name or id.",
        params: z.object({ role: z.enum(ROLES) }),
        querystring: z.object({
          refresh: z.enum(['true', 'false']).optional().describe("`true` asks the service again instead of using the cached values (the builder's refresh)."),
        }),
        response: { 200: roleOptions, ...adminErrors },
      },
    },
    async (request) => {
      const { role } = request.params;
      let unreadable: string | null = null;
      const integration = await getIntegration(store.db, role, (blob) => secretBox().open(blob)).catch((error: unknown) => {
        unreadable = `its credentials cannot be decrypted (${error instanceof Error ? error.message : String(error)})`;
        return getIntegration(store.db, role);
      });
      if (!integration) return { role, provider: null, fields: {}, note: `no ${role} integration is configured` };
      const provider = providers[integration.provider];
      const unlisted = (why: string) => ({
        role,
        provider: integration.provider,
        fields: choices(provider?.fixedValues?.(role)),
        note: `${why}; type a name or id and the connector resolves it when the block runs`,
      });
      if (unreadable) return unlisted(`the ${integration.provider} directory cannot be listed: ${unreadable}`);
      if (!provider?.listValues) return unlisted(`the ${integration.provider} directory cannot be listed`);
      try {
        const offered = await provider.listValues(role, integration, { refresh: request.query.refresh === 'true' });
        return { role, provider: integration.provider, fields: choices(offered.fields), note: offered.note ?? null };
      } catch (error) {
        return unlisted(`the ${integration.provider} directory could not be read (${error instanceof Error ? error.message : String(error)})`);
      }
    },
  );
};
