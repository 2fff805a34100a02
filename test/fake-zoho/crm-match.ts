import { fieldDef } from './crm-fields.ts';
import { isPlainObject } from './http.ts';
import type { CrmModule, CrmRecord } from './state.ts';

/**
 * What CRM search criteria and COQL share: a condition tree and how it matches a record. The two differ
 * in `equals`: search's behaves like contains (zoho-api.md §2.6), COQL's is exact.
 */
export class QueryError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export type Node =
  { kind: 'cmp'; field: string; op: string; values: unknown[] } | { kind: 'and' | 'or'; left: Node; right: Node } | { kind: 'not'; inner: Node };

export const DATETIME_FIELDS = new Set(['Created_Time', 'Modified_Time']);

/** A record's value at `Field` or `Lookup.id`; a bare lookup compares by its id. */
export function valueAt(record: CrmRecord, field: string): unknown {
  const [head = '', sub] = field.split('.', 2);
  const v = record[head];
  if (sub !== undefined) return isPlainObject(v) ? v[sub] : undefined;
  return isPlainObject(v) ? v['id'] : v;
}

function asTime(module: CrmModule, field: string, v: unknown): number | null {
  const type = DATETIME_FIELDS.has(field) ? 'datetime' : fieldDef(module, field)?.data_type;
  if (typeof v !== 'string' || (type !== 'datetime' && type !== 'date')) return null;
  const t = Date.parse(type === 'date' ? `${v}T00:00:00Z` : v);
  return Number.isNaN(t) ? null : t;
}

export function compareOrdered(module: CrmModule, field: string, actual: unknown, wanted: unknown): number | null {
  if (actual === null || actual === undefined) return null;
  const a = asTime(module, field, actual);
  const w = asTime(module, field, wanted);
  if (a !== null && w !== null) return a - w;
  const an = Number(actual);
  const wn = Number(wanted);
  if (!Number.isNaN(an) && !Number.isNaN(wn) && actual !== '' && wanted !== '') return an - wn;
  return String(actual).localeCompare(String(wanted));
}

function lower(v: unknown): string {
  return String(v).toLowerCase();
}

function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

/** `search` semantics: `equals` on text behaves like contains (zoho-api.md §2.6); ids compare exactly. */
function searchEquals(record: CrmRecord, field: string, wanted: unknown): boolean {
  const actual = valueAt(record, field);
  if (actual === null || actual === undefined) return false;
  if (field === 'id' || field.endsWith('.id') || typeof actual !== 'string') return lower(actual) === lower(wanted);
  return lower(actual).includes(lower(wanted));
}

/** COQL semantics: exact, case-insensitive for text; datetimes by instant. */
function coqlEquals(module: CrmModule, record: CrmRecord, field: string, wanted: unknown): boolean {
  const actual = valueAt(record, field);
  if (actual === null || actual === undefined) return wanted === null;
  const order = compareOrdered(module, field, actual, wanted);
  if (asTime(module, field, actual) !== null && order !== null) return order === 0;
  return lower(actual) === lower(wanted);
}

export function evaluate(node: Node, module: CrmModule, record: CrmRecord, dialect: 'search' | 'coql'): boolean {
  if (node.kind === 'not') return !evaluate(node.inner, module, record, dialect);
  if (node.kind !== 'cmp') {
    const left = evaluate(node.left, module, record, dialect);
    if (node.kind === 'and' ? !left : left) return left;
    return evaluate(node.right, module, record, dialect);
  }
  const eq = (v: unknown) => (dialect === 'search' ? searchEquals(record, node.field, v) : coqlEquals(module, record, node.field, v));
  const actual = valueAt(record, node.field);
  const ord = (i: number) => compareOrdered(module, node.field, actual, node.values[i]);
  const [first] = node.values;
  switch (node.op) {
    case 'equals':
    case '=':
    case 'in':
      return node.values.some(eq);
    case 'not_equal':
    case '!=':
    case '<>':
      return !node.values.some(eq);
    case 'starts_with':
      return actual !== null && actual !== undefined && lower(actual).startsWith(lower(first));
    case 'like':
      return actual !== null && actual !== undefined && likeToRegExp(String(first)).test(String(actual));
    case 'is null':
      return actual === null || actual === undefined || actual === '';
    case 'greater_than':
    case '>':
      return (ord(0) ?? -1) > 0;
    case 'greater_equal':
    case '>=':
      return (ord(0) ?? -1) >= 0;
    case 'less_than':
    case '<':
      return (ord(0) ?? 1) < 0;
    case 'less_equal':
    case '<=':
      return (ord(0) ?? 1) <= 0;
    case 'between':
      return (ord(0) ?? -1) >= 0 && (ord(1) ?? 1) <= 0;
    default:
      throw new QueryError('INVALID_QUERY', 'invalid operator', { operator: node.op });
  }
}
