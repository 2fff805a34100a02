import type { IncomingMessage } from 'node:http';
import { ALL_SCOPES, TokenStore, type AppCredentials } from './auth.ts';
import { z } from 'zod';
import { DEFAULT_FAULTS, faultsSchema, listen, type Faults } from './server.ts';
import { AccountData, OBJECT_TYPES, type CrmObject, type HubSpotList, type Owner, type Pipeline } from './state.ts';

export type { Faults } from './server.ts';
export type { AppCredentials } from './auth.ts';
export type { CrmObject, HubSpotList, Owner, Pipeline } from './state.ts';
export { ALL_SCOPES } from './auth.ts';

export interface FakeHubSpotOptions {
  /** 0 or absent: any free port. */
  readonly port?: number;
  readonly seed?: number;
}

/**
 * A fake HubSpot on 127.0.0.1 — the OAuth token endpoint and consent page, CRM v3 objects
 * (contacts, companies, deals, tickets) with search, pipelines, owners, properties and lists —
 * following HubSpot's published API: its error bodies (`{status:"error", message, correlationId,
 * category}`), its 409 "Contact already exists. Existing ID: N", its 429s with `policyName` and
 * X-HubSpot-RateLimit-* headers, its 401 EXPIRED_AUTHENTICATION and 403 MISSING_SCOPES.
 */
export interface FakeHubSpot {
  /** 'http://127.0.0.1:PORT': the API origin (apiUrl), which also serves the consent page. */
  readonly url: string;
  /** A ready app, granted every scope. */
  readonly app: AppCredentials;
  /** Registers another app with a grant of `scopes` (default: every scope). */
  addApp(app: AppCredentials, scopes?: readonly string[]): void;
  /** The grant's refresh is refused (BAD_REFRESH_TOKEN) and its access tokens stop working. */
  revoke(refreshToken: string): void;
  /** Every access token issued so far answers 401 EXPIRED_AUTHENTICATION. */
  expireAccessTokens(): void;
  /** What the consent page does with the next authorisation. */
  setConsent(answer: 'approve' | 'deny'): void;
  readonly faults: { set(f: Partial<Faults>): void; reset(): void; readonly current: Faults };
  readonly data: AccountData;
  readonly contacts: CrmObject[];
  readonly companies: CrmObject[];
  readonly deals: CrmObject[];
  readonly tickets: CrmObject[];
  readonly lists: HubSpotList[];
  readonly owners: Owner[];
  readonly ticketPipelines: Pipeline[];
  readonly dealPipelines: Pipeline[];
  readonly stats: { tokenRefreshes: number; requests: number; byRoute: Record<string, number> };
  /** Records, pipelines, owners, lists, faults and counters back to the seed; apps and tokens stay. */
  reset(): void;
  close(): Promise<void>;
}

/** `POST /__fake/properties`: a custom property the account adds (as an admin would in HubSpot's settings). */
const addPropertySchema = z.strictObject({
  objectType: z.enum(OBJECT_TYPES),
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower case letters, digits and underscores'),
  label: z.string().min(1).optional(),
  type: z.enum(['string', 'number', 'enumeration', 'datetime', 'date', 'bool']).optional(),
  readOnly: z.boolean().optional(),
  calculated: z.boolean().optional(),
  hidden: z.boolean().optional(),
});

/** A small seeded generator (mulberry32): the same faults for the same seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFakeHubSpot(opts: FakeHubSpotOptions = {}): Promise<FakeHubSpot> {
  const seed = opts.seed ?? 42;
  const data = new AccountData();
  const tokens = new TokenStore();
  const app: AppCredentials = {
    clientId: '5f1c2b9e-0d6a-4a0e-9c1e-hubspot-app',
    clientSecret: 'a8d4c0e2-secret-7b3f-hubspot',
    refreshToken: 'na1-7c0d-refresh-4e2b-hubspot',
  };
  tokens.addApp(app);
  let faults: Faults = { ...DEFAULT_FAULTS };
  let random = rng(seed);
  const stats = { requests: 0, byRoute: {} as Record<string, number> };

  const fake: FakeHubSpot = {
    get url() {
      return url;
    },
    app,
    addApp: (a, scopes = ALL_SCOPES) => tokens.addApp(a, scopes),
    revoke: (t) => tokens.revoke(t),
    expireAccessTokens: () => tokens.expireAll(),
    setConsent: (answer) => {
      tokens.consent = answer;
    },
    faults: {
      set: (f) => {
        faults = faultsSchema.parse({ ...faults, ...f });
      },
      reset: () => {
        faults = { ...DEFAULT_FAULTS };
      },
      get current() {
        return { ...faults };
      },
    },
    data,
    get contacts() {
      return data.objects.contacts;
    },
    get companies() {
      return data.objects.companies;
    },
    get deals() {
      return data.objects.deals;
    },
    get tickets() {
      return data.objects.tickets;
    },
    get lists() {
      return data.lists;
    },
    get owners() {
      return data.owners;
    },
    get ticketPipelines() {
      return data.ticketPipelines;
    },
    get dealPipelines() {
      return data.dealPipelines;
    },
    get stats() {
      return { tokenRefreshes: tokens.refreshes, requests: stats.requests, byRoute: { ...stats.byRoute } };
    },
    reset: () => {
      data.reset();
      faults = { ...DEFAULT_FAULTS };
      random = rng(seed);
      stats.requests = 0;
      stats.byRoute = {};
      tokens.refreshes = 0;
      tokens.consent = 'approve';
    },
    close: () => running.close(),
  };

  const control = (_req: IncomingMessage, path: string, body: unknown) => {
    switch (path) {
      case '/__fake/state':
        return {
          status: 200,
          body: {
            contacts: data.objects.contacts,
            companies: data.objects.companies,
            deals: data.objects.deals,
            tickets: data.objects.tickets,
            lists: data.lists,
            faults,
          },
        };
      case '/__fake/faults': {
        const parsed = faultsSchema.partial().safeParse(body ?? {});
        if (!parsed.success) return { status: 400, body: { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } };
        faults = { ...faults, ...parsed.data };
        return { status: 200, body: faults };
      }
      case '/__fake/properties': {
        const parsed = addPropertySchema.safeParse(body ?? {});
        if (!parsed.success) return { status: 400, body: { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } };
        const { objectType, ...property } = parsed.data;
        if (data.property(objectType, property.name)) return { status: 409, body: { error: `${objectType} already have a property ${property.name}` } };
        return { status: 201, body: data.addProperty(objectType, property) };
      }
      case '/__fake/expire-tokens':
        tokens.expireAll();
        return { status: 200, body: { ok: true } };
      case '/__fake/revoke': {
        const token = (body as { refreshToken?: unknown } | undefined)?.refreshToken;
        if (typeof token !== 'string') return { status: 400, body: { error: 'refreshToken is required' } };
        tokens.revoke(token);
        return { status: 200, body: { ok: true } };
      }
      case '/__fake/reset':
        fake.reset();
        return { status: 200, body: { ok: true } };
      default:
        return undefined;
    }
  };

  const running = await listen(
    { data, tokens: () => tokens, faults: () => faults, setFaults: (f) => (faults = f), random: () => random(), stats, control },
    opts.port ?? 0,
  );
  const url = `http://127.0.0.1:${running.port}`;
  return fake;
}
