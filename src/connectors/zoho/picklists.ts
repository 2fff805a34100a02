import { z } from 'zod';
import type { ServiceValue } from '../../vocabulary/service-fields.ts';
import { CachedList } from '../remote/cached-list.ts';
import { IntegrationInvalidError, ServiceRefusedError } from '../remote/errors.ts';
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
 * Deal stages come per pipeline where the CRM has pipelines (crmDealStages below).
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

/**
 * The API names of one module's fields (the same metadata, `GET /crm/v8/settings/fields?module=…`),
 * for checking a block's extra `fields:` at publish. The connector sends `fields:` as given.
 */
export function crmFieldNames(crm: ZohoService, module: 'Leads' | 'Contacts' | 'Deals', timing: DirectoryTiming): CachedList<string> {
  return new CachedList(async (budget) => {
    const res = await crm.api.send({ method: 'GET', url: apiUrl(crm.origin, '/crm/v8/settings/fields', { module }) }, budget);
    const parsed = crmFields.safeParse(res.body);
    if (res.status >= 300 || !parsed.success) throw new ServiceRefusedError(`Zoho CRM could not list the fields of ${module} (${said(res.status, res.body)})`);
    return parsed.data.fields.map((f) => f.api_name);
  }, timing);
}

const layouts = z.looseObject({ layouts: z.array(z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) })) });
const pipelines = z.looseObject({
  pipeline: z.array(
    z.looseObject({
      display_value: z.string(),
      maps: z.array(z.looseObject({ actual_value: z.string(), display_value: z.string().optional() })).nullish(),
    }),
  ),
});

/**
 * The deal stages per pipeline, labelled "Stage — Pipeline", where the CRM has pipelines; else
 * the Stage picklist (`fallback`). Read from `GET /crm/v8/settings/layouts?module=Deals`
 * (ZohoCRM.settings.layouts.READ) and, per layout, `GET /crm/v8/settings/pipeline?layout_id=`
 * (ZohoCRM.settings.pipeline.READ), which answers 204 when the layout has no pipeline. Zoho's
 * pipeline page documents `pipeline[].display_value` and `maps[]` as the pipeline's stages; that
 * each map carries the stage's `actual_value`/`display_value` like a picklist entry is not
 * confirmed for v8. A grant without those scopes (or any refusal) falls back to the picklist, so
 * the builder still offers every stage. The value stays the stage (the bot file holds no pipeline).
 */
export function crmDealStages(crm: ZohoService, fallback: CachedList<ServiceValue>, timing: DirectoryTiming): CachedList<ServiceValue> {
  return new CachedList(async (budget) => {
    const staged = await pipelineStages(crm, budget).catch((err: unknown) => {
      if (err instanceof ServiceRefusedError || err instanceof IntegrationInvalidError) return [];
      throw err;
    });
    return staged.length > 0 ? staged : [...(await fallback.all(budget))];
  }, timing);
}

async function pipelineStages(crm: ZohoService, budget: Budget): Promise<ServiceValue[]> {
  const res = await crm.api.send({ method: 'GET', url: apiUrl(crm.origin, '/crm/v8/settings/layouts', { module: 'Deals' }) }, budget);
  const parsed = layouts.safeParse(res.body);
  if (res.status >= 300 || !parsed.success) throw new ServiceRefusedError(`Zoho CRM could not list the Deals layouts (${said(res.status, res.body)})`);
  const values: ServiceValue[] = [];
  for (const layout of parsed.data.layouts) {
    const answer = await crm.api.send({ method: 'GET', url: apiUrl(crm.origin, '/crm/v8/settings/pipeline', { layout_id: layout.id }) }, budget);
    if (answer.status === 204 || answer.body === null) continue;
    const listed = pipelines.safeParse(answer.body);
    if (answer.status >= 300 || !listed.success) throw new ServiceRefusedError(`Zoho CRM could not list the pipelines (${said(answer.status, answer.body)})`);
    for (const pipeline of listed.data.pipeline) {
      for (const stage of pipeline.maps ?? []) {
        const label = `${stage.display_value || stage.actual_value} — ${pipeline.display_value}`;
        if (!values.some((v) => v.label === label)) values.push({ value: stage.actual_value, label });
      }
    }
  }
  return values;
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
