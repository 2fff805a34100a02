import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultInjector } from './faults.ts';
import { BodyTooLargeError, formParams, json, readBody, send } from './http.ts';
import type { ApiRequest, Reply, Route, Service } from './http.ts';
import { hasScopes, THROTTLE_BODY } from './oauth.ts';
import type { TokenStore } from './oauth.ts';

export const TOKEN_PATH = '/oauth/v2/token';
/** Zoho's revoke endpoint (`?token=` in the query, as Zoho documents it). */
export const REVOKE_PATH = '/oauth/v2/token/revoke';
/** Zoho's consent page, where an admin's browser is sent to approve a grant. */
export const AUTHORIZE_PATH = '/oauth/v2/auth';
export const CONTROL_PREFIX = '/__fake/';

export interface RequestStats {
  requests: number;
  byRoute: Record<string, number>;
}

export interface ServerDeps {
  /** Checked in order: the first whose prefix matches serves the request (Campaigns' /api/v1.1/ before Desk's /api/v1/). */
  services: readonly Service[];
  tokens: TokenStore;
  faults: FaultInjector;
  stats: RequestStats;
  /** The origin, once listening (the token response's api_domain). */
  url(): string;
  control(req: ApiRequest): Reply;
}

export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

function findRoute(service: Service, method: string, path: string): { route: Route; params: string[] } | null {
  for (const route of service.routes) {
    const m = route.method === method ? route.pattern.exec(path) : null;
    if (m) return { route, params: m.slice(1) };
  }
  return null;
}

/**
 * One loopback server for the accounts, CRM, Desk and Campaigns surfaces. Every API request goes:
 * fault layer (before any work) → token → route → scopes → handler → lost-response / slow faults.
 */
export async function listen(deps: ServerDeps, port: number): Promise<RunningServer> {
  const closing = new AbortController();

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch (e) {
      if (e instanceof BodyTooLargeError) return send(res, json(413, { error: 'body too large' }));
      throw e;
    }
    const api: ApiRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, rawBody };
    if (api.path.startsWith(CONTROL_PREFIX)) return send(res, deps.control(api));

    const routeKey = `${method} ${api.path}`;
    deps.stats.requests++;
    deps.stats.byRoute[routeKey] = (deps.stats.byRoute[routeKey] ?? 0) + 1;

    if (api.path === AUTHORIZE_PATH) {
      if (method !== 'GET') return send(res, json(405, { error: 'invalid_request' }));
      return send(res, deps.tokens.authorize(api.query, deps.url()));
    }
    if (api.path === TOKEN_PATH) {
      const injected = deps.faults.before(method, api.path, true);
      if (injected) return send(res, json(injected.status, injected.status === 429 ? THROTTLE_BODY : { error: 'internal_error' }));
      if (method !== 'POST') return send(res, json(405, { error: 'invalid_request' }));
      return send(res, deps.tokens.grant(formParams(api), deps.faults.tokenThrottle, deps.url()));
    }

    if (api.path === REVOKE_PATH) {
      const injected = deps.faults.before(method, api.path, true);
      if (injected) return send(res, json(injected.status, { error: 'internal_error' }));
      if (method !== 'POST') return send(res, json(405, { error: 'invalid_request' }));
      return send(res, deps.tokens.revokeByRequest(formParams(api)));
    }

    const service = deps.services.find((s) => api.path.startsWith(s.prefix));
    if (!service) {
      return send(
        res,
        json(404, { code: 'INVALID_URL_PATTERN', details: {}, message: 'Please check if the URL trying to access is a correct one', status: 'error' }),
      );
    }
    const injected = deps.faults.before(method, api.path, false);
    if (injected) {
      const reply = service.error(injected.status, api);
      if (injected.retryAfterSeconds !== undefined) reply.headers = { ...reply.headers, 'retry-after': String(injected.retryAfterSeconds) };
      return send(res, reply);
    }
    const owner = deps.tokens.authenticate(req.headers.authorization);
    if (!owner) return send(res, service.unauthorized(api, 'token'));

    const found = findRoute(service, method, api.path);
    if (!found) {
      const pathKnown = service.routes.some((r) => r.pattern.test(api.path));
      return send(res, service.error(pathKnown ? 405 : 404, api));
    }
    const { route, params } = found;
    if (!hasScopes(owner, route.scopes(params))) return send(res, service.unauthorized(api, 'scope'));

    let reply: Reply;
    try {
      reply = route.handle(api, params);
    } catch (e) {
      console.error('fake-zoho: handler failed', e);
      reply = service.error(500, api);
    }
    if (reply.committed && deps.faults.loseResponse()) {
      req.socket.destroy();
      return;
    }
    const delay = deps.faults.slowDelay();
    if (delay > 0) {
      try {
        await sleep(delay, undefined, { signal: closing.signal });
      } catch {
        return;
      }
    }
    send(res, reply);
  }

  const server: Server = createServer((req, res) => {
    dispatch(req, res).catch((e: unknown) => {
      console.error('fake-zoho: request failed', e);
      send(res, json(500, { error: 'fake-zoho internal error' }));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
