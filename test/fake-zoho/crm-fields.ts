import { EMAIL_RE, isPlainObject } from './http.ts';
import type { CrmModule, CrmRecord } from './state.ts';

/** The fake org's field layout: drives insert validation, COQL column checks and `settings/fields`. */
export interface FieldDef {
  api_name: string;
  data_type: 'text' | 'textarea' | 'email' | 'phone' | 'date' | 'datetime' | 'currency' | 'integer' | 'boolean' | 'picklist' | 'lookup' | 'website';
  length?: number;
  system_mandatory?: boolean;
  /** A restricted picklist's values. */
  values?: readonly string[];
  /**
   * An unrestricted picklist's values: listed in `settings/fields`, other values still accepted on
   * insert (whether Zoho refuses an unlisted Lead_Source is unconfirmed; the fake does not).
   */
  listed?: readonly string[];
  lookup?: CrmModule;
}

const text = (api_name: string, length = 255): FieldDef => ({ api_name, data_type: 'text', length });
const mandatoryText = (api_name: string): FieldDef => ({ ...text(api_name), system_mandatory: true });
const email = (api_name: string): FieldDef => ({ api_name, data_type: 'email', length: 100 });
const phone = (api_name: string): FieldDef => ({ api_name, data_type: 'phone', length: 30 });
const of = (api_name: string, data_type: FieldDef['data_type']): FieldDef => ({ api_name, data_type });
const lookup = (api_name: string, module: CrmModule): FieldDef => ({ api_name, data_type: 'lookup', lookup: module });
const description: FieldDef = { api_name: 'Description', data_type: 'textarea', length: 32_000 };

export const DEAL_STAGES = [
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
  'Closed Lost to Competition',
] as const;

/** Zoho's default Lead Source values of a new org. */
export const LEAD_SOURCES = [
  'Advertisement',
  'Cold Call',
  'Employee Referral',
  'External Referral',
  'Online Store',
  'Partner',
  'Public Relations',
  'Sales Email Alias',
  'Seminar Partner',
  'Internal Seminar',
  'Trade Show',
  'Web Download',
  'Web Research',
  'Chat',
] as const;
const leadSource: FieldDef = { api_name: 'Lead_Source', data_type: 'picklist', listed: LEAD_SOURCES };

const address = (p: string) => [text(`${p}Street`), text(`${p}City`), text(`${p}State`), text(`${p}Code`), text(`${p}Country`)];

export const FIELDS: Record<CrmModule, readonly FieldDef[]> = {
  Leads: [
    mandatoryText('Last_Name'),
    text('First_Name'),
    text('Salutation'),
    email('Email'),
    email('Secondary_Email'),
    phone('Phone'),
    phone('Mobile'),
    phone('Fax'),
    text('Company'),
    text('Designation'),
    of('Website', 'website'),
    leadSource,
    text('Lead_Status'),
    text('Industry'),
    text('Rating'),
    of('Annual_Revenue', 'currency'),
    of('No_of_Employees', 'integer'),
    of('Email_Opt_Out', 'boolean'),
    description,
    text('Street'),
    text('City'),
    text('State'),
    text('Zip_Code'),
    text('Country'),
  ],
  Contacts: [
    mandatoryText('Last_Name'),
    text('First_Name'),
    text('Salutation'),
    email('Email'),
    email('Secondary_Email'),
    phone('Phone'),
    phone('Mobile'),
    phone('Home_Phone'),
    phone('Other_Phone'),
    phone('Fax'),
    phone('Asst_Phone'),
    lookup('Account_Name', 'Accounts'),
    text('Title'),
    text('Department'),
    leadSource,
    of('Date_of_Birth', 'date'),
    of('Email_Opt_Out', 'boolean'),
    description,
    ...address('Mailing_'),
  ],
  Deals: [
    mandatoryText('Deal_Name'),
    { api_name: 'Stage', data_type: 'picklist', system_mandatory: true, values: DEAL_STAGES },
    { api_name: 'Pipeline', data_type: 'picklist', values: ['Standard (Standard)'] },
    of('Closing_Date', 'date'),
    of('Amount', 'currency'),
    of('Expected_Revenue', 'currency'),
    of('Probability', 'integer'),
    lookup('Contact_Name', 'Contacts'),
    lookup('Account_Name', 'Accounts'),
    text('Type'),
    leadSource,
    text('Next_Step'),
    description,
  ],
  Accounts: [
    mandatoryText('Account_Name'),
    phone('Phone'),
    phone('Fax'),
    of('Website', 'website'),
    text('Account_Type'),
    text('Industry'),
    of('Annual_Revenue', 'currency'),
    of('Employees', 'integer'),
    description,
    ...address('Billing_'),
    ...address('Shipping_'),
  ],
};

