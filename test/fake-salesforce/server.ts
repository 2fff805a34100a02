import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Auth } from './auth.ts';
import { faultBody, type FaultInjector } from './faults.ts';
import { QueryRefusal, type FakeOrg } from './org.ts';
import { parseSoql, SoqlError } from './soql.ts';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A create was committed: the lost-response fault may now drop the connection. */
  committed?: boolean;
}

export interface Stats {
  requests: number;
  byRoute: Record<string, number>;
}

export interface ServerDeps {
  readonly org: FakeOrg;
  readonly auth: () => Auth;
  readonly faults: FaultInjector;
  readonly stats: Stats;
  readonly url: () => string;
  readonly control: (method: string, path: string, body: unknown) => Reply;
}

/** The API versions the fake answers, as `GET /services/data` lists them. */
export const VERSIONS = ['58.0', '59.0', '60.0', '61.0', '62.0', '63.0', '64.0'];
const DATA = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/;
const MAX_BODY = 1024 * 1024;

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, ...(headers ? { headers } : {}) });
const errors = (status: number, errorCode: string, message: string, fields?: string[]): Reply =>
  json(status, [{ message, errorCode, ...(fields ? { fields } : {}) }]);

/**
 * One loopback server standing in for both the login server (`login.salesforce.com`) and the org's
 * instance (`instance_url`). An API request goes: fault layer (before any work) → session → route →
 * handler → lost-response / slow-answer faults.
 */
