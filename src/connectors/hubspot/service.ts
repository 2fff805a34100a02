import type { CallContext } from '../../vocabulary/roles.ts';
import { blockBudget, type Budget } from '../remote/budget.ts';
import type { AccountDirectory } from './account.ts';
import type { HubSpotApi } from './http.ts';

/** What a role module needs: the caller, the account's cached directory, the block's time. */
export interface HubSpotService {
  readonly api: HubSpotApi;
  readonly directory: AccountDirectory;
  /** Per block: retries stop here. */
  readonly deadlineMs: number;
}

export function budgetFor(service: HubSpotService, ctx: CallContext): Budget {
  return blockBudget(ctx, service.deadlineMs, service.api.clock.now());
}
