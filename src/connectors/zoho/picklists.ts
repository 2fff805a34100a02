import { z } from 'zod';
import type { ServiceValue } from '../../vocabulary/service-fields.ts';
import { CachedList } from '../remote/cached-list.ts';
import { ServiceRefusedError } from '../remote/errors.ts';
import type { DirectoryTiming } from './desk-directory.ts';
import { errorInfo, type Budget } from './http.ts';
import { apiUrl, type ZohoService } from './service.ts';

/** A picklist entry of the CRM's field metadata (`GET /crm/v8/settings/fields?module=…`). */
const crmFields = z.looseObject({
  fields: z.array(
    z.looseObject({
      api_name: z.string(),
      pick_list_values: z.array(z.looseObject({ actual_value: z.string(), display_value: z.string().optional() })).nullish(),
    }),
  ),
});

/** Zoho's placeholder entry of an optional picklist: not a value a record can hold. */
const NONE = '-None-';

/**
 * The values of one CRM picklist (the Deals module's Stage, the Leads module's Lead_Source), as
 * the org has them: read from the field metadata, which needs ZohoCRM.settings.fields.READ. The
 * stored value is `actual_value`, which inserts take; `display_value` is what the org renamed it to.
 * Pipelines' own stage subsets (`/crm/v8/settings/pipeline`) are not read: every stage of the
 * layout is offered.
 */
export function crmPicklist(crm: ZohoService, module: 'Deals' | 'Leads', apiName: string, timing: DirectoryTiming): CachedList<ServiceValue> {
  return new CachedList(async (budget) => {
    const res = await crm.api.send({ method: 'GET', url: apiUrl(crm.origin, '/crm/v8/settings/fields', { module }) }, budget);
    const parsed = crmFields.safeParse(res.body);
    if (res.status >= 300 || !parsed.success) throw new ServiceRefusedError(`Zoho CRM could not list the fields of ${module} (${said(res.status, res.body)})`);
    const field = parsed.data.fields.find((f) => f.api_name === apiName);
    return (field?.pick_list_values ?? [])
      .filter((v) => v.actual_value !== NONE)
      .map((v) => ({ value: v.actual_value, label: v.display_value || v.actual_value }));
  }, timing);
}

export type DeskPicklistField = 'status' | 'priority' | 'classification';
const DESK_PICKLISTS: readonly DeskPicklistField[] = ['status', 'priority', 'classification'];

export interface DeskPicklistValue {
  readonly field: DeskPicklistField;
  readonly value: string;
}

/**
 * The portal's ticket picklists from Desk's "Organization Fields" API
 * (`GET /api/v1/organizationFields?module=tickets`, its `allowedValues`): statuses, priorities and
 * classifications as the portal's admin configured them. The scope (Desk.settings.READ) and the
 * entry shape beyond apiName and allowedValues[].value are unconfirmed.
 */
export function deskPicklists(desk: ZohoService, orgId: (budget: Budget) => Promise<string>, timing: DirectoryTiming): CachedList<DeskPicklistValue> {
  const fields = z.looseObject({
    data: z.array(z.looseObject({ apiName: z.string(), allowedValues: z.array(z.looseObject({ value: z.string() })).nullish() })),
  });
  return new CachedList(async (budget) => {
    const org = await orgId(budget);
    const url = apiUrl(desk.origin, '/api/v1/organizationFields', { module: 'tickets' });
    const res = await desk.api.send({ method: 'GET', url, headers: { orgId: org } }, budget);
    const parsed = fields.safeParse(res.body);
    if (res.status >= 300 || !parsed.success) throw new ServiceRefusedError(`Zoho Desk could not list the ticket fields (${said(res.status, res.body)})`);
    return parsed.data.data.flatMap((f) => {
      const field = DESK_PICKLISTS.find((p) => p === f.apiName);
      return field ? (f.allowedValues ?? []).map((v) => ({ field, value: v.value })) : [];
    });
  }, timing);
}

function said(status: number, body: unknown): string {
  const { code, message } = errorInfo(body);
  return `${code ?? `HTTP ${status}`}${message ? `: ${message}` : ''}`;
}
