import { createHash, randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthRefusal, type OAuthFlow, type ProviderDeclaration } from '../../connectors/declaration.ts';
import { foreignBaseUrl, parseFields, storedValues, unservedRole, type FieldProblem } from '../../connectors/integration-settings.ts';
import { declarationOf, dropUnusedTokens, PROVIDER_NAMES } from '../../connectors/registry.ts';
import type { RevokeOutcome } from '../../connectors/remote/oauth-revoke.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { setIntegration } from '../../store/integrations.ts';
import { claimOAuthState, finishOAuthState, OAUTH_STATE_TTL_MS, saveOAuthState } from '../../store/oauth-states.ts';
import type { Store } from '../../store/store.ts';
import { ROLES, type Role } from '../../vocabulary/roles.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

/** Where the service sends the browser back, under the admin prefix (DESIGN.md "Connecting with OAuth"). */
export const CALLBACK_PATH = '/api/v1/admin/integrations/oauth/callback';
/** The cookie that ties a consent to the browser that started it. */
const BROWSER_COOKIE = 'renkei_oauth';
const INTEGRATIONS_PAGE = '/admin/integrations';

export interface OAuthRoutesOptions {
  readonly store: Store;
  readonly secretBox: () => SecretBox;
  readonly customServiceUrls: boolean;
  /** RENKEI_PUBLIC_URL: the origin browsers reach Renkei at; unset, the request's own. */
  readonly publicUrl: string | null;
}

const hash = (value: string): string => createHash('sha256').update(value).digest('hex');

function publicOrigin(opts: OAuthRoutesOptions, request: FastifyRequest): string {
  return opts.publicUrl ?? `${request.protocol}://${request.host}`;
}

function refuse(problem: FieldProblem): never {
  const field = problem.key ? `${problem.part}.${problem.key}` : problem.part;
  throw new ApiError(400, 'invalid_request', `${field}: ${problem.message}`, field);
}

/** A provider connected by an OAuth authorization code, with its browser flow. */
function oauthProvider(name: string): { declaration: ProviderDeclaration; flow: OAuthFlow; scopes: Readonly<Partial<Record<Role, readonly string[]>>> } {
  const declaration = declarationOf(name);
  if (!declaration) throw new ApiError(400, 'invalid_request', `provider: unknown provider "${name}"`, 'provider');
  const connection = declaration.connection;
  if (connection.kind !== 'oauth2-code' || !connection.flow) {
    throw new ApiError(400, 'invalid_request', `provider: the ${name} provider is not connected with OAuth; set its integration instead`, 'provider');
  }
  return { declaration, flow: connection.flow, scopes: connection.scopes };
}

const connectBody = z
  .object({
    provider: z.enum(PROVIDER_NAMES),
    settings: z.record(z.string(), z.string().max(4000)).default({}),
    secrets: z.record(z.string(), z.string().max(4000)).default({}).describe('Write-only: the client secret. The grant supplies the refresh token.'),
    roles: z
      .array(z.enum(ROLES))
      .max(ROLES.length)
      .optional()
      .describe('Other roles the same consent connects (one consent may cover every role the provider serves); the path role is always one.'),
  })
  .strict();

/**
 * `POST /integrations/{role}/connect` and the redirect URI to register (admin token); the
 * callback itself is `oauthCallbackRoutes`, outside the admin token (the state is its proof).
 */
