import { FIELDS, isEmpty, recordError, validateRecord } from './crm-fields.ts';
import type { RecordError } from './crm-fields.ts';
import { checkColumns, parseCoql, runCoql } from './crm-coql.ts';
import { matchesCriteria, parseCriteria } from './crm-criteria.ts';
import { QueryError } from './crm-match.ts';
import type { FaultInjector } from './faults.ts';
import { crmTime, isPlainObject, json, parseJson } from './http.ts';
import type { ApiRequest, Reply, Route, Service } from './http.ts';
import { CRM_MODULES, CRM_ORG_ID, CRM_OWNER } from './state.ts';
import type { CrmModule, CrmRecord, FakeData } from './state.ts';

/** Zoho CRM v8 (zoho-api.md §2): insert, upsert, search, COQL, org, settings/fields, layouts and pipelines. */

const MAX_RECORDS = 100;
const MODULE_IDS: Record<CrmModule, string> = {
  Leads: '5725767000000002175',
  Contacts: '5725767000000002179',
  Deals: '5725767000000002181',
  Accounts: '5725767000000002177',
};
/** Fields Zoho checks for duplicates in upsert when `duplicate_check_fields` is absent. */
const SYSTEM_DUPLICATE_FIELD: Record<CrmModule, string> = {
  Leads: 'Email',
  Contacts: 'Email',
  Deals: 'Deal_Name',
  Accounts: 'Account_Name',
};

function topLevel(status: number, code: string, message: string, details: Record<string, unknown> = {}): Reply {
  return json(status, { code, details, message, status: 'error' });
}

const invalidModule = () => topLevel(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 });

function asModule(name: string | undefined): CrmModule | undefined {
  return CRM_MODULES.find((m) => m === name);
}

