import type { CallContext } from '../../vocabulary/roles.ts';
import { blockBudget } from '../remote/budget.ts';
import type { Budget, ZohoApi } from './http.ts';

/** What a Zoho service module needs to make calls: the shared caller, its host, the block's time. */
export interface ZohoService {
  readonly api: ZohoApi;
  readonly origin: string;
  /** Per block: retries stop here (the reference product's limit is 40 s). */
  readonly deadlineMs: number;
}

/** The block's own deadline when the caller gives one (time spent queued counts), else deadlineMs from now. */
export function budgetFor(service: ZohoService, ctx: CallContext): Budget {
  return blockBudget(ctx, service.deadlineMs, service.api.clock.now());
}

export { lookupSince } from '../remote/lookup-since.ts';

export function apiUrl(origin: string, path: string, query: Readonly<Record<string, string>> = {}): URL {
  const url = new URL(path, origin);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url;
}
