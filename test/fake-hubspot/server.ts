import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { TokenStore } from './auth.ts';
import { LIFECYCLE_STAGES, OBJECT_TYPES, type AccountData, type CrmObject, type ObjectType, type Pipeline, type PropertyDefinition } from './state.ts';

/**
 * Faults the fake can inject, each answered the way HubSpot does. Random faults and `failNext`
 * hit API calls only (never the token endpoint unless `failNext.route` names it).
 */
export const faultsSchema = z.strictObject({
  /** Probability of a 500 `{status:"error", message:"internal error", …}` without doing anything. */
  rate5xx: z.number().min(0).max(1),
  /** Probability of a 429 of the TEN_SECONDLY_ROLLING policy, without doing anything. */
  rate429: z.number().min(0).max(1),
  /**
   * Seconds in a `Retry-After` header on those 429s; 0 sends none. HubSpot's documentation shows
   * only its X-HubSpot-RateLimit-* headers on a 429, so the realistic default is none.
   */
  retryAfterSeconds: z.number().int().min(0),
  /** Every API call answers the DAILY policy's 429 (the account's daily limit is used up). */
  dailyLimit: z.boolean(),
  /** Probability that a committed create is answered by destroying the connection. */
  rateLostResponse: z.number().min(0).max(1),
  failNext: z.strictObject({ status: z.number().int().min(400).max(599), count: z.number().int().min(1), route: z.string().min(1).optional() }).nullable(),
  /** Search does not see records younger than this: HubSpot's search index lags behind creates. */
  searchLagMs: z.number().int().min(0),
  /** Probability that an API answer is delayed by `slowMs`, after the work was done (a client timeout must not duplicate it). */
  rateSlow: z.number().min(0).max(1),
  slowMs: z.number().int().min(0),
});
export type Faults = z.infer<typeof faultsSchema>;
export const DEFAULT_FAULTS: Faults = {
  rate5xx: 0,
  rate429: 0,
  retryAfterSeconds: 0,
  dailyLimit: false,
  rateLostResponse: 0,
  failNext: null,
  searchLagMs: 0,
  rateSlow: 0,
  slowMs: 0,
};

export interface ServerDeps {
  readonly data: AccountData;
  readonly tokens: () => TokenStore;
  readonly faults: () => Faults;
  readonly setFaults: (f: Faults) => void;
  readonly random: () => number;
  readonly stats: { requests: number; byRoute: Record<string, number> };
  readonly control?: (req: IncomingMessage, path: string, body: unknown) => { status: number; body: unknown } | undefined;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; destroy?: boolean };

/** Scopes per object type: HubSpot's CRM objects scopes; tickets have the one `tickets` scope. */
const READ_SCOPE: Record<ObjectType, string> = {
  contacts: 'crm.objects.contacts.read',
  companies: 'crm.objects.companies.read',
  deals: 'crm.objects.deals.read',
  tickets: 'tickets',
};
const WRITE_SCOPE: Record<ObjectType, string> = {
  contacts: 'crm.objects.contacts.write',
  companies: 'crm.objects.companies.write',
  deals: 'crm.objects.deals.write',
  tickets: 'tickets',
};
/** HubSpot-defined association type ids (the v4 associations table) for the pairs the fake accepts. */
const ASSOCIATION_TYPES: Record<string, readonly number[]> = {
  'contacts->companies': [1, 279],
  'deals->contacts': [3],
  'tickets->contacts': [16],
  'contacts->deals': [4],
  'contacts->tickets': [15],
};

export const errorBody = (message: string, category: string, extra: Record<string, unknown> = {}) => ({
  status: 'error',
  message,
  correlationId: randomUUID(),
  category,
  ...extra,
});

/** The body HubSpot answers a property it cannot take with (400 VALIDATION_ERROR). */
function invalidProperties(problems: { name: string; error: string; message: string }[]): Reply {
  const detail = problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name }));
  return {
    status: 400,
    body: errorBody(`Property values were not valid: ${JSON.stringify(detail)}`, 'VALIDATION_ERROR', {
      errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
    }),
  };
}