export async function listen(deps: ServerDeps, port: number): Promise<{ port: number; close(): Promise<void> }> {
  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) return send(res, errors(413, 'REQUEST_TOO_LARGE', 'request too large'));
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks).toString('utf8');

    if (url.pathname.startsWith('/__fake/')) {
      let body: unknown;
      try {
        body = raw.trim() === '' ? {} : JSON.parse(raw);
      } catch {
        return send(res, json(400, { error: 'invalid JSON' }));
      }
      return send(res, deps.control(method, url.pathname.slice('/__fake/'.length), body));
    }
    deps.stats.requests += 1;
    const key = `${method} ${url.pathname.replace(/\/v\d+\.\d\//, '/vXX.X/')}`;
    deps.stats.byRoute[key] = (deps.stats.byRoute[key] ?? 0) + 1;

    if (url.pathname === '/services/oauth2/authorize' && method === 'GET') {
      const answer = deps.auth().authorize(url.searchParams);
      return send(res, answer.location ? { status: 302, headers: { location: answer.location } } : json(answer.status, answer.body));
    }
    if (url.pathname === '/services/oauth2/token') {
      const injected = deps.faults.before(method, url.pathname, true);
      if (injected) return send(res, json(injected.status, { error: 'server_error', error_description: 'internal server error' }));
      if (method !== 'POST') return send(res, json(405, { error: 'invalid_request', error_description: 'must use HTTP POST' }));
      const form = new URLSearchParams(raw);
      const answer = deps.auth().grant(form, deps.url());
      return send(res, json(answer.status, answer.body));
    }
    if (url.pathname === '/services/oauth2/revoke') {
      const injected = deps.faults.before(method, url.pathname, true);
      if (injected) return send(res, json(injected.status, { error: 'server_error', error_description: 'internal server error' }));
      if (method !== 'POST') return send(res, json(405, { error: 'invalid_request', error_description: 'must use HTTP POST' }));
      const answer = deps.auth().revokeByRequest(new URLSearchParams(raw));
      return send(res, answer.status === 200 ? { status: 200 } : json(answer.status, answer.body));
    }
    if (url.pathname === '/services/data' || url.pathname === '/services/data/') {
      return send(
        res,
        json(
          200,
          VERSIONS.map((v) => ({ label: `v${v}`, url: `/services/data/v${v}`, version: v })),
        ),
      );
    }
    const data = DATA.exec(url.pathname);
    if (!data) return send(res, errors(404, 'NOT_FOUND', 'The requested resource does not exist'));
    if (!VERSIONS.includes(data[1]!)) return send(res, errors(404, 'NOT_FOUND', 'The requested resource does not exist'));
    const path = data[2] ?? '/';

    const injected = deps.faults.before(method, path, false);
    if (injected) return send(res, json(injected.status, faultBody(injected.status, injected.errorCode)));
    const session = deps.auth().session(req.headers.authorization);
    if (!session) return send(res, errors(401, 'INVALID_SESSION_ID', 'Session expired or invalid'));
    if (!session.scopes.includes('api') && !session.scopes.includes('full')) {
      // Reported with 401 by users of connected apps lacking the `api` scope.
      return send(res, errors(401, 'INVALID_SESSION_ID', 'This session is not valid for use with the REST API'));
    }
    let reply: Reply;
    try {
      reply = route(deps, method, path, url.searchParams, raw);
    } catch (e) {
      console.error('fake-salesforce: handler failed', e);
      reply = json(500, faultBody(500));
    }
    if (reply.committed && deps.faults.loseResponse()) {
      req.socket.destroy();
      return;
    }
    const delay = deps.faults.slowDelay();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    send(res, reply);
  }

  const server = createServer((req, res) => {
    dispatch(req, res).catch((e: unknown) => {
      console.error('fake-salesforce: request failed', e);
      send(res, json(500, faultBody(500)));
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
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function route(deps: ServerDeps, method: string, path: string, query: URLSearchParams, raw: string): Reply {
  const { org } = deps;
  if (path === '/query' || path === '/query/') {
    if (method !== 'GET') return errors(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,HEAD`);
    const q = query.get('q');
    if (!q) return errors(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    try {
      const records = org.query(parseSoql(q));
      return json(200, { totalSize: records.length, done: true, records });
    } catch (e) {
      if (e instanceof QueryRefusal) return errors(400, e.errorCode, e.message);
      if (e instanceof SoqlError) return errors(400, 'MALFORMED_QUERY', `unexpected token: ${e.message}`);
      throw e;
    }
  }
  if (path === '/limits' || path === '/limits/') {
    return json(200, { DailyApiRequests: { Max: 15000, Remaining: Math.max(0, 15000 - deps.stats.requests) } });
  }
  const describe = /^\/sobjects\/(\w+)\/describe\/?$/.exec(path);
  if (describe && method === 'GET') {
    const meta = org.schema.get(describe[1]!);
    if (!meta) return errors(404, 'NOT_FOUND', 'The requested resource does not exist');
    return json(200, {
      name: meta.name,
      keyPrefix: meta.keyPrefix,
      createable: meta.createable,
      queryable: meta.queryable,
      fields: meta.fields.map((f) => ({
        name: f.name,
        type: f.type,
        nillable: !f.required,
        createable: f.createable !== false && meta.createable,
        custom: f.custom === true,
        calculated: f.calculated === true,
        defaultedOnCreate: f.name === 'OwnerId' || f.name === 'Status',
        picklistValues: (f.picklistValues ?? []).map((p) => ({ ...p, validFor: null })),
        restrictedPicklist: f.restricted === true,
        referenceTo: f.referenceTo ?? [],
        relationshipName: f.relationshipName ?? null,
      })),
    });
  }
  const create = /^\/sobjects\/(\w+)\/?$/.exec(path);
  if (create) {
    if (method !== 'POST') return errors(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are HEAD,GET,POST`);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return errors(400, 'JSON_PARSER_ERROR', 'Unexpected character: was expecting JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return errors(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of sobject from START_ARRAY value');
    }
    const result = org.create(create[1]!, body as Record<string, unknown>);
    if (!result.ok) return json(result.status, result.errors);
    return { status: 201, body: { id: result.id, success: true, errors: [] }, committed: true };
  }
  const read = /^\/sobjects\/(\w+)\/(\w{15}|\w{18})\/?$/.exec(path);
  if (read && method === 'GET') {
    const found = org.byId(read[2]!);
    if (!found || found.object !== read[1]) return errors(404, 'NOT_FOUND', 'The requested resource does not exist');
    const fields = query
      .get('fields')
      ?.split(',')
      .map((f) => f.trim());
    const picked = fields ? Object.fromEntries(fields.map((f) => [f, found.record[f] ?? null])) : found.record;
    return json(200, {
      attributes: { type: found.object, url: `/services/data/v62.0/sobjects/${found.object}/${found.record.Id}` },
      ...picked,
      Id: found.record.Id,
    });
  }
  return errors(404, 'NOT_FOUND', 'The requested resource does not exist');
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json;charset=UTF-8';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers).end(text);
}
