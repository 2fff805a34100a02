import { z } from 'zod';
import { Auth, type Client, type Consent } from './auth.ts';
import { FaultInjector, faultsSchema, type Faults } from './faults.ts';
import { FakeOrg, type DuplicateRule, type SfRecord } from './org.ts';
import { listen, type Reply, type Stats } from './server.ts';

export type { Client } from './auth.ts';
export type { Faults } from './faults.ts';
export type { SfRecord, DuplicateRule } from './org.ts';

export interface FakeSalesforce {
  /** `http://127.0.0.1:PORT`: the login server and the org's instance_url. */
  readonly url: string;
  /** A connected app with a refresh token of the integration user. */
  readonly client: Client;
  /** A connected app registered with the fake (a test's own, to revoke without touching others'). */
  newClient(scopes?: readonly string[], opts?: { rotateRefreshTokens?: boolean }): Client;
  addClient(c: Client): void;
  revokeRefreshToken(refreshToken: string): void;
  /** Every session issued so far answers 401 INVALID_SESSION_ID. */
  expireSessions(): void;
  setConsent(consent: Consent): void;
  readonly faults: { set(f: Partial<Faults>): void; reset(): void; readonly current: Faults };
  /** The org: records per object (edit in place), its metadata, its duplicate rule. */
  readonly org: FakeOrg;
  records(object: string): SfRecord[];
  setDuplicateRule(rule: DuplicateRule): void;
  readonly stats: { tokenRefreshes: number; requests: number; byRoute: Record<string, number> };
  /** Records, metadata, faults and stats back to the seeded org; clients and sessions survive unless `auth`. */
  reset(opts?: { auth?: boolean }): void;
  close(): Promise<void>;
}

export interface FakeSalesforceOptions {
  port?: number;
  seed?: number;
}

const control = {
  faults: faultsSchema.partial(),
  revoke: z.strictObject({ refreshToken: z.string().min(1) }),
  reset: z.strictObject({ auth: z.boolean().optional() }),
  duplicateRule: z.strictObject({ rule: z.enum(['block', 'block-without-match', 'off']) }),
  record: z.strictObject({ object: z.string().min(1), fields: z.record(z.string(), z.unknown()) }),
};

/** Starts the fake on 127.0.0.1 (any free port unless `port`). */
export async function startFakeSalesforce(opts: FakeSalesforceOptions = {}): Promise<FakeSalesforce> {
  const org = new FakeOrg();
  const faults = new FaultInjector(opts.seed ?? 42);
  let auth = new Auth();
  const stats: Stats = { requests: 0, byRoute: {} };
  let url = '';

  const fake: FakeSalesforce = {
    get url() {
      return url;
    },
    get client() {
      return auth.client;
    },
    newClient: (scopes, o) => auth.newClient(scopes, o),
    addClient: (c) => auth.addClient(c),
    revokeRefreshToken: (t) => auth.revoke(t),
    expireSessions: () => auth.expireAll(),
    setConsent: (c) => {
      auth.consent = c;
    },
    faults: {
      set: (f) => faults.set(f),
      reset: () => faults.reset(),
      get current() {
        return faults.current;
      },
    },
    org,
    records: (object) => org.table(object),
    setDuplicateRule: (rule) => {
      org.duplicateRule = rule;
    },
    get stats() {
      return { tokenRefreshes: auth.refreshes, requests: stats.requests, byRoute: { ...stats.byRoute } };
    },
    reset: (o) => {
      org.reset();
      faults.reset();
      stats.requests = 0;
      stats.byRoute = {};
      if (o?.auth) auth = new Auth();
      else auth.refreshes = 0;
      auth.consent = 'approve';
    },
    close: () => running.close(),
  };

  const handle = (method: string, path: string, body: unknown): Reply => {
    const ok = (value: unknown = { ok: true }): Reply => ({ status: 200, body: value });
    const parse = <T>(schema: z.ZodType<T>, fn: (v: T) => Reply): Reply => {
      const checked = schema.safeParse(body);
      return checked.success ? fn(checked.data) : { status: 400, body: { error: 'invalid body', issues: checked.error.issues } };
    };
    switch (`${method} ${path}`) {
      case 'GET state':
        return ok({ url, client: auth.client, faults: faults.current, stats: fake.stats, records: Object.fromEntries(org.records) });
      case 'POST faults':
        return parse(control.faults, (f) => (faults.set(f), ok(faults.current)));
      case 'POST expire-sessions':
        return (auth.expireAll(), ok());
      case 'POST revoke':
        return parse(control.revoke, (b) => (auth.revoke(b.refreshToken), ok()));
      case 'POST reset':
        return parse(control.reset, (b) => (fake.reset(b), ok({ client: auth.client })));
      case 'POST duplicate-rule':
        return parse(control.duplicateRule, (b) => (fake.setDuplicateRule(b.rule), ok()));
      case 'POST records':
        return parse(control.record, (b) => ({ status: 201, body: org.insert(b.object, b.fields) }));
    }
    return { status: 404, body: { error: `unknown control route ${method} ${path}` } };
  };

  const running = await listen({ org, auth: () => auth, faults, stats, url: () => url, control: handle }, opts.port ?? 0);
  url = `http://127.0.0.1:${running.port}`;
  return fake;
}