function sameText(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

function owner() {
  return { name: CRM_OWNER.name, id: CRM_OWNER.id };
}

function successItem(record: CrmRecord, extra: Record<string, unknown>, message: string) {
  return {
    code: 'SUCCESS',
    ...extra,
    details: {
      Modified_Time: record['Modified_Time'],
      Modified_By: owner(),
      Created_Time: record.Created_Time,
      id: record.id,
      Created_By: owner(),
      $approval_state: 'approved',
    },
    message,
    status: 'success',
  };
}

function duplicateError(module: CrmModule, existing: CrmRecord, index: number): RecordError {
  return recordError('DUPLICATE_DATA', 'duplicate data', {
    api_name: 'Email',
    json_path: `$.data[${index}].Email`,
    id: existing.id,
    more_records: false,
    duplicate_record: {
      id: existing.id,
      Owner: { name: CRM_OWNER.name, id: CRM_OWNER.id, zuid: CRM_OWNER.zuid },
      module: { api_name: module, id: MODULE_IDS[module] },
    },
  });
}

export function crmService(data: FakeData, faults: FaultInjector): Service {
  const lookupRecord = (module: CrmModule, id: string) => data.crm[module].find((r) => r.id === id);

  /** The stored record whose Email equals this one, when the org forbids duplicate emails. */
  function duplicateOf(module: CrmModule, fields: Record<string, unknown>): CrmRecord | undefined {
    if ((module !== 'Leads' && module !== 'Contacts') || !data.leadEmailUnique || isEmpty(fields['Email'])) return undefined;
    return data.crm[module].find((r) => sameText(r['Email'], fields['Email']));
  }

  function insertOne(module: CrmModule, input: Record<string, unknown>, index: number): { record: CrmRecord } | { error: RecordError } {
    const checked = validateRecord(module, input, index, { requireMandatory: true, lookupRecord });
    if (!checked.ok) return { error: checked.error };
    const dup = duplicateOf(module, checked.fields);
    if (dup) return { error: duplicateError(module, dup, index) };
    return { record: data.addCrmRecord(module, checked.fields) };
  }

  function upsertOne(module: CrmModule, input: Record<string, unknown>, index: number, checkFields: string[]) {
    for (const field of checkFields) {
      if (isEmpty(input[field])) continue;
      const match = data.crm[module].find((r) => sameText(r[field], input[field]) || (r[field] === input[field] && r[field] !== undefined));
      if (!match) continue;
      const checked = validateRecord(module, input, index, { requireMandatory: false, lookupRecord });
      if (!checked.ok) return checked.error;
      Object.assign(match, checked.fields, { Modified_Time: crmTime(Date.now()) });
      if (module === 'Leads' || module === 'Contacts') {
        match['Full_Name'] = [match['First_Name'], match['Last_Name']].filter((v) => typeof v === 'string' && v).join(' ');
      }
      return successItem(match, { duplicate_field: field, action: 'update' }, 'record updated');
    }
    const result = insertOne(module, input, index);
    return 'error' in result ? result.error : successItem(result.record, { duplicate_field: null, action: 'insert' }, 'record added');
  }

  function write(module: CrmModule, req: ApiRequest, mode: 'insert' | 'upsert'): Reply {
    const parsed = parseJson(req.rawBody);
    if (!parsed.ok && !parsed.empty) return topLevel(400, 'INVALID_DATA', 'the JSON body is not valid', { expected_data_type: 'jsonobject' });
    const body = parsed.ok ? parsed.value : undefined;
    const records = isPlainObject(body) ? body['data'] : undefined;
    if (records === undefined || (Array.isArray(records) && records.length === 0)) {
      return topLevel(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'data', json_path: '$.data' });
    }
    if (!Array.isArray(records)) {
      return topLevel(400, 'INVALID_DATA', 'invalid data', { expected_data_type: 'jsonarray', api_name: 'data', json_path: '$.data' });
    }
    if (records.length > MAX_RECORDS) {
      return topLevel(400, 'LIMIT_EXCEEDED', 'limit exceeded', { limit: MAX_RECORDS, api_name: 'data', json_path: '$.data' });
    }
    let checkFields = [SYSTEM_DUPLICATE_FIELD[module]];
    if (mode === 'upsert' && isPlainObject(body) && body['duplicate_check_fields'] !== undefined) {
      const given = body['duplicate_check_fields'];
      if (!Array.isArray(given) || !given.every((f) => typeof f === 'string')) {
        return topLevel(400, 'INVALID_DATA', 'invalid data', { api_name: 'duplicate_check_fields', json_path: '$.duplicate_check_fields' });
      }
      checkFields = given;
    }
    const results = records.map((rec: unknown, i) => {
      if (!isPlainObject(rec)) return recordError('INVALID_DATA', 'invalid data', { expected_data_type: 'jsonobject', json_path: `$.data[${i}]` });
      if (mode === 'upsert') return upsertOne(module, rec, i, checkFields);
      const result = insertOne(module, rec, i);
      return 'error' in result ? result.error : successItem(result.record, {}, 'record added');
    });
    const successes = results.filter((r) => r.status === 'success').length;
    const allOk = mode === 'upsert' ? 200 : 201;
    const status = successes === results.length ? allOk : successes === 0 ? 400 : 207;
    return { status, body: { data: results }, committed: successes > 0 };
  }

  function search(module: CrmModule, req: ApiRequest): Reply {
    const q = req.query;
    const lagCutoff = Date.now() - faults.searchLagMs;
    const visible = data.crm[module].filter((r) => faults.searchLagMs === 0 || Date.parse(r.Created_Time ?? '') <= lagCutoff);
    let match: (r: CrmRecord) => boolean;
    const criteria = q.get('criteria');
    const email = q.get('email');
    const phone = q.get('phone');
    const word = q.get('word');
    if (criteria) {
      let tree;
      try {
        tree = parseCriteria(criteria);
      } catch (e) {
        if (e instanceof QueryError) return topLevel(400, e.code, e.message, e.details);
        throw e;
      }
      match = (r) => matchesCriteria(tree, module, r);
    } else if (email) {
      match = (r) => sameText(r['Email'], email) || sameText(r['Secondary_Email'], email);
    } else if (phone) {
      const digits = phone.replace(/\D/g, '');
      const phoneFields = ['Phone', 'Mobile', 'Home_Phone', 'Other_Phone'];
      match = (r) => digits !== '' && phoneFields.some((f) => typeof r[f] === 'string' && (r[f] as string).replace(/\D/g, '').includes(digits));
    } else if (word) {
      const w = word.toLowerCase();
      match = (r) => Object.values(r).some((v) => typeof v === 'string' && v.toLowerCase().includes(w));
    } else {
      return topLevel(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'criteria' });
    }
    const page = Math.max(1, Number(q.get('page') ?? 1) || 1);
    const perPage = Math.min(200, Math.max(1, Number(q.get('per_page') ?? 200) || 200));
    const hits = visible.filter(match);
    const slice = hits.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return { status: 204 };
    return json(200, {
      data: slice.map((r) => structuredClone(r)),
      info: { per_page: perPage, count: slice.length, page, more_records: hits.length > page * perPage },
    });
  }

  function coql(req: ApiRequest): Reply {
    const parsed = parseJson(req.rawBody);
    const query = parsed.ok && isPlainObject(parsed.value) ? parsed.value['select_query'] : undefined;
    if (typeof query !== 'string' || query.trim() === '') {
      return topLevel(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'select_query', json_path: '$.select_query' });
    }
    try {
      const q = parseCoql(query);
      checkColumns(q, data.crm[q.module]);
      const { rows, more } = runCoql(q, data.crm[q.module]);
      if (rows.length === 0) return { status: 204 };
      return json(200, { data: rows, info: { count: rows.length, more_records: more } });
    } catch (e) {
      if (e instanceof QueryError) return topLevel(400, e.code, e.message, e.details);
      throw e;
    }
  }

  /** The one Deals layout ("Standard"); other modules' layouts are not modelled. */
  const DEALS_LAYOUT = '5725767000000091055';
  function layoutsOf(req: ApiRequest): Reply {
    const name = req.query.get('module');
    if (!name) return topLevel(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'module' });
    const module = asModule(name);
    if (!module) return invalidModule();
    const id = module === 'Deals' ? DEALS_LAYOUT : `${DEALS_LAYOUT.slice(0, -3)}${CRM_MODULES.indexOf(module)}00`;
    return json(200, { layouts: [{ id, name: 'Standard', api_name: 'Standard', status: 'active', visible: true }] });
  }

  /** Zoho's pipeline API: layout_id is mandatory; 204 when the layout has no pipeline. */
  function pipelinesOf(req: ApiRequest): Reply {
    const layout = req.query.get('layout_id');
    if (!layout) return topLevel(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'layout_id' });
    if (layout !== DEALS_LAYOUT || data.dealPipelines.length === 0) return { status: 204 };
    return json(200, {
      pipeline: data.dealPipelines.map((p, i) => ({
        id: `57257670000010${String(i).padStart(5, '0')}`,
        display_value: p.name,
        actual_value: p.name,
        default: i === 0,
        maps: p.stages.map((stage, j) => ({
          id: `57257670000020${String(i * 100 + j).padStart(5, '0')}`,
          display_value: stage,
          actual_value: stage,
          sequence_number: j + 1,
        })),
      })),
    });
  }

  function fieldsOf(req: ApiRequest): Reply {
    const name = req.query.get('module');
    if (!name) return topLevel(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'module' });
    const module = asModule(name);
    if (!module) return invalidModule();
    return json(200, {
      fields: FIELDS[module].map((f) => ({
        api_name: f.api_name,
        data_type: f.data_type,
        length: f.length ?? null,
        system_mandatory: f.system_mandatory ?? false,
        pick_list_values: (f.values ?? f.listed ?? []).map((v) => ({ display_value: v, actual_value: v })),
        lookup: f.lookup ? { module: { api_name: f.lookup } } : {},
      })),
    });
  }

  const moduleScope = (op: string) => (params: string[]) => {
    const module = asModule(params[0]);
    return module ? [`ZohoCRM.modules.${module.toLowerCase()}.${op}`] : [];
  };
  const withModule = (fn: (module: CrmModule, req: ApiRequest) => Reply) => (req: ApiRequest, params: string[]) => {
    const module = asModule(params[0]);
    return module ? fn(module, req) : invalidModule();
  };

  const routes: Route[] = [
    { method: 'POST', pattern: /^\/crm\/v8\/coql$/, scopes: () => ['ZohoCRM.coql.READ', 'ZohoCRM.settings.fields.READ'], handle: coql },
    {
      method: 'GET',
      pattern: /^\/crm\/v8\/org$/,
      scopes: () => ['ZohoCRM.org.READ'],
      handle: () =>
        json(200, { org: [{ id: CRM_ORG_ID, company_name: 'Fake Zoho KK', primary_email: CRM_OWNER.email, time_zone: 'UTC', domain_name: 'org60000001' }] }),
    },
    { method: 'GET', pattern: /^\/crm\/v8\/settings\/fields$/, scopes: () => ['ZohoCRM.settings.fields.READ'], handle: fieldsOf },
    { method: 'GET', pattern: /^\/crm\/v8\/settings\/layouts$/, scopes: () => ['ZohoCRM.settings.layouts.READ'], handle: layoutsOf },
    { method: 'GET', pattern: /^\/crm\/v8\/settings\/pipeline$/, scopes: () => ['ZohoCRM.settings.pipeline.READ'], handle: pipelinesOf },
    {
      method: 'GET',
      pattern: /^\/crm\/v8\/([A-Za-z_]+)\/search$/,
      scopes: (p) => [...moduleScope('READ')(p), 'ZohoSearch.securesearch.READ'],
      handle: withModule(search),
    },
    { method: 'POST', pattern: /^\/crm\/v8\/([A-Za-z_]+)\/upsert$/, scopes: moduleScope('CREATE'), handle: withModule((m, r) => write(m, r, 'upsert')) },
    { method: 'POST', pattern: /^\/crm\/v8\/([A-Za-z_]+)$/, scopes: moduleScope('CREATE'), handle: withModule((m, r) => write(m, r, 'insert')) },
  ];

  return {
    prefix: '/crm/',
    routes,
    error(status) {
      if (status === 401) return topLevel(401, 'INVALID_TOKEN', 'invalid oauth token');
      if (status === 403) return topLevel(403, 'NO_PERMISSION', 'Permission denied');
      if (status === 404) return topLevel(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
      if (status === 405) return topLevel(405, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one');
      if (status === 429) return topLevel(429, 'TOO_MANY_REQUESTS', 'too many requests');
      if (status >= 500) return topLevel(status, 'INTERNAL_ERROR', 'Internal Server Error');
      return topLevel(status, 'INVALID_DATA', 'invalid data');
    },
    unauthorized(_req, reason) {
      return reason === 'scope' ? topLevel(401, 'OAUTH_SCOPE_MISMATCH', 'Unauthorized') : topLevel(401, 'INVALID_TOKEN', 'invalid oauth token');
    },
  };
}
