import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FieldDeclaration, Label, ProviderDeclaration } from '../../connectors/declaration.ts';
import { PROVIDERS } from '../../connectors/registry.ts';
import { LOCALES, type Locale } from '../../vocabulary/locales.ts';
import { ROLES } from '../../vocabulary/roles.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

const field = z.object({
  key: z.string(),
  label: z.string(),
  help: z.string(),
  required: z.boolean(),
  choices: z.array(z.string()).nullable().describe('The values it takes, when they are a fixed set (a dropdown).'),
  roles: z.array(z.enum(ROLES)).nullable().describe('Only these roles read it; null: every role the provider serves.'),
  bindsSecrets: z.boolean().describe('Changing it drops the stored secrets unless new ones come in the same request.'),
  baseUrl: z.boolean().describe("A base URL: through the admin API only the service's own hosts, unless RENKEI_CUSTOM_SERVICE_URLS=1."),
});

const provider = z
  .object({
    name: z.string(),
    label: z.string(),
    roles: z.array(z.enum(ROLES)),
    serves: z.record(z.string(), z.string()).describe('Per role: what the provider runs it with.'),
    connection: z.object({
      kind: z.enum(['none', 'oauth2-code', 'key']),
      scopes: z.record(z.string(), z.array(z.string())).nullable().describe('OAuth 2: the scopes each role needs.'),
      grants: z
        .array(z.string())
        .nullable()
        .describe(
          'OAuth 2 with a browser consent (POST …/integrations/{role}/connect): the secrets the grant supplies; null when it cannot be connected that way.',
        ),
      registerHint: z
        .string()
        .nullable()
        .describe('OAuth 2 with a browser consent: where in the service the redirect URI is registered, for the Connect form.'),
      consoleLabel: z.string().nullable().describe("The words of the link to the service's console (GET …/oauth/redirect-uri gives its URL)."),
    }),
    settings: z.array(field),
    secrets: z.array(field).describe('Write-only: the admin API never returns their values.'),
    offers: z.record(z.string(), z.array(z.string())).describe('Per role: the block fields whose values it lists (GET …/integrations/{role}/options).'),
  })
  .meta({ id: 'Provider' });

/** The locale a request asks for: `?locale=`, else the first of Accept-Language that Renkei has, else English. */
export function localeOf(query: Locale | undefined, acceptLanguage: string | undefined): Locale {
  if (query) return query;
  const first = acceptLanguage?.split(',')[0]?.trim().slice(0, 2).toLowerCase();
  return LOCALES.find((l) => l === first) ?? 'en';
}

function describeFields(fields: Readonly<Record<string, FieldDeclaration>>, locale: Locale): Array<z.infer<typeof field>> {
  return Object.entries(fields).map(([key, f]) => ({
    key,
    label: f.label[locale],
    help: f.help[locale],
    required: f.required,
    choices: f.choices ? [...f.choices] : null,
    roles: f.roles ? [...f.roles] : null,
    bindsSecrets: f.bindsSecrets ?? false,
    baseUrl: f.baseUrl ?? false,
  }));
}

/** A provider's declaration as the admin pages read it, in one language. */
export function describeProvider(p: ProviderDeclaration, locale: Locale): z.infer<typeof provider> {
  const text = (label: Label) => label[locale];
  return {
    name: p.name,
    label: text(p.label),
    roles: [...p.roles],
    serves: Object.fromEntries(Object.entries(p.serves).map(([role, label]) => [role, text(label)])),
    connection: {
      kind: p.connection.kind,
      scopes: p.connection.kind === 'oauth2-code' ? Object.fromEntries(Object.entries(p.connection.scopes).map(([r, s]) => [r, [...(s ?? [])]])) : null,
      grants: p.connection.kind === 'oauth2-code' && p.connection.flow ? [...p.connection.flow.grants] : null,
      registerHint: p.connection.kind === 'oauth2-code' && p.connection.flow ? text(p.connection.flow.registerHint) : null,
      consoleLabel: p.connection.kind === 'oauth2-code' && p.connection.flow?.consoleLabel ? text(p.connection.flow.consoleLabel) : null,
    },
    settings: describeFields(p.settings, locale),
    secrets: describeFields(p.secrets, locale),
    offers: Object.fromEntries(Object.entries(p.offers).map(([role, fields]) => [role, [...(fields ?? [])]])),
  };
}

/** The providers this installation has, as declared: what the Integrations page builds its forms from. */
export const adminProvidersRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/providers',
    {
      schema: {
        ...ADMIN,
        summary: 'The providers, their settings and secrets, and how they connect',
        description: 'Labels in `locale` (default: the first language of Accept-Language that Renkei has, else English).',
        querystring: z.object({ locale: z.enum(LOCALES).optional() }),
        response: { 200: z.object({ items: z.array(provider) }), ...adminErrors },
      },
    },
    async (request) => {
      const locale = localeOf(request.query.locale, request.headers['accept-language']);
      return { items: PROVIDERS.map((p) => describeProvider(p, locale)) };
    },
  );
};
