import { CachedList } from '../remote/cached-list.ts';
import type { Budget } from '../remote/budget.ts';
import { ServiceRefusedError } from '../remote/errors.ts';
import { said, type HubSpotApi } from './http.ts';
import { readProperties, type Property, type PropertyObject } from './properties.ts';

export interface Stage {
  readonly id: string;
  readonly label: string;
}
export interface Pipeline {
  readonly id: string;
  readonly label: string;
  readonly stages: readonly Stage[];
}
export interface Owner {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}
export interface Option {
  readonly value: string;
  readonly label: string;
}
export interface List {
  readonly listId: string;
  readonly name: string;
  readonly processingType: string;
}

export interface Timing {
  readonly ttlMs: number;
  readonly minRefetchMs: number;
}

/**
 * What the account has that blocks name: deal and ticket pipelines with their stages, the active
 * owners, the ticket priority and category options, the contact lists and the contact and deal
 * properties — each cached (a few
 * minutes), fetched once for all callers, and fetched again when a name is missing.
 */
export class AccountDirectory {
  readonly dealPipelines: CachedList<Pipeline>;
  readonly ticketPipelines: CachedList<Pipeline>;
  /** Active owners only: `archived=false` (a deactivated user's owner is archived). */
  readonly owners: CachedList<Owner>;
  readonly priorities: CachedList<Option>;
  readonly categories: CachedList<Option>;
  readonly lists: CachedList<List>;
  /** The contact and deal properties a block's extra `fields:` may name, custom ones included. */
  readonly properties: Readonly<Record<PropertyObject, CachedList<Property>>>;

  constructor(api: HubSpotApi, timing: Timing) {
    const read = async (path: string, what: string, budget: Budget): Promise<unknown> => {
      const res = await api.send({ method: 'GET', path }, budget);
      if (res.status >= 300) throw new ServiceRefusedError(`HubSpot refused to list ${what}: ${said(res.status, res.body)}`);
      return res.body;
    };
    const pipelines = (type: 'deals' | 'tickets') => async (budget: Budget) => {
      const body = (await read(`/crm/v3/pipelines/${type}`, `the ${type.replace(/s$/, '')} pipelines`, budget)) as { results?: unknown };
      return asArray(body?.results)
        .filter((p) => p['archived'] !== true)
        .sort((a, b) => Number(a['displayOrder'] ?? 0) - Number(b['displayOrder'] ?? 0))
        .map((p) => ({
          id: String(p['id']),
          label: String(p['label'] ?? p['id']),
          stages: asArray(p['stages'])
            .filter((s) => s['archived'] !== true)
            .sort((a, b) => Number(a['displayOrder'] ?? 0) - Number(b['displayOrder'] ?? 0))
            .map((s) => ({ id: String(s['id']), label: String(s['label'] ?? s['id']) })),
        }));
    };
    const options = (name: string) => async (budget: Budget) => {
      const body = (await read(`/crm/v3/properties/tickets/${name}`, `the options of ${name}`, budget)) as { options?: unknown };
      return asArray(body?.options)
        .filter((o) => o['hidden'] !== true)
        .map((o) => ({ value: String(o['value']), label: String(o['label'] ?? o['value']) }));
    };
    this.dealPipelines = new CachedList(pipelines('deals'), timing);
    this.ticketPipelines = new CachedList(pipelines('tickets'), timing);
    this.priorities = new CachedList(options('hs_ticket_priority'), timing);
    this.categories = new CachedList(options('hs_ticket_category'), timing);
    this.properties = { contacts: new CachedList(readProperties(api, 'contacts'), timing), deals: new CachedList(readProperties(api, 'deals'), timing) };
    this.owners = new CachedList(async (budget) => {
      const out: Owner[] = [];
      let after: string | undefined;
      // Pages of 100 until HubSpot gives no `paging.next`; bounded so a broken paging cannot loop.
      for (let page = 0; page < 50; page += 1) {
        const body = (await read(`/crm/v3/owners?archived=false&limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`, 'the owners', budget)) as {
          results?: unknown;
          paging?: { next?: { after?: unknown } };
        };
        for (const o of asArray(body?.results)) {
          if (o['archived'] === true) continue;
          const name = [o['firstName'], o['lastName']].filter((v) => typeof v === 'string' && v !== '').join(' ');
          out.push({ id: String(o['id']), email: String(o['email'] ?? ''), name });
        }
        after = typeof body?.paging?.next?.after === 'string' ? body.paging.next.after : undefined;
        if (!after) break;
      }
      return out;
    }, timing);
    this.lists = new CachedList(async (budget) => {
      const out: List[] = [];
      let offset = 0;
      for (let page = 0; page < 50; page += 1) {
        const res = await api.send(
          { method: 'POST', path: '/crm/v3/lists/search', json: { query: '', processingTypes: ['MANUAL', 'SNAPSHOT', 'DYNAMIC'], offset, count: 100 } },
          budget,
        );
        if (res.status >= 300) throw new ServiceRefusedError(`HubSpot refused to list the lists: ${said(res.status, res.body)}`);
        const body = res.body as { lists?: unknown; hasMore?: unknown; offset?: unknown };
        for (const l of asArray(body?.lists)) {
          // Contact lists only (objectTypeId 0-1): a list of companies cannot take a visitor.
          if (l['objectTypeId'] !== undefined && l['objectTypeId'] !== '0-1') continue;
          out.push({ listId: String(l['listId']), name: String(l['name'] ?? ''), processingType: String(l['processingType'] ?? '') });
        }
        if (body?.hasMore !== true || typeof body.offset !== 'number') break;
        offset = body.offset;
      }
      return out;
    }, timing);
  }

  all(): CachedList<unknown>[] {
    return [
      this.dealPipelines,
      this.ticketPipelines,
      this.owners,
      this.priorities,
      this.categories,
      this.lists,
      this.properties.contacts,
      this.properties.deals,
    ];
  }
}

function asArray(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];
}

/** A value named by its id/internal value or its label, ignoring case and surrounding spaces. */
export function named<T>(items: readonly T[], name: string, keys: (item: T) => readonly string[]): T | undefined {
  const wanted = name.trim().toLowerCase();
  return items.find((item) => keys(item).some((k) => k.trim().toLowerCase() === wanted));
}
