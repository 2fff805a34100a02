import { z } from 'zod';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { ServiceRefusedError } from '../remote/errors.ts';
import { errorInfo, type Budget } from './http.ts';
import { apiUrl, type ZohoService } from './service.ts';

/** Zoho ids are 18–19 digit numbers: always strings here, whatever the JSON held. */
const zohoId = z.union([z.string().min(1), z.number()]).transform(String);

const crmError = z.looseObject({
  code: z.string(),
  message: z.string().optional(),
  details: z
    .looseObject({
      id: zohoId.optional(),
      api_name: z.string().optional(),
      expected_data_type: z.string().optional(),
      maximum_length: z.union([z.number(), z.string()]).optional(),
      duplicate_record: z.looseObject({ id: zohoId }).optional(),
    })
    .optional(),
});
type CrmError = z.infer<typeof crmError>;

const crmItem = crmError.extend({
  details: z
    .looseObject({
      ...crmError.shape.details.unwrap().shape,
      errors: z.array(crmError).optional(),
    })
    .optional(),
});

/** Insert answers (201, 207, 400 …) carry one item per record, in input order. */
const writeResponse = z.looseObject({ data: z.array(crmItem).min(1) });
const coqlResponse = z.looseObject({ data: z.array(z.looseObject({ id: zohoId })) });

export type CrmWrite =
  | { readonly kind: 'created'; readonly id: string }
  | { readonly kind: 'duplicate'; readonly id: string; readonly message: string }
  | { readonly kind: 'refused'; readonly message: string };

export type CrmModule = 'Leads' | 'Contacts' | 'Deals' | 'Accounts';

/**
 * Inserts one record. `trigger` is left out, so Zoho runs the org's automations (workflows,
 * assignment, approval) as for a record entered by hand.
 */
export async function insertRecord(crm: ZohoService, module: CrmModule, record: Readonly<Record<string, unknown>>, budget: Budget): Promise<CrmWrite> {
  const res = await crm.api.send({ method: 'POST', url: apiUrl(crm.origin, `/crm/v8/${module}`), json: { data: [record] }, write: true }, budget);
  const parsed = writeResponse.safeParse(res.body);
  if (!parsed.success) {
    const { code, message } = errorInfo(res.body);
    return { kind: 'refused', message: `${message ?? 'unreadable answer'} (${code ?? `HTTP ${res.status}`})` };
  }
  const item = parsed.data.data[0];
  if (!item) return { kind: 'refused', message: `empty answer (HTTP ${res.status})` };
  if (item.code === 'SUCCESS' && item.details?.id) return { kind: 'created', id: item.details.id };
  const duplicate = [item, ...(item.details?.errors ?? [])].find((e) => e.code === 'DUPLICATE_DATA');
  const duplicateId = duplicate?.details?.duplicate_record?.id ?? duplicate?.details?.id;
  if (duplicate && duplicateId) return { kind: 'duplicate', id: duplicateId, message: describe(duplicate) };
  const first = item.code === 'MULTIPLE_OR_MULTI_ERRORS' ? (item.details?.errors?.[0] ?? item) : item;
  return { kind: 'refused', message: describe(first) };
}

/** Ids of the records a COQL query selects (`select id from … where …`); none is an empty list. */
export async function coqlIds(crm: ZohoService, query: string, budget: Budget): Promise<string[]> {
  const res = await crm.api.send({ method: 'POST', url: apiUrl(crm.origin, '/crm/v8/coql'), json: { select_query: query } }, budget);
  if (res.status === 204 || res.body === null) return [];
  const parsed = coqlResponse.safeParse(res.body);
  if (res.status >= 300 || !parsed.success) {
    const { code, message } = errorInfo(res.body);
    throw new ServiceRefusedError(`Zoho CRM could not run a lookup (${code ?? `HTTP ${res.status}`}${message ? `: ${message}` : ''})`);
  }
  return parsed.data.data.map((r) => r.id);
}

/**
 * A COQL string literal. A quote is escaped by doubling it (`'L''Oréal'`), as Zoho's COQL FAQ
 * (Kaizen #171) shows; a backslash is no escape in COQL and is left as it is (not confirmed by
 * any Zoho page either way).
 */
export function coqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A WHERE clause from criteria joined by `and`. Zoho's COQL takes at most two criteria per
 * bracket level ("group them in pairs, such as ((A and B) and C)", COQL limitations), so three
 * or more are nested: `((A and B) and C)`.
 */
export function coqlAll(criteria: readonly string[]): string {
  const [first, ...rest] = criteria;
  if (first === undefined) throw new Error('coqlAll needs at least one criterion');
  if (rest.length === 0) return first;
  return rest.reduce((acc, c) => `(${acc} and ${c})`, first);
}

/** A COQL DateTime literal in Zoho's `yyyy-MM-ddTHH:mm:ss±HH:mm` form, in UTC. */
export function coqlDateTime(epochMs: number): string {
  return coqlString(`${new Date(epochMs).toISOString().slice(0, 19)}+00:00`);
}

function describe(err: CrmError): string {
  const d = err.details;
  const code = errorCode(err.code) ?? 'unreadable code';
  const field = errorCode(d?.api_name);
  const type = errorCode(d?.expected_data_type);
  const maxLength = errorCode(d?.maximum_length);
  const facts = [
    code,
    field ? `field ${field}` : undefined,
    type ? `expected ${type}` : undefined,
    maxLength !== undefined ? `at most ${maxLength} characters` : undefined,
  ].filter((f) => f !== undefined);
  return `${errorMessage(err.message) ?? code} (${facts.join(', ')})`;
}
