import { z } from 'zod';
import type { CallContext } from '../../vocabulary/roles.ts';
import { blockBudget, type Budget } from '../remote/budget.ts';
import { ServiceRefusedError } from '../remote/errors.ts';
import { describeError, salesforceErrors, type SalesforceApi, type SalesforceError } from './http.ts';

/** What a role module needs to make calls: the shared caller and the block's time. */
export interface SalesforceService {
  readonly api: SalesforceApi;
  /** Per block: retries stop here (40 s, as for every provider). */
  readonly deadlineMs: number;
}

export function budgetFor(service: SalesforceService, ctx: CallContext): Budget {
  return blockBudget(ctx, service.deadlineMs, service.api.clock.now());
}

/** A SOQL string literal: `'` and `\` escaped with a backslash (SOQL's "Quoted String Escape Sequences"). */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

/** A SOQL dateTime literal (unquoted, UTC): `2026-01-01T09:00:00Z`. */
export function soqlDateTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

/** Salesforce record ids: 15 (case-sensitive) or 18 characters, letters and digits. */
export const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export type Created =
  | { readonly kind: 'created'; readonly id: string }
  /** The org's duplicate rule blocked the save; `id` is its first match when the answer names one. */
  | { readonly kind: 'duplicate'; readonly id?: string; readonly message: string }
  | { readonly kind: 'refused'; readonly error?: SalesforceError; readonly message: string };

const createdAnswer = z.looseObject({ id: z.string().min(1), success: z.literal(true) });

/**
 * Creates one record (`POST /sobjects/{object}`). `DUPLICATES_DETECTED` reads the matching record
 * from `duplicateResult.matchResults[].matchRecords[].record.Id` (the DuplicateError of the API
 * reference); real answers have been seen spelling the key `duplicateResut`, and some carry no
 * result at all, so both spellings are read and a missing match is left to the caller's look-up.
 */
export async function insertRecord(service: SalesforceService, object: string, record: Readonly<Record<string, unknown>>, budget: Budget): Promise<Created> {
  const res = await service.api.send({ method: 'POST', path: `/sobjects/${object}`, json: record, write: true }, budget);
  const created = createdAnswer.safeParse(res.body);
  if (res.status < 300 && created.success) return { kind: 'created', id: created.data.id };
  const errors = salesforceErrors(res.body);
  const duplicate = errors.find((e) => e.errorCode === 'DUPLICATES_DETECTED');
  if (duplicate) {
    const id = matchedId(duplicate.entry['duplicateResult'] ?? duplicate.entry['duplicateResut'], object);
    return { kind: 'duplicate', ...(id ? { id } : {}), message: describeError(res.status, duplicate) };
  }
  return { kind: 'refused', ...(errors[0] ? { error: errors[0] } : {}), message: describeError(res.status, errors[0]) };
}

const duplicateResult = z.looseObject({
  matchResults: z
    .array(
      z.looseObject({
        entityType: z.string().optional(),
        matchRecords: z
          .array(z.looseObject({ record: z.looseObject({ Id: z.string(), attributes: z.looseObject({ type: z.string() }).optional() }) }))
          .default([]),
      }),
    )
    .default([]),
});

/**
 * The first match of the object being created. A duplicate rule may also match records of another
 * object (a Lead rule matching Contacts): those are not the record the block asked for.
 */
function matchedId(result: unknown, object: string): string | undefined {
  const parsed = duplicateResult.safeParse(result);
  if (!parsed.success) return undefined;
  const id = parsed.data.matchResults.flatMap((m) =>
    m.matchRecords.filter((r) => (r.record.attributes?.type ?? m.entityType ?? object) === object).map((r) => r.record.Id),
  )[0];
  return id && SALESFORCE_ID.test(id) ? id : undefined;
}

const queryAnswer = z.looseObject({
  done: z.boolean().optional(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.looseObject({})),
});

/** At most this many pages of a query (2,000 records each by default): a directory, not an export. */
const MAX_PAGES = 10;

/** Runs a SOQL query (`GET /query?q=`), following `nextRecordsUrl`; a refusal is a ServiceRefusedError naming Salesforce's code. */
export async function soql(service: SalesforceService, query: string, budget: Budget): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  let res = await service.api.send({ method: 'GET', path: '/query', query: { q: query } }, budget);
  for (let page = 0; ; page += 1) {
    const parsed = queryAnswer.safeParse(res.body);
    if (res.status >= 300 || !parsed.success) throw new QueryRefusedError(res.status, salesforceErrors(res.body)[0]);
    records.push(...parsed.data.records);
    const next = parsed.data.nextRecordsUrl;
    if (parsed.data.done !== false || !next || !next.startsWith('/services/data/') || page + 1 >= MAX_PAGES) return records;
    res = await service.api.send({ method: 'GET', path: next }, budget);
  }
}

/** Salesforce would not run a query: INVALID_TYPE (an object the user cannot see), INVALID_FIELD, MALFORMED_QUERY … */
export class QueryRefusedError extends ServiceRefusedError {
  readonly error: SalesforceError | undefined;
  constructor(status: number, error: SalesforceError | undefined) {
    super(`Salesforce could not run a look-up (${describeError(status, error)})`);
    this.error = error;
  }
}

/** The Id of each record a query selects. */
export async function soqlIds(service: SalesforceService, query: string, budget: Budget): Promise<string[]> {
  return (await soql(service, query, budget)).flatMap((r) => (typeof r['Id'] === 'string' ? [r['Id']] : []));
}

/** A WHERE clause of criteria joined by AND. */
export function soqlAll(criteria: readonly string[]): string {
  if (criteria.length === 0) throw new Error('soqlAll needs at least one criterion');
  return criteria.join(' AND ');
}