function routeMatches(route: string, method: string, path: string): boolean {
  const space = route.indexOf(' ');
  const wantMethod = space > 0 ? route.slice(0, space) : null;
  const wantPath = space > 0 ? route.slice(space + 1) : route;
  if (wantMethod !== null && wantMethod !== method) return false;
  return wantPath.endsWith('*') ? path.startsWith(wantPath.slice(0, -1)) : path === wantPath;
}

export async function listen(deps: ServerDeps, port: number): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      send(res, { status: 500, body: errorBody(`fake failure: ${err instanceof Error ? err.message : String(err)}`, 'INTERNAL_ERROR') });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.destroy) {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...reply.headers };
  let text = '';
  if (reply.body !== undefined) {
    headers['content-type'] ??= 'application/json;charset=utf-8';
    text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  }
  res.writeHead(reply.status, headers);
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const text = await readBody(req);
  deps.stats.requests += 1;
  const routeKey = `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
  deps.stats.byRoute[routeKey] = (deps.stats.byRoute[routeKey] ?? 0) + 1;

  if (path.startsWith('/__fake/')) {
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return send(res, { status: 400, body: { error: 'invalid JSON' } });
    }
    const reply = deps.control?.(req, path, body);
    return send(res, reply ?? { status: 404, body: { error: 'unknown control route' } });
  }

  const faults = deps.faults();
  const failNext = faults.failNext && routeMatches(faults.failNext.route ?? '/crm/*', method, path) ? faults.failNext : null;
  if (failNext) {
    deps.setFaults({ ...faults, failNext: failNext.count > 1 ? { ...failNext, count: failNext.count - 1 } : null });
    return send(res, injected(failNext.status));
  }

  if (path === '/oauth/authorize' && method === 'GET') return send(res, consentPage(deps, url));
  const refreshToken = /^\/oauth\/v1\/refresh-tokens\/([^/]+)$/.exec(path);
  if (refreshToken && method === 'DELETE') return send(res, deps.tokens().deleteRefreshToken(decodeURIComponent(refreshToken[1]!)));
  if (path === '/oauth/v1/token' && method === 'POST') {
    const answer = deps.tokens().token(new URLSearchParams(text), Date.now());
    return send(res, answer);
  }

  if (faults.dailyLimit) return send(res, rateLimited('DAILY', 0));
  if (faults.rate5xx > 0 && deps.random() < faults.rate5xx) return send(res, injected(500));
  if (faults.rate429 > 0 && deps.random() < faults.rate429) return send(res, rateLimited('TEN_SECONDLY_ROLLING', faults.retryAfterSeconds));

  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  // Token metadata is read with the token in the path, no Authorization header.
  const tokenInfo = /^\/oauth\/v1\/access-tokens\/([^/]+)$/.exec(path);
  if (tokenInfo && method === 'GET') {
    const token = decodeURIComponent(tokenInfo[1]!);
    const checked = deps.tokens().check(token, Date.now());
    if (!checked.ok) return send(res, { status: 404, body: errorBody('Token not found', 'OBJECT_NOT_FOUND') });
    return send(res, {
      status: 200,
      body: {
        token,
        user: 'admin@example.com',
        hub_domain: 'example.com',
        scopes: checked.scopes,
        hub_id: deps.data.portalId,
        app_id: 2_001_001,
        expires_in: checked.expiresIn,
        user_id: 9001,
        token_type: 'access',
      },
    });
  }
  const auth = deps.tokens().check(bearer, Date.now());
  if (!auth.ok) {
    return send(res, {
      status: 401,
      body:
        auth.expiredSeconds !== undefined
          ? errorBody(`The OAuth token used to make this call expired ${auth.expiredSeconds} second(s) ago.`, 'EXPIRED_AUTHENTICATION')
          : errorBody(
              'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
              'INVALID_AUTHENTICATION',
            ),
    });
  }
  let json: unknown = undefined;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      return send(res, { status: 400, body: errorBody('Invalid input JSON on line 1', 'VALIDATION_ERROR') });
    }
  }
  const api = new Api(deps, auth.scopes, url, json);
  const reply = api.route(method, path);
  if (reply.status === 201 && faults.rateLostResponse > 0 && deps.random() < faults.rateLostResponse) return send(res, { status: 0, destroy: true });
  if (faults.slowMs > 0 && faults.rateSlow > 0 && deps.random() < faults.rateSlow) {
    await new Promise((resolve) => setTimeout(resolve, faults.slowMs));
    // The client gave up waiting (its timeout) or the fake is closing: nobody to answer.
    if (res.destroyed || req.socket.destroyed) return;
  }
  send(res, reply);
}

function injected(status: number): Reply {
  if (status === 429) return rateLimited('TEN_SECONDLY_ROLLING', 0);
  if (status === 400) return invalidProperties([{ name: 'email', error: 'INVALID_EMAIL', message: 'Email address is invalid' }]);
  if (status === 409) return { status, body: errorBody('Conflict', 'CONFLICT') };
  if (status >= 500) return { status, body: errorBody('internal error', 'INTERNAL_ERROR') };
  return { status, body: errorBody(`HTTP ${status}`, 'VALIDATION_ERROR') };
}

/** HubSpot's 429: `errorType: RATE_LIMIT` and the policy that was hit, with its rate-limit headers. */
function rateLimited(policy: 'DAILY' | 'TEN_SECONDLY_ROLLING', retryAfterSeconds: number): Reply {
  const daily = policy === 'DAILY';
  return {
    status: 429,
    headers: {
      'x-hubspot-ratelimit-daily': '250000',
      'x-hubspot-ratelimit-daily-remaining': daily ? '0' : '183211',
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
      'x-hubspot-ratelimit-max': '110',
      'x-hubspot-ratelimit-remaining': daily ? '110' : '0',
      ...(retryAfterSeconds > 0 ? { 'retry-after': String(retryAfterSeconds) } : {}),
    },
    body: {
      status: 'error',
      message: daily ? 'You have reached your daily limit.' : 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName: policy,
      requestId: randomUUID(),
    },
  };
}

function consentPage(deps: ServerDeps, url: URL): Reply {
  const redirect = url.searchParams.get('redirect_uri');
  const clientId = url.searchParams.get('client_id') ?? '';
  if (!redirect) return { status: 400, body: 'redirect_uri is required' };
  const back = new URL(redirect);
  const state = url.searchParams.get('state');
  if (state !== null) back.searchParams.set('state', state);
  const store = deps.tokens();
  const code =
    store.consent === 'approve' ? store.authorize(clientId, redirect, (url.searchParams.get('scope') ?? '').split(/[ +]/).filter(Boolean)) : undefined;
  if (code === undefined) back.searchParams.set('error', 'access_denied');
  else back.searchParams.set('code', code);
  return { status: 302, headers: { location: back.toString() } };
}

/** One authenticated API call. */
class Api {
  readonly #deps: ServerDeps;
  readonly #scopes: readonly string[];
  readonly #url: URL;
  readonly #json: unknown;

  constructor(deps: ServerDeps, scopes: readonly string[], url: URL, json: unknown) {
    this.#deps = deps;
    this.#scopes = scopes;
    this.#url = url;
    this.#json = json;
  }

  get #data(): AccountData {
    return this.#deps.data;
  }

  route(method: string, path: string): Reply {
    let m: RegExpExecArray | null;
    if ((m = /^\/crm\/v3\/objects\/(\w+)$/.exec(path)) && method === 'POST') return this.#need(m[1]!, 'write', (t) => this.#create(t));
    if ((m = /^\/crm\/v3\/objects\/(\w+)\/search$/.exec(path)) && method === 'POST') return this.#need(m[1]!, 'read', (t) => this.#search(t));
    if ((m = /^\/crm\/v3\/objects\/(\w+)\/([^/]+)$/.exec(path)) && method === 'GET')
      return this.#need(m[1]!, 'read', (t) => this.#read(t, decodeURIComponent(m![2]!)));
    if ((m = /^\/crm\/v3\/pipelines\/(deals|tickets)$/.exec(path)) && method === 'GET') {
      const type = m[1] as 'deals' | 'tickets';
      return this.#scoped([READ_SCOPE[type]], () => ({ status: 200, body: { results: this.#pipelines(type).map(pipelineJson) } }));
    }
    if ((m = /^\/crm\/v3\/properties\/(\w+)$/.exec(path)) && method === 'GET') return this.#need(m[1]!, 'read', (t) => this.#properties(t));
    if ((m = /^\/crm\/v3\/properties\/(\w+)\/(\w+)$/.exec(path)) && method === 'GET') return this.#need(m[1]!, 'read', (t) => this.#property(t, m![2]!));
    if (path === '/crm/v3/owners' && method === 'GET') return this.#scoped(['crm.objects.owners.read'], () => this.#owners());
    if (path === '/crm/v3/lists/search' && method === 'POST') return this.#scoped(['crm.lists.read'], () => this.#searchLists());
    if ((m = /^\/crm\/v3\/lists\/([^/]+)\/memberships\/add$/.exec(path)) && method === 'PUT')
      return this.#scoped(['crm.lists.write'], () => this.#addMembers(m![1]!));
    if ((m = /^\/crm\/v3\/lists\/([^/]+)\/memberships$/.exec(path)) && method === 'GET') return this.#scoped(['crm.lists.read'], () => this.#members(m![1]!));
    if (path === '/account-info/v3/details' && method === 'GET') {
      return {
        status: 200,
        body: {
          portalId: this.#data.portalId,
          accountType: 'STANDARD',
          timeZone: 'Asia/Tokyo',
          companyCurrency: 'JPY',
          uiDomain: 'app.hubspot.com',
          dataHostingLocation: 'na1',
        },
      };
    }
    return {
      status: 404,
      body: errorBody(`Unable to route ${method} request with ${path}: no HTTP resource was found that matches the request URI`, 'OBJECT_NOT_FOUND'),
    };
  }

  #need(typeName: string, access: 'read' | 'write', then: (type: ObjectType) => Reply): Reply {
    if (!(OBJECT_TYPES as readonly string[]).includes(typeName)) {
      return { status: 400, body: errorBody(`Unable to infer object type from: ${typeName}`, 'VALIDATION_ERROR') };
    }
    const type = typeName as ObjectType;
    return this.#scoped([access === 'read' ? READ_SCOPE[type] : WRITE_SCOPE[type]], () => then(type));
  }

  /** 403 MISSING_SCOPES, naming the scopes the call needs, as HubSpot does. */
  #scoped(scopes: readonly string[], then: () => Reply): Reply {
    const missing = scopes.filter((s) => !this.#scopes.includes(s));
    if (missing.length === 0) return then();
    return {
      status: 403,
      body: errorBody(
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
        'MISSING_SCOPES',
        { errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: missing } }] },
      ),
    };
  }

  #pipelines(type: 'deals' | 'tickets'): Pipeline[] {
    return (type === 'deals' ? this.#data.dealPipelines : this.#data.ticketPipelines).filter((p) => !p.archived);
  }

  #create(type: ObjectType): Reply {
    const body = this.#json as { properties?: unknown; associations?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || typeof body.properties !== 'object' || body.properties === null) {
      return { status: 400, body: errorBody('Invalid input JSON: properties is required', 'VALIDATION_ERROR') };
    }
    const properties: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(body.properties as Record<string, unknown>)) {
      properties[key] = value === null ? null : String(value);
    }
    const problems: { name: string; error: string; message: string }[] = [];
    for (const key of Object.keys(properties)) {
      // HubSpot's names are exact (lower case): `Favorite_Color` is not `favorite_color`. The codes
      // are HubSpot's (PROPERTY_DOESNT_EXIST, READ_ONLY_VALUE); the wording of their messages is the
      // fake's own, not confirmed against a real answer.
      const property = this.#data.property(type, key);
      if (!property || property.archived) problems.push({ name: key, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${key}" does not exist` });
      else if (property.modificationMetadata.readOnlyValue || property.calculated)
        problems.push({ name: key, error: 'READ_ONLY_VALUE', message: `"${key}" is a read only property; its value cannot be set.` });
    }
    const option = (name: string, allowed: readonly string[]) => {
      const value = properties[name];
      if (value !== undefined && value !== null && value !== '' && !allowed.includes(value)) {
        problems.push({ name, error: 'INVALID_OPTION', message: `${value} was not one of the allowed options: [${allowed.join(', ')}]` });
      }
    };
    const owner = properties['hubspot_owner_id'];
    if (owner) {
      const found = this.#data.owners.find((o) => o.id === owner);
      if (!found || found.archived) problems.push({ name: 'hubspot_owner_id', error: 'INVALID_OWNER_ID', message: `${owner} is not a valid owner id` });
    }
    switch (type) {
      case 'contacts': {
        option('lifecyclestage', LIFECYCLE_STAGES);
        const email = properties['email'];
        if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
          problems.push({ name: 'email', error: 'INVALID_EMAIL', message: `Email address ${email} is invalid` });
        break;
      }
      case 'deals': {
        if (!properties['dealname']) problems.push({ name: 'dealname', error: 'REQUIRED', message: 'dealname is required' });
        const pipeline = this.#pipelines('deals').find((p) => p.id === (properties['pipeline'] || 'default'));
        if (!pipeline)
          option(
            'pipeline',
            this.#pipelines('deals').map((p) => p.id),
          );
        else if (!properties['dealstage']) problems.push({ name: 'dealstage', error: 'REQUIRED', message: 'dealstage is required' });
        else
          option(
            'dealstage',
            pipeline.stages.map((s) => s.id),
          );
        if (properties['amount'] && !Number.isFinite(Number(properties['amount']))) {
          problems.push({ name: 'amount', error: 'INVALID_DOUBLE', message: `${properties['amount']} was not a valid number` });
        }
        if (properties['closedate'] && Number.isNaN(Date.parse(properties['closedate']))) {
          problems.push({ name: 'closedate', error: 'INVALID_DATE', message: `${properties['closedate']} was not a valid date` });
        }
        break;
      }
      case 'tickets': {
        for (const name of ['subject', 'hs_pipeline', 'hs_pipeline_stage']) {
          if (!properties[name]) problems.push({ name, error: 'REQUIRED', message: `${name} is required` });
        }
        const pipeline = this.#pipelines('tickets').find((p) => p.id === properties['hs_pipeline']);
        if (properties['hs_pipeline'] && !pipeline)
          option(
            'hs_pipeline',
            this.#pipelines('tickets').map((p) => p.id),
          );
        if (pipeline)
          option(
            'hs_pipeline_stage',
            pipeline.stages.map((s) => s.id),
          );
        option(
          'hs_ticket_priority',
          this.#data.ticketOptions.hs_ticket_priority.map((o) => o.value),
        );
        option(
          'hs_ticket_category',
          this.#data.ticketOptions.hs_ticket_category.map((o) => o.value),
        );
        option(
          'source_type',
          this.#data.ticketOptions.source_type.map((o) => o.value),
        );
        break;
      }
      case 'companies':
        if (!properties['name'] && !properties['domain']) problems.push({ name: 'name', error: 'REQUIRED', message: 'name or domain is required' });
        break;
    }
    if (problems.length > 0) return invalidProperties(problems);

    const associations: CrmObject['associations'] = [];
    for (const entry of Array.isArray(body.associations) ? (body.associations as unknown[]) : []) {
      const a = entry as { to?: { id?: unknown }; types?: { associationCategory?: unknown; associationTypeId?: unknown }[] };
      const toId = String(a.to?.id ?? '');
      const typeId = Number(a.types?.[0]?.associationTypeId);
      const pair = Object.entries(ASSOCIATION_TYPES).find(([key, ids]) => key.startsWith(`${type}->`) && ids.includes(typeId));
      if (!pair || a.types?.[0]?.associationCategory !== 'HUBSPOT_DEFINED') {
        return { status: 400, body: errorBody(`${typeId} is not a valid association type id from ${type}`, 'VALIDATION_ERROR') };
      }
      const toType = pair[0].split('->')[1] as ObjectType;
      if (!this.#data.objects[toType].some((o) => o.id === toId && !o.archived)) {
        return { status: 400, body: errorBody(`${toType} ${toId} does not exist`, 'VALIDATION_ERROR', { subCategory: 'crm.associations.INVALID_OBJECT_IDS' }) };
      }
      associations.push({ toType, toId, typeId });
    }
    if (type === 'contacts' && properties['email']) {
      const existing = this.#data.contactByEmail(properties['email']);
      if (existing) return { status: 409, body: errorBody(`Contact already exists. Existing ID: ${existing.id}`, 'CONFLICT') };
    }
    if (type === 'tickets' && !properties['hs_ticket_priority']) delete properties['hs_ticket_priority'];
    const record = this.#data.insert(type, properties, associations);
    return { status: 201, body: objectJson(record, Object.keys(properties)) };
  }

  #read(type: ObjectType, id: string): Reply {
    const idProperty = this.#url.searchParams.get('idProperty');
    const record =
      idProperty === 'email' && type === 'contacts'
        ? this.#data.contactByEmail(id)
        : idProperty === null || idProperty === 'hs_object_id'
          ? this.#data.objects[type].find((o) => o.id === id && !o.archived)
          : undefined;
    if (!record) return { status: 404, body: errorBody('resource not found', 'OBJECT_NOT_FOUND') };
    return { status: 200, body: objectJson(record, this.#requestedProperties(this.#url.searchParams.get('properties'))) };
  }

  #requestedProperties(list: string | null | undefined | string[]): string[] {
    if (Array.isArray(list)) return list;
    return (list ?? '').split(',').filter(Boolean);
  }

  /** `POST …/search`: filter groups ORed, filters in a group ANDed; EQ/NEQ/GT/GTE/LT/LTE/HAS_PROPERTY/IN. */
  #search(type: ObjectType): Reply {
    const body = (this.#json ?? {}) as { filterGroups?: unknown; properties?: unknown; limit?: unknown; sorts?: unknown; after?: unknown };
    const groups = Array.isArray(body.filterGroups) ? (body.filterGroups as { filters?: unknown }[]) : [];
    if (groups.length > 5) return { status: 400, body: errorBody('Too many filter groups (max 5)', 'VALIDATION_ERROR') };
    const limit = Math.min(200, Math.max(1, Number(body.limit ?? 10) || 10));
    const lagMs = this.#deps.faults().searchLagMs;
    const visibleBefore = Date.now() - lagMs;
    const matches = this.#data.objects[type].filter((o) => {
      if (o.archived || Date.parse(o.createdAt) > visibleBefore) return false;
      if (groups.length === 0) return true;
      return groups.some((g) => (Array.isArray(g.filters) ? (g.filters as Filter[]) : []).every((f) => matchFilter(o, f)));
    });
    const after = Number(body.after ?? 0) || 0;
    const page = matches.slice(after, after + limit);
    return {
      status: 200,
      body: {
        total: matches.length,
        results: page.map((o) => objectJson(o, this.#requestedProperties(body.properties as string[] | undefined))),
        ...(after + limit < matches.length ? { paging: { next: { after: String(after + limit) } } } : {}),
      },
    };
  }

  /** `GET /crm/v3/properties/{objectType}`: every live property, or with `archived=true` only the archived ones. */
  #properties(type: ObjectType): Reply {
    const archived = this.#url.searchParams.get('archived') === 'true';
    return { status: 200, body: { results: this.#data.properties[type].filter((p) => p.archived === archived).map((p) => this.#propertyJson(type, p)) } };
  }

  #property(type: ObjectType, name: string): Reply {
    const property = this.#data.property(type, name);
    if (!property || property.archived) return { status: 404, body: errorBody(`Unable to find property ${name}`, 'OBJECT_NOT_FOUND') };
    return { status: 200, body: this.#propertyJson(type, property) };
  }

  /** A definition as HubSpot answers it; the ticket options tests edit are the enumeration's options. */
  #propertyJson(type: ObjectType, p: PropertyDefinition): PropertyDefinition {
    const options = type === 'tickets' ? this.#data.ticketOptions[p.name as keyof AccountData['ticketOptions']] : undefined;
    return options ? { ...p, type: 'enumeration', fieldType: 'select', options } : p;
  }

  #owners(): Reply {
    const archived = this.#url.searchParams.get('archived') === 'true';
    const email = this.#url.searchParams.get('email');
    const limit = Math.min(500, Number(this.#url.searchParams.get('limit') ?? 100) || 100);
    const after = Number(this.#url.searchParams.get('after') ?? 0) || 0;
    const all = this.#data.owners.filter((o) => o.archived === archived && (email === null || o.email.toLowerCase() === email.toLowerCase()));
    const page = all.slice(after, after + limit);
    return { status: 200, body: { results: page, ...(after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {}) } };
  }

  #searchLists(): Reply {
    const body = (this.#json ?? {}) as { query?: unknown; processingTypes?: unknown; offset?: unknown; count?: unknown };
    const query = typeof body.query === 'string' ? body.query.toLowerCase() : '';
    const types = Array.isArray(body.processingTypes) ? (body.processingTypes as string[]) : undefined;
    const offset = Number(body.offset ?? 0) || 0;
    const count = Math.min(500, Number(body.count ?? 20) || 20);
    const all = this.#data.lists.filter((l) => l.name.toLowerCase().includes(query) && (!types || types.includes(l.processingType)));
    const page = all.slice(offset, offset + count);
    return {
      status: 200,
      body: {
        offset: offset + page.length,
        hasMore: offset + page.length < all.length,
        total: all.length,
        lists: page.map(({ members, ...list }) => ({ ...list, additionalProperties: { hs_list_size: String(members.length) } })),
      },
    };
  }

  #addMembers(listId: string): Reply {
    const list = this.#data.lists.find((l) => l.listId === listId);
    if (!list) return { status: 404, body: errorBody(`List ${listId} does not exist.`, 'OBJECT_NOT_FOUND') };
    if (list.processingType === 'DYNAMIC') {
      return { status: 400, body: errorBody(`List ${listId} has processingType DYNAMIC; only MANUAL and SNAPSHOT lists take records.`, 'VALIDATION_ERROR') };
    }
    const ids = Array.isArray(this.#json) ? (this.#json as unknown[]).map(String) : [];
    const added: string[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      if (!this.#data.objects.contacts.some((c) => c.id === id && !c.archived)) missing.push(id);
      else if (!list.members.some((m) => m.recordId === id)) {
        list.members.push({ recordId: id, membershipTimestamp: new Date().toISOString() });
        added.push(id);
      }
    }
    return { status: 200, body: { recordIdsAdded: added, recordIdsMissing: missing } };
  }

  #members(listId: string): Reply {
    const list = this.#data.lists.find((l) => l.listId === listId);
    if (!list) return { status: 404, body: errorBody(`List ${listId} does not exist.`, 'OBJECT_NOT_FOUND') };
    return { status: 200, body: { results: list.members } };
  }
}

type Filter = { propertyName?: unknown; operator?: unknown; value?: unknown; values?: unknown };

function matchFilter(o: CrmObject, f: Filter): boolean {
  const name = String(f.propertyName ?? '');
  const actual = o.properties[name] ?? null;
  const value = f.value === undefined ? undefined : String(f.value);
  const isDate = name === 'createdate' || name === 'lastmodifieddate' || name === 'closedate';
  const cmp = (a: string, b: string) => (isDate ? Date.parse(a) - (/^\d+$/.test(b) ? Number(b) : Date.parse(b)) : a.localeCompare(b));
  switch (f.operator) {
    case 'EQ':
      return actual !== null && value !== undefined && actual.toLowerCase() === value.toLowerCase();
    case 'NEQ':
      return actual === null || value === undefined || actual.toLowerCase() !== value.toLowerCase();
    case 'HAS_PROPERTY':
      return actual !== null && actual !== '';
    case 'IN':
      return actual !== null && Array.isArray(f.values) && (f.values as unknown[]).some((v) => String(v).toLowerCase() === actual.toLowerCase());
    case 'GT':
      return actual !== null && value !== undefined && cmp(actual, value) > 0;
    case 'GTE':
      return actual !== null && value !== undefined && cmp(actual, value) >= 0;
    case 'LT':
      return actual !== null && value !== undefined && cmp(actual, value) < 0;
    case 'LTE':
      return actual !== null && value !== undefined && cmp(actual, value) <= 0;
    default:
      return false;
  }
}

/** A record as HubSpot answers it: the properties asked for plus the ones it always returns. */
function objectJson(o: CrmObject, properties: readonly string[]): Record<string, unknown> {
  const always = ['hs_object_id', 'createdate', 'lastmodifieddate'];
  const picked = Object.fromEntries([...new Set([...always, ...properties])].map((k) => [k, o.properties[k] ?? null]));
  return { id: o.id, properties: picked, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: o.archived };
}

function pipelineJson(p: Pipeline): Record<string, unknown> {
  return { ...p, stages: p.stages.filter((s) => !s.archived) };
}