/** Set by Zoho, ignored in input. */
export const SYSTEM_FIELDS = ['id', 'Owner', 'Created_Time', 'Modified_Time', 'Created_By', 'Modified_By', 'Full_Name'];

export function fieldDef(module: CrmModule, apiName: string): FieldDef | undefined {
  return FIELDS[module].find((f) => f.api_name === apiName);
}

/** A record-level error item, as inside `data[]`. */
export interface RecordError {
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: 'error';
}

export function recordError(code: string, message: string, details: Record<string, unknown>): RecordError {
  return { code, details, message, status: 'error' };
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const PHONE_RE = /^\+?[0-9\s\-()./#*]+(\s*(x|ext\.?)\s*[0-9]+)?$/i;

export function isCrmDate(v: string): boolean {
  const m = DATE_RE.exec(v);
  if (!m) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.getUTCDate() === Number(m[3]) && d.getUTCMonth() + 1 === Number(m[2]);
}

export function isCrmDateTime(v: string): boolean {
  return DATETIME_RE.test(v) && !Number.isNaN(Date.parse(v));
}

export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** Checks one value against its field type; returns the stored value, or the error `details` to report. */
function checkValue(
  def: FieldDef,
  value: unknown,
  lookupRecord: (module: CrmModule, id: string) => CrmRecord | undefined,
): { ok: true; value: unknown } | { ok: false; details: Record<string, unknown>; message?: string } {
  const bad = (extra: Record<string, unknown> = {}, message?: string) =>
    ({ ok: false, details: { expected_data_type: def.data_type, ...extra }, message }) as const;
  if (value === null) return { ok: true, value: null };
  switch (def.data_type) {
    case 'email':
      if (typeof value !== 'string' || (value !== '' && !EMAIL_RE.test(value))) return bad();
      break;
    case 'phone':
      if (typeof value !== 'string' || (value !== '' && !PHONE_RE.test(value))) return bad();
      break;
    case 'date':
      if (typeof value !== 'string' || !isCrmDate(value)) return bad();
      break;
    case 'datetime':
      if (typeof value !== 'string' || !isCrmDateTime(value)) return bad();
      break;
    case 'currency':
      if (typeof value !== 'number' || !Number.isFinite(value)) return bad();
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return bad();
      if (def.api_name === 'Probability' && (value < 0 || value > 100)) return bad();
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return bad();
      break;
    case 'picklist':
      if (typeof value !== 'string' || (def.values && !def.values.includes(value))) return bad();
      break;
    case 'lookup': {
      const id = isPlainObject(value) ? value['id'] : undefined;
      if (typeof id !== 'string' && typeof id !== 'number') return bad();
      const target = def.lookup ? lookupRecord(def.lookup, String(id)) : undefined;
      if (!target) return bad({}, 'the id given seems to be invalid');
      const name = target['Full_Name'] ?? target['Account_Name'] ?? target['Deal_Name'] ?? null;
      return { ok: true, value: { id: target.id, name } };
    }
    default:
      if (typeof value === 'object') return bad();
  }
  if (def.length !== undefined && typeof value === 'string' && value.length > def.length) {
    return bad({ maximum_length: def.length });
  }
  return { ok: true, value };
}

/**
 * Validates one input record in Zoho's order (mandatory fields, then each field's type) and returns the
 * fields to store, or the first record-level error. Unknown API names are kept as custom fields.
 */
export function validateRecord(
  module: CrmModule,
  input: Record<string, unknown>,
  index: number,
  opts: { requireMandatory: boolean; lookupRecord: (module: CrmModule, id: string) => CrmRecord | undefined },
): { ok: true; fields: Record<string, unknown> } | { ok: false; error: RecordError } {
  const path = (api: string) => `$.data[${index}].${api}`;
  if (opts.requireMandatory) {
    for (const def of FIELDS[module]) {
      if (def.system_mandatory && isEmpty(input[def.api_name])) {
        return {
          ok: false,
          error: recordError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: def.api_name, json_path: path(def.api_name) }),
        };
      }
    }
  }
  const fields: Record<string, unknown> = {};
  for (const [api, value] of Object.entries(input)) {
    if (SYSTEM_FIELDS.includes(api) || api.startsWith('$')) continue;
    const def = fieldDef(module, api);
    if (!def) {
      fields[api] = value;
      continue;
    }
    const checked = checkValue(def, value, opts.lookupRecord);
    if (!checked.ok) {
      const details = { ...checked.details, api_name: api, json_path: path(api) };
      return { ok: false, error: recordError('INVALID_DATA', checked.message ?? 'invalid data', details) };
    }
    fields[api] = checked.value;
  }
  return { ok: true, fields };
}
