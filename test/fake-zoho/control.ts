import { z } from 'zod';
import { faultsSchema } from './faults.ts';
import { json, parseJson } from './http.ts';
import type { ApiRequest, Reply } from './http.ts';
import type { FakeZoho } from './index.ts';
import { CRM_MODULES } from './state.ts';

/**
 * `/__fake/…`: the same switches as the programmatic API, as JSON over HTTP, so another process (a
 * person, a reliability test) can drive a running fake.
 */

const schemas = {
  faults: faultsSchema.partial(),
  revoke: z.strictObject({ refreshToken: z.string().min(1) }),
  reset: z.strictObject({ auth: z.boolean().optional() }),
  client: z.strictObject({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    refreshToken: z.string().min(1),
    scopes: z.array(z.string()).optional(),
  }),
  department: z.strictObject({ name: z.string().min(1), isEnabled: z.boolean().optional() }),
  organization: z.strictObject({ id: z.string().regex(/^\d+$/), companyName: z.string().min(1) }),
  agent: z.strictObject({
    email: z.string().min(1),
    name: z.string().min(1),
    status: z.enum(['ACTIVE', 'DISABLED']).optional(),
    departmentIds: z.array(z.string()).optional(),
  }),
  list: z.strictObject({ name: z.string().min(1), doubleOptIn: z.boolean().optional() }),
  settings: z.strictObject({ leadEmailUnique: z.boolean() }),
  crmRecord: z.record(z.string(), z.unknown()),
};

function body<T>(req: ApiRequest, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; reply: Reply } {
  const parsed = parseJson(req.rawBody);
  const input = parsed.ok ? parsed.value : parsed.empty ? {} : undefined;
  const checked = schema.safeParse(input);
  if (checked.success) return { ok: true, value: checked.data };
  return { ok: false, reply: json(400, { error: 'invalid body', issues: checked.error.issues }) };
}

export function handleControl(fake: FakeZoho, req: ApiRequest): Reply {
  const route = `${req.method} ${req.path.slice('/__fake/'.length)}`;
  const ok = (value: unknown = { ok: true }) => json(200, value);
  const with_ = <T>(schema: z.ZodType<T>, fn: (v: T) => Reply): Reply => {
    const b = body(req, schema);
    return b.ok ? fn(b.value) : b.reply;
  };
  switch (route) {
    case 'GET state':
      return ok({
        url: fake.url,
        orgId: fake.orgId,
        client: fake.client,
        leadEmailUnique: fake.leadEmailUnique,
        faults: fake.faults.current,
        stats: fake.stats,
        crm: fake.crm,
        desk: fake.desk,
        campaigns: fake.campaigns,
      });
    case 'GET stats':
      return ok(fake.stats);
    case 'GET faults':
      return ok(fake.faults.current);
    case 'POST faults':
      return with_(schemas.faults, (f) => (fake.faults.set(f), ok(fake.faults.current)));
    case 'POST faults/reset':
      return (fake.faults.reset(), ok(fake.faults.current));
    case 'POST expire-tokens':
      return (fake.expireAccessTokens(), ok());
    case 'POST revoke':
      return with_(schemas.revoke, (b) => (fake.revokeRefreshToken(b.refreshToken), ok()));
    case 'POST reset':
      return with_(schemas.reset, (b) => (fake.reset(b), ok({ ok: true, client: fake.client })));
    case 'POST clients':
      return with_(schemas.client, (c) => (fake.addClient(c), json(201, { ok: true })));
    case 'POST departments':
      return with_(schemas.department, (d) => json(201, fake.addDepartment(d)));
    case 'POST desk/organizations':
      return with_(schemas.organization, (o) => (fake.desk.otherOrganizations.push(o), json(201, o)));
    case 'POST agents':
      return with_(schemas.agent, (a) => json(201, fake.addAgent(a)));
    case 'POST lists':
      return with_(schemas.list, (l) => json(201, fake.addList(l.name, l.doubleOptIn === undefined ? {} : { doubleOptIn: l.doubleOptIn })));
    case 'POST settings':
      return with_(schemas.settings, (s) => (fake.setLeadEmailUnique(s.leadEmailUnique), ok({ leadEmailUnique: fake.leadEmailUnique })));
  }
  const crm = /^POST crm\/(\w+)$/.exec(route);
  const module = CRM_MODULES.find((m) => m === crm?.[1]);
  if (module) return with_(schemas.crmRecord, (fields) => json(201, fake.addCrmRecord(module, fields)));
  return json(404, { error: `unknown control route ${route}` });
}