export const adminOAuthRoutes: FastifyPluginAsyncZod<OAuthRoutesOptions> = async (app, opts) => {
  app.get(
    '/integrations/oauth/redirect-uri',
    {
      schema: {
        ...ADMIN,
        summary: 'The redirect URI to register with the service, and where to register it',
        description:
          "Besides `provider`, the query may hold the provider's settings that decide where its console is (Zoho's `dc`); the console's address is null when it has none or they are not given.",
        // Settings are the provider's own (declared in its folder), so any key is let through to its flow.
        querystring: z.object({ provider: z.enum(PROVIDER_NAMES).optional() }).catchall(z.string().max(200)),
        response: { 200: z.object({ redirectUri: z.string(), consoleUrl: z.string().nullable() }), ...adminErrors },
      },
    },
    async (request) => {
      const { provider, ...query } = request.query;
      const declaration = provider ? declarationOf(provider) : undefined;
      const flow = declaration?.connection.kind === 'oauth2-code' ? declaration.connection.flow : undefined;
      // Only the provider's declared settings reach its flow, each as the string the query gave.
      const settings = Object.fromEntries(
        Object.keys(declaration?.settings ?? {}).map((key) => [key, typeof query[key] === 'string' ? query[key] : undefined]),
      );
      return { redirectUri: `${publicOrigin(opts, request)}${CALLBACK_PATH}`, consoleUrl: flow?.consoleUrl(settings) ?? null };
    },
  );

  app.post(
    '/integrations/:role/connect',
    {
      schema: {
        ...ADMIN,
        summary: "Start connecting a role's integration with OAuth",
        description:
          "Answers the service's consent page for the browser to open. The scopes are those of the roles connected; the state is single use, expires after 10 minutes and only works in the browser that asked (a cookie).",
        params: z.object({ role: z.enum(ROLES) }),
        body: connectBody,
        response: { 200: z.object({ authorizeUrl: z.string(), redirectUri: z.string() }), ...adminErrors },
      },
    },
    async (request, reply) => {
      const { role } = request.params;
      const { provider, settings, secrets } = request.body;
      const { declaration, flow, scopes } = oauthProvider(provider);
      const roles = [...new Set<Role>([role, ...(request.body.roles ?? [])])];
      for (const r of roles) {
        if (!declaration.roles.includes(r)) throw new ApiError(400, 'invalid_request', `roles: the ${provider} provider cannot serve the ${r} role`, 'roles');
      }
      const given = parseFields(declaration, 'settings', settings);
      if (!given.ok) refuse(given.problem);
      for (const r of roles) {
        const unserved = unservedRole(declaration, r, given.data);
        if (unserved) refuse(unserved);
      }
      if (!opts.customServiceUrls) {
        const foreign = foreignBaseUrl(declaration, given.data, undefined);
        if (foreign) refuse(foreign);
      }
      // The admin gives every secret but the ones the grant supplies.
      const asked = Object.fromEntries(Object.entries(declaration.secrets).filter(([key]) => !flow.grants.includes(key)));
      const givenSecrets = parseFields({ ...declaration, secrets: asked }, 'secrets', secrets);
      if (!givenSecrets.ok) refuse(givenSecrets.problem);

      const redirectUri = `${publicOrigin(opts, request)}${CALLBACK_PATH}`;
      const state = randomBytes(32).toString('base64url');
      const browser = randomBytes(32).toString('base64url');
      const wanted = [...new Set(roles.flatMap((r) => scopes[r] ?? []))];
      let authorizeUrl: string;
      try {
        authorizeUrl = flow.authorizeUrl(given.data, { scopes: wanted, redirectUri, state });
      } catch (err) {
        if (err instanceof OAuthRefusal) throw new ApiError(400, 'invalid_request', err.message);
        throw err;
      }
      const pending = {
        browserHash: hash(browser),
        provider,
        roles,
        settings: storedValues(given.data),
        secrets: opts.secretBox().seal(storedValues(givenSecrets.data)),
        redirectUri,
      };
      // The roles' earlier consents under way are voided with it: the last Connect wins.
      await opts.store.transact((trx) => saveOAuthState(trx, hash(state), pending));
      const secure = redirectUri.startsWith('https:') ? '; Secure' : '';
      reply.header('set-cookie', `${BROWSER_COOKIE}=${browser}; Path=${CALLBACK_PATH}; Max-Age=${OAUTH_STATE_TTL_MS / 1000}; HttpOnly; SameSite=Lax${secure}`);
      request.log.info({ role, roles, provider }, 'oauth consent started');
      return { authorizeUrl, redirectUri };
    },
  );
};

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

const callbackQuery = z
  .object({
    state: z.string().max(200).optional(),
    code: z.string().max(2000).optional(),
    error: z.string().max(200).optional(),
  })
  .loose();

/** The one answer for a state that cannot connect anything, whatever the reason: nothing is told apart. */
const unknownState = (): ApiError =>
  new ApiError(
    400,
    'invalid_request',
    'state: unknown, already used, expired (10 minutes), voided (the role was disconnected or set since), or started in another browser; start again from the Integrations page',
    'state',
  );

/** Why a consent whose code was traded connected nothing: it was voided meanwhile. */
const VOIDED =
  'the consent was voided while its code was traded (a role it covers was disconnected, set or connected again meanwhile), so nothing was connected';

/** Back to the Integrations page, with what happened for it to show. */
function toPage(params: Record<string, string>): string {
  return `${INTEGRATIONS_PAGE}?${new URLSearchParams(params)}`;
}

/**
 * `GET /integrations/oauth/callback`: where the service sends the browser back. No admin token:
 * the state (random, single use, at most 10 minutes old) and the cookie of the browser that
 * started the consent are the proof. An unknown, used, expired or voided state (its role was
 * disconnected or set since) gets 400 and changes nothing; otherwise the browser goes back to the
 * Integrations page (302), connected or told why not. A grant traded for and then not kept (the
 * state was voided during the trade, or storing failed) is revoked at the service, and the page
 * says whether it was or where to remove the app by hand.
 */
