import { z } from 'zod';
import { CachedList } from '../remote/cached-list.ts';
import { IntegrationInvalidError, ServiceRefusedError } from '../remote/errors.ts';
import { errorInfo, type Budget } from './http.ts';
import { apiUrl, type ZohoService } from './service.ts';

const zohoId = z.union([z.string().min(1), z.number()]).transform(String);

const department = z.looseObject({
  id: zohoId,
  name: z.string(),
  isEnabled: z.boolean().default(true),
  isDefault: z.boolean().default(false),
});
export type DeskDepartment = z.infer<typeof department>;

const agent = z.looseObject({
  id: zohoId,
  emailId: z.string().default(''),
  name: z.string().default(''),
  associatedDepartmentIds: z.array(zohoId).optional(),
});
export type DeskAgent = z.infer<typeof agent>;

const organization = z.looseObject({ id: zohoId, companyName: z.string().optional(), portalName: z.string().optional() });

/** A Desk organisation (portal) as the admin picks it. */
export interface DeskOrganization {
  readonly id: string;
  readonly name: string;
}

/** Desk's page size limit for these lists. */
const PAGE = 200;
/** A directory with more than this many pages is not plausible; stop rather than loop. */
const MAX_PAGES = 20;

export interface DirectoryTiming {
  readonly ttlMs: number;
  readonly minRefetchMs: number;
}

/**
 * The Desk organisation's departments and agents, resolved by name/email or id through the
 * departments and agents APIs and cached for minutes (they change rarely, and every ticket needs
 * them). Active and disabled agents are fetched as separate lists, so "disabled" and "no such
 * agent" can be told apart.
 */
export class DeskDirectory {
  readonly #desk: ZohoService;
  #orgId: string | undefined;
  readonly departments: CachedList<DeskDepartment>;
  readonly activeAgents: CachedList<DeskAgent>;
  readonly disabledAgents: CachedList<DeskAgent>;

  constructor(desk: ZohoService, orgId: string | undefined, timing: DirectoryTiming) {
    this.#desk = desk;
    this.#orgId = orgId;
    this.departments = new CachedList((b) => this.#list('/api/v1/departments', {}, department, b), timing);
    this.activeAgents = new CachedList((b) => this.#list('/api/v1/agents', { status: 'ACTIVE' }, agent, b), timing);
    this.disabledAgents = new CachedList((b) => this.#list('/api/v1/agents', { status: 'DISABLED' }, agent, b), timing);
  }

  /**
   * The organisations (portals) this token can see, as `{id, name}` (GET /api/v1/organizations
   * needs no orgId header; scope Desk.basic.READ per zoho-api.md). The answer's shape is
   * `{data: [{id, companyName, portalName, …}]}` as zoho-api.md gives it; Zoho's own reference
   * page could not be reached from here, so fields beyond id/companyName/portalName are not relied on.
   */
  async organizations(budget: Budget): Promise<DeskOrganization[]> {
    const res = await this.#desk.api.send({ method: 'GET', url: apiUrl(this.#desk.origin, '/api/v1/organizations') }, budget);
    if (res.status === 204 || res.body === null) return [];
    const orgs = z.looseObject({ data: z.array(organization) }).safeParse(res.body);
    if (res.status >= 300 || !orgs.success) throw refused('list the organisations', res.status, res.body);
    return orgs.data.data.map((o) => ({ id: o.id, name: o.companyName || o.portalName || o.id }));
  }

  /**
   * The org id to send in the `orgId` header: the configured one, or — when none was configured —
   * the only organisation this token can see.
   */
  async orgId(budget: Budget): Promise<string> {
    if (this.#orgId !== undefined) return this.#orgId;
    const orgs = await this.organizations(budget);
    const [only, ...more] = orgs;
    if (!only || more.length > 0) {
      const names = orgs.map((o) => `${o.id}${o.name !== o.id ? ` (${o.name})` : ''}`).join(', ');
      throw new IntegrationInvalidError(
        only ? `the Zoho Desk integration needs an org id: this account sees several organisations: ${names}` : 'this Zoho account has no Desk organisation',
      );
    }
    this.#orgId = only.id;
    return only.id;
  }

  async #list<T>(path: string, filter: Record<string, string>, item: z.ZodType<T>, budget: Budget): Promise<T[]> {
    const orgId = await this.orgId(budget);
    const items: T[] = [];
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const url = apiUrl(this.#desk.origin, path, { ...filter, limit: String(PAGE), from: String(page * PAGE) });
      const res = await this.#desk.api.send({ method: 'GET', url, headers: { orgId } }, budget);
      if (res.status === 204 || res.body === null) break;
      const parsed = z.looseObject({ data: z.array(item) }).safeParse(res.body);
      if (res.status >= 300 || !parsed.success) throw refused(`list ${path.slice('/api/v1/'.length)}`, res.status, res.body);
      items.push(...parsed.data.data);
      if (parsed.data.data.length < PAGE) break;
    }
    return items;
  }
}

function refused(what: string, status: number, body: unknown): ServiceRefusedError {
  const { code, message } = errorInfo(body);
  return new ServiceRefusedError(`Zoho Desk could not ${what} (${code ?? `HTTP ${status}`}${message ? `: ${message}` : ''})`);
}
