import type { FastifyInstance, FastifyRequest, onSendHookHandler } from 'fastify';
import { integrationChange, recordAudit, type Actor, type AuditEntry } from '../store/audit.ts';
import type { Store } from '../store/store.ts';

/**
 * Which admin requests the audit log records, by route, and what it keeps of each. A route's
 * handler stays as it is: once it has answered with success, the hook below appends the entry
 * before the answer leaves, so whoever sees the success can see the entry.
 *
 * Personal-data exports and erasures, and retention changes, record their entries themselves, in
 * the same transaction as what they do.
 */
type Describe = (request: FastifyRequest, answer: Record<string, unknown>) => Omit<AuditEntry, 'actor' | 'address'> | undefined;

const param = (request: FastifyRequest, name: string): string => String((request.params as Record<string, unknown> | undefined)?.[name] ?? '');
const body = (request: FastifyRequest): Record<string, unknown> =>
  request.body !== null && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};

/** What an integration change keeps: the provider and which settings were given — never a secret's value. */
function integrationChangeOf(request: FastifyRequest): Omit<AuditEntry, 'actor' | 'address'> {
  const { provider, settings, secrets } = body(request);
  return integrationChange(param(request, 'role'), provider, settings, secrets !== undefined && secrets !== null);
}

const version = (answer: Record<string, unknown>): Record<string, unknown> => ({ version: answer['version'] });

export const AUDITED: Readonly<Record<string, Describe>> = {
  'PUT /api/v1/admin/bots/:id': (r, a) => ({ action: 'bot.save', target: `bot:${param(r, 'id')}`, details: version(a) }),
  'POST /api/v1/admin/bots/:id/publish': (r, a) => ({ action: 'bot.publish', target: `bot:${param(r, 'id')}`, details: version(a) }),
  'POST /api/v1/admin/bots/:id/rollback': (r, a) => ({ action: 'bot.rollback', target: `bot:${param(r, 'id')}`, details: version(a) }),
  'PUT /api/v1/admin/integrations/:role': (r) => integrationChangeOf(r),
  'POST /api/v1/admin/integrations/:role/enable': (r) => ({ action: 'integration.enable', target: `integration:${param(r, 'role')}` }),
  'POST /api/v1/admin/integrations/:role/disable': (r) => ({ action: 'integration.disable', target: `integration:${param(r, 'role')}` }),
  'DELETE /api/v1/admin/integrations/:role': (r) => ({ action: 'integration.disconnect', target: `integration:${param(r, 'role')}` }),
  // The OAuth connection (DESIGN.md "Connecting with OAuth"): started with the admin token, finished by the service's redirect.
  'POST /api/v1/admin/integrations/:role/connect': (r) => ({
    action: 'integration.connect',
    target: `integration:${param(r, 'role')}`,
    details: { provider: body(r)['provider'] },
  }),
  'GET /api/v1/admin/integrations/oauth/callback': () => ({ action: 'integration.connected', target: 'integration' }),
  'POST /api/v1/auth/login': () => ({ action: 'account.sign_in' }),
  'POST /api/v1/auth/logout': () => ({ action: 'account.sign_out' }),
  'POST /api/v1/auth/password': () => ({ action: 'account.password' }),
  'POST /api/v1/auth/invitations/:token': () => ({ action: 'account.invitation_accepted' }),
  // The account's email and role; never its password.
  'POST /api/v1/admin/users': (r, a) => ({
    action: 'account.create',
    target: `account:${String((a['account'] as Record<string, unknown> | undefined)?.['id'] ?? '')}`,
    details: { email: body(r)['email'], role: body(r)['role'], invited: body(r)['password'] === undefined },
  }),
  'PATCH /api/v1/admin/users/:id': (r) => ({ action: 'account.change', target: `account:${param(r, 'id')}`, details: { ...body(r) } }),
  'POST /api/v1/admin/users/:id/invitation': (r) => ({ action: 'account.invite', target: `account:${param(r, 'id')}` }),
  'PUT /api/v1/admin/business-hours': (r) => ({ action: 'business_hours.change', target: 'business_hours', details: { ...body(r) } }),
  // The URL, format and events; never the secret.
  'POST /api/v1/admin/event-webhooks': (r, a) => ({
    action: 'event_webhook.create',
    target: `event_webhook:${String(a['id'] ?? '')}`,
    details: { url: body(r)['url'], format: body(r)['format'], events: body(r)['events'] },
  }),
  'DELETE /api/v1/admin/event-webhooks/:id': (r) => ({ action: 'event_webhook.delete', target: `event_webhook:${param(r, 'id')}` }),
};

/**
 * Who made a request: a signed-in account (by its id and email) when a session opened it — sign-in
 * included, once it succeeded — else the admin token, the OAuth redirect, or the address a failed
 * sign-in named.
 */
export function actorOf(request: FastifyRequest): Actor {
  if (request.account) return { kind: 'account', id: request.account.id, name: request.account.email };
  if (request.routeOptions.url === '/api/v1/auth/login') {
    const email = body(request)['email'];
    return { kind: 'account', name: typeof email === 'string' ? email : null };
  }
  if (request.routeOptions.url === '/api/v1/admin/integrations/oauth/callback') return { kind: 'system', name: 'OAuth redirect' };
  return { kind: 'token', name: 'admin token' };
}

/** The client's address as Fastify resolved it (RENKEI_TRUST_PROXY decides whose X-Forwarded-For counts). */
export const addressOf = (request: FastifyRequest): string => request.ip;

export const auditContext = (request: FastifyRequest): Pick<AuditEntry, 'actor' | 'address'> => ({
  actor: actorOf(request),
  address: addressOf(request),
});

function parsedAnswer(payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'string') return {};
  try {
    const parsed = JSON.parse(payload) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Appends an entry for each successful audited request (see AUDITED), before its answer is sent. */
export function installAuditTrail(app: FastifyInstance, store: Store): void {
  // Only the audited routes get the hook (added as each route is declared): every other request,
  // visitors' turns included, pays nothing for the audit log.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const described = methods.flatMap((method) => {
      const describe = AUDITED[`${method} ${route.url}`];
      return describe ? [[method, describe] as const] : [];
    });
    if (described.length === 0) return;
    const byMethod = new Map<string, Describe>(described);
    // A callback hook, as the others on a request's way.
    const audit: onSendHookHandler = (request, reply, payload, done) => {
      const describe = byMethod.get(request.method);
      const entry = describe && reply.statusCode < 400 ? describe(request, parsedAnswer(payload)) : undefined;
      if (!entry) {
        done(null, payload);
        return;
      }
      recordAudit(store.db, { ...auditContext(request), ...entry }).then(
        () => done(null, payload),
        (error: unknown) => {
          // What was done is done: the answer says so, and the log says the entry is missing.
          request.log.error({ err: error, action: entry.action }, 'could not append to the audit log');
          done(null, payload);
        },
      );
    };
    const hooks = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
    route.onSend = [...hooks, audit];
  });
}
