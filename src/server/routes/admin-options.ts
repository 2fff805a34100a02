import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Directory } from '../../connectors/provider.ts';
import { TICKET_VALUES } from '../../connectors/builtin/values.ts';
import { providersFor } from '../../connectors/registry.ts';
import { ROLES, type Role } from '../../vocabulary/roles.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { listAgents, listDepartments, listLists } from '../../store/directory.ts';
import { getIntegration } from '../../store/integrations.ts';
import type { Store } from '../../store/store.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

const choice = z.object({ value: z.string(), label: z.string() });
type Choice = z.infer<typeof choice>;

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


async function builtinFields(store: Store, role: Role): Promise<{ fields: Record<string, Choice[]>; note: string | null }> {
  const { db } = store;
  switch (role) {
    case 'helpdesk': {
      const [departments, agents] = await Promise.all([listDepartments(db), listAgents(db)]);
      return {
        fields: {
          department: departments.filter((d) => d.enabled).map((d) => ({ value: d.name, label: d.name })),
          assignee: agents.filter((a) => a.active).map((a) => ({ value: a.email, label: `${a.name} <${a.email}>` })),
          status: TICKET_VALUES.status,
          priority: TICKET_VALUES.priority,
          classification: TICKET_VALUES.classification,
        },
        note: null,
      };
    }
    case 'mailing':
      return { fields: { list: (await listLists(db)).map((l) => ({ value: l.name, label: l.name })) }, note: null };
    case 'crm':
      return { fields: {}, note: 'the built-in CRM keeps any deal stage as written' };
  }
}

/** A service's directory as dropdown values: names, which the connector resolves like ids. */
function directoryFields(role: Role, directory: Directory): Record<string, Choice[]> {
  switch (role) {
    case 'helpdesk':
      return {
        department: (directory.departments ?? []).map((d) => ({ value: d.name, label: d.name })),
        assignee: (directory.agents ?? []).map((a) => ({ value: a.email || a.id, label: a.name ? `${a.name} <${a.email}>` : a.email })),
        status: TICKET_VALUES.status,
        priority: TICKET_VALUES.priority,
        classification: TICKET_VALUES.classification,
      };
    case 'mailing':
      return { list: (directory.lists ?? []).map((l) => ({ value: l.name, label: l.name })) };
    case 'crm':
      return {};
  }
}

/** What the builder's dropdowns offer for a role's blocks, from the configured integration. */
export const adminOptionsRoutes: FastifyPluginAsyncZod<{ readonly store: Store; readonly secretBox: () => SecretBox }> = async (
  app,
  { store, secretBox },
) => {
  app.get(
    '/integrations/:role/options',
    {
      schema: {
        ...ADMIN,
        summary: "Values the role's integration offers for block fields (departments, agents, lists …)",
        description:
          "builtin: read from the built-in directory. zoho: read from Zoho Desk's departments and agents and Zoho Campaigns' lists (cached for minutes); when Zoho cannot be reached, `note` says why and the builder takes a typed name or id.",
        params: z.object({ role: z.enum(ROLES) }),
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
      if (integration.provider === 'builtin') return { role, provider: 'builtin', ...(await builtinFields(store, role)) };
      const unlisted = (why: string) => ({
        role,
        provider: integration.provider,
        fields: role === 'helpdesk' ? directoryFields(role, {}) : {},
        note: `${why}; type a name or id and the connector resolves it when the block runs`,
      });
      if (unreadable) return unlisted(`the ${integration.provider} directory cannot be listed: ${unreadable}`);
      const provider = providersFor(store)[integration.provider];
      if (!provider?.listDirectory) return unlisted(`the ${integration.provider} directory cannot be listed`);
      try {
        return { role, provider: integration.provider, fields: directoryFields(role, await provider.listDirectory(role, integration)), note: null };
      } catch (error) {
        return unlisted(`the ${integration.provider} directory could not be read (${error instanceof Error ? error.message : String(error)})`);
      }
    },
  );
};