export const oauthCallbackRoutes: FastifyPluginAsyncZod<OAuthRoutesOptions> = async (app, opts) => {
  app.get(
    '/integrations/oauth/callback',
    {
      schema: {
        tags: ['admin'],
        summary: 'Where the service sends the browser back after its consent page',
        querystring: callbackQuery,
        response: { 302: z.null(), ...adminErrors },
      },
    },
    async (request, reply) => {
      const { state, code, error } = request.query;
      const browser = cookie(request, BROWSER_COOKIE);
      if (!state) throw new ApiError(400, 'invalid_request', 'state: missing; start again from the Integrations page', 'state');
      const pending = browser === undefined ? undefined : await claimOAuthState(opts.store.db, hash(state), hash(browser));
      if (!pending) throw unknownState();
      const stateHash = hash(state);
      // Nothing to connect: the claimed state goes (a void meanwhile may have taken it already).
      const release = () => finishOAuthState(opts.store.db, stateHash);
      reply.header('set-cookie', `${BROWSER_COOKIE}=; Path=${CALLBACK_PATH}; Max-Age=0; HttpOnly; SameSite=Lax`);
      const roles = pending.roles.join(',');
      if (error !== undefined) {
        await release();
        request.log.info({ roles, provider: pending.provider, error }, 'oauth consent refused');
        return reply.redirect(toPage({ oauth: 'denied', roles, reason: error }), 302);
      }
      if (!code) {
        await release();
        return reply.redirect(toPage({ oauth: 'failed', roles, reason: 'the service sent no code' }), 302);
      }
      const { declaration, flow } = oauthProvider(pending.provider);
      const box = opts.secretBox();
      const given = box.open(pending.secrets);
      let granted: Readonly<Record<string, string>>;
      const callback = new URLSearchParams(Object.entries(request.query).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));
      try {
        granted = await flow.exchange(pending.settings, given, { code, redirectUri: pending.redirectUri, callback });
      } catch (err) {
        await release();
        if (!(err instanceof OAuthRefusal)) throw err;
        request.log.warn({ roles, provider: pending.provider, reason: err.message }, 'oauth grant failed');
        return reply.redirect(toPage({ oauth: 'failed', roles, reason: err.message }), 302);
      }
      // A grant received and not kept is revoked at the service (best-effort): left live it would
      // stay among the user's authorized apps, and Zoho deletes a client's oldest refresh tokens.
      const revokeUnkept = async (): Promise<RevokeOutcome> => {
        const outcome = await flow
          .revoke(pending.settings, granted, { callback })
          .catch((err: unknown): RevokeOutcome => ({ revoked: false, message: `revoking the grant failed (${err instanceof Error ? err.name : 'error'})` }));
        if (outcome.revoked) request.log.info({ roles, provider: pending.provider }, 'unkept oauth grant revoked');
        else request.log.warn({ roles, provider: pending.provider, reason: outcome.message }, 'could not revoke an unkept oauth grant');
        return outcome;
      };
      // One transaction with the state's removal: a role disconnected or set while the code was
      // traded voided the state, and then nothing is written.
      let connected: boolean;
      try {
        const sealed = box.seal({ ...given, ...granted });
        connected = await opts.store.transact(async (trx) => {
          if (!(await finishOAuthState(trx, stateHash))) return false;
          for (const role of pending.roles) {
            if (declaration.roles.includes(role)) await setIntegration(trx, role, pending.provider, pending.settings, sealed);
          }
          return true;
        });
      } catch (err) {
        // The message only: a database error's detail may quote the row.
        request.log.error({ roles, provider: pending.provider, err: err instanceof Error ? err.message : String(err) }, 'could not store the oauth grant');
        const outcome = await revokeUnkept();
        await release().catch(() => false);
        return reply.redirect(
          toPage({ oauth: 'failed', roles, reason: `Renkei could not store the grant, so nothing was connected; ${outcome.message}. Connect again` }),
          302,
        );
      }
      if (!connected) {
        request.log.info({ roles, provider: pending.provider }, 'oauth consent voided while its code was traded');
        const outcome = await revokeUnkept();
        return reply.redirect(toPage({ oauth: 'voided', roles, reason: `${VOIDED}; ${outcome.message}` }), 302);
      }
      // The replaced credentials' access tokens go with them; the integration is connected either way.
      await dropUnusedTokens(opts.store, (blob) => box.open(blob)).catch((error: unknown) =>
        request.log.warn({ roles, err: error instanceof Error ? error.message : String(error) }, 'could not drop the access tokens of replaced credentials'),
      );
      request.log.info({ roles, provider: pending.provider }, 'integration connected with oauth');
      return reply.redirect(toPage({ oauth: 'connected', roles }), 302);
    },
  );
};
