import { fieldDef, isCrmDate, isCrmDateTime, SYSTEM_FIELDS } from './crm-fields.ts';
import { isPlainObject } from './http.ts';
import { CRM_MODULES } from './state.ts';
import type { CrmModule, CrmRecord } from './state.ts';

/**
 * The two ways the fake answers CRM lookups: search `criteria=(F:op:v)and(...)` and the subset of COQL
 * the connectors need (`select … from M where … [order by …] [limit …]`).
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

type Node =
  | { kind: 'cmp'; field: string; op: string; values: unknown[] }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; inner: Node };

const DATETIME_FIELDS = new Set(['Created_Time', 'Modified_Time']);

/** A record's value at `Field` or `Lookup.id`; a bare lookup compares by its id. */
function valueAt(record: CrmRecord, field: string): unknown {
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

function compareOrdered(module: CrmModule, field: string, actual: unknown, wanted: unknown): number | null {
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
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
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

function evaluate(node: Node, module: CrmModule, record: CrmRecord, dialect: 'search' | 'coql'): boolean {
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

// ---- search criteria: (Field:op:value)and((F2:op:v2)or(F3:op:v3)) ----

const CRITERIA_OPS = new Set(['equals', 'not_equal', 'starts_with', 'in', 'greater_than', 'greater_equal', 'less_than', 'less_equal', 'between']);
const MAX_CRITERIA = 10;

function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      continue;
    }
    if (c === sep) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

export function parseCriteria(input: string): Node {
  let pos = 0;
  let count = 0;
  const bad = () => new QueryError('INVALID_QUERY', 'invalid query formed', { reason: 'invalid criteria', criteria: input });
  const skip = () => {
    while (input[pos] === ' ') pos++;
  };
  const keyword = (): 'and' | 'or' | null => {
    skip();
    const rest = input.slice(pos, pos + 4).toLowerCase();
    if (rest.startsWith('and(') || rest.startsWith('and ')) return (pos += 3), 'and';
    if (rest.startsWith('or(') || rest.startsWith('or ')) return (pos += 2), 'or';
    return null;
  };
  const term = (): Node => {
    skip();
    if (input[pos] !== '(') throw bad();
    pos++;
    skip();
    if (input[pos] === '(') {
      const inner = or();
      skip();
      if (input[pos] !== ')') throw bad();
      pos++;
      return inner;
    }
    let raw = '';
    while (pos < input.length && input[pos] !== ')') {
      if (input[pos] === '\\' && pos + 1 < input.length) raw += input[pos++];
      raw += input[pos++];
    }
    if (input[pos] !== ')') throw bad();
    pos++;
    const first = raw.indexOf(':');
    const second = raw.indexOf(':', first + 1);
    if (first <= 0 || second < 0) throw bad();
    const field = raw.slice(0, first).trim();
    const op = raw.slice(first + 1, second).trim().toLowerCase();
    if (!CRITERIA_OPS.has(op)) throw bad();
    const valueRaw = raw.slice(second + 1);
    const values = op === 'in' || op === 'between' ? splitUnescaped(valueRaw, ',') : [valueRaw.replace(/\\(.)/g, '$1')];
    if (++count > MAX_CRITERIA) throw new QueryError('LIMIT_EXCEEDED', 'the number of criteria exceeds the limit', { limit: MAX_CRITERIA });
    return { kind: 'cmp', field, op, values };
  };
  const and = (): Node => {
    let node = term();
    for (;;) {
      const save = pos;
      if (keyword() !== 'and') return (pos = save), node;
      node = { kind: 'and', left: node, right: term() };
    }
  };
  function or(): Node {
    let node = and();
    for (;;) {
      const save = pos;
      if (keyword() !== 'or') return (pos = save), node;
      node = { kind: 'or', left: node, right: and() };
    }
  }
  const tree = or();
  skip();
  if (pos !== input.length) throw bad();
  return tree;
}

export function matchesCriteria(tree: Node, module: CrmModule, record: CrmRecord): boolean {
  return evaluate(tree, module, record, 'search');
}

// ---- COQL ----

type Token = { t: 'word' | 'str' | 'num' | 'sym'; v: string };

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const syntax = () => new QueryError('SYNTAX_ERROR', 'error occurred while parsing the query', { near: q.slice(i, i + 20) });
  while (i < q.length) {
    const c = q[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      while (i < q.length && q[i] !== "'") {
        if (q[i] === '\\' && i + 1 < q.length) i++;
        v += q[i++];
      }
      if (q[i] !== "'") throw syntax();
      i++;
      tokens.push({ t: 'str', v });
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][\w$.]*/.exec(q.slice(i));
      tokens.push({ t: 'word', v: m?.[0] ?? c });
      i += m?.[0].length ?? 1;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(q.slice(i));
      if (!m) throw syntax();
      tokens.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else {
      const two = q.slice(i, i + 2);
      const sym = ['!=', '<>', '<=', '>='].includes(two) ? two : c;
      if (!['(', ')', ',', '=', '<', '>', '*', '!=', '<>', '<=', '>='].includes(sym)) throw syntax();
      tokens.push({ t: 'sym', v: sym });
      i += sym.length;
    }
  }
  return tokens;
}

export interface CoqlQuery {
  module: CrmModule;
  columns: string[];
  where: Node | null;
  orderBy: { field: string; desc: boolean } | null;
  offset: number;
  limit: number;
}

export const COQL_DEFAULT_LIMIT = 200;
export const COQL_MAX_LIMIT = 2000;

export function parseCoql(query: string): CoqlQuery {
  const tokens = tokenize(query);
  let pos = 0;
  const syntax = (clause: string) => new QueryError('SYNTAX_ERROR', `error occurred while parsing the query at the ${clause} clause`, { clause });
  const peek = () => tokens[pos];
  const isWord = (w: string) => peek()?.t === 'word' && peek()?.v.toLowerCase() === w;
  const isSym = (s: string) => peek()?.t === 'sym' && peek()?.v === s;
  const expectWord = (w: string, clause: string) => {
    if (!isWord(w)) throw syntax(clause);
    pos++;
  };
  const field = (clause: string): string => {
    const tok = tokens[pos++];
    if (tok?.t !== 'word') throw syntax(clause);
    return tok.v;
  };
  const literal = (): unknown => {
    const tok = tokens[pos++];
    if (tok?.t === 'str') return tok.v;
    if (tok?.t === 'num') return Number(tok.v);
    if (tok?.t === 'word' && ['true', 'false', 'null'].includes(tok.v.toLowerCase())) return JSON.parse(tok.v.toLowerCase());
    throw syntax('where');
  };

  expectWord('select', 'select');
  const columns: string[] = [];
  for (;;) {
    if (isSym('*')) throw new QueryError('SYNTAX_ERROR', 'select * is not supported', { clause: 'select' });
    columns.push(field('select'));
    if (!isSym(',')) break;
    pos++;
  }
  expectWord('from', 'from');
  const moduleName = field('from');
  const module = CRM_MODULES.find((m) => m === moduleName);
  if (!module) throw new QueryError('INVALID_QUERY', 'invalid query formed', { reason: 'the module name given seems to be invalid', module: moduleName });

  const condition = (): Node => {
    let node = conjunction();
    while (isWord('or')) {
      pos++;
      node = { kind: 'or', left: node, right: conjunction() };
    }
    return node;
  };
  function conjunction(): Node {
    let node = atom();
    while (isWord('and')) {
      pos++;
      node = { kind: 'and', left: node, right: atom() };
    }
    return node;
  }
  function atom(): Node {
    if (isSym('(')) {
      pos++;
      const inner = condition();
      if (!isSym(')')) throw syntax('where');
      pos++;
      return inner;
    }
    const f = field('where');
    const negate = (n: Node): Node => ({ kind: 'not', inner: n });
    if (isWord('is')) {
      pos++;
      const not = isWord('not') ? (pos++, true) : false;
      expectWord('null', 'where');
      const n: Node = { kind: 'cmp', field: f, op: 'is null', values: [] };
      return not ? negate(n) : n;
    }
    const not = isWord('not') ? (pos++, true) : false;
    if (isWord('in')) {
      pos++;
      if (!isSym('(')) throw syntax('where');
      pos++;
      const values = [literal()];
      while (isSym(',')) {
        pos++;
        values.push(literal());
      }
      if (!isSym(')')) throw syntax('where');
      pos++;
      const n: Node = { kind: 'cmp', field: f, op: 'in', values };
      return not ? negate(n) : n;
    }
    if (isWord('like')) {
      pos++;
      const n: Node = { kind: 'cmp', field: f, op: 'like', values: [literal()] };
      return not ? negate(n) : n;
    }
    if (isWord('between')) {
      pos++;
      const low = literal();
      expectWord('and', 'where');
      const n: Node = { kind: 'cmp', field: f, op: 'between', values: [low, literal()] };
      return not ? negate(n) : n;
    }
    if (not) throw syntax('where');
    const op = tokens[pos++];
    if (op?.t !== 'sym' || !['=', '!=', '<>', '<', '<=', '>', '>='].includes(op.v)) throw syntax('where');
    return { kind: 'cmp', field: f, op: op.v, values: [literal()] };
  }

  let where: Node | null = null;
  if (isWord('where')) {
    pos++;
    where = condition();
  }
  let orderBy: CoqlQuery['orderBy'] = null;
  if (isWord('order')) {
    pos++;
    expectWord('by', 'order by');
    const f = field('order by');
    const desc = isWord('desc');
    if (desc || isWord('asc')) pos++;
    orderBy = { field: f, desc };
  }
  let offset = 0;
  let limit = COQL_DEFAULT_LIMIT;
  if (isWord('limit')) {
    pos++;
    const count = (): number => {
      const tok = tokens[pos++];
      if (tok?.t !== 'num' || !/^\d+$/.test(tok.v)) throw syntax('limit');
      return Number(tok.v);
    };
    limit = count();
    if (isSym(',')) {
      pos++;
      offset = limit;
      limit = count();
    } else if (isWord('offset')) {
      pos++;
      offset = count();
    }
    if (limit < 1 || limit > COQL_MAX_LIMIT) {
      throw new QueryError('LIMIT_EXCEEDED', 'limit exceeded', { limit: COQL_MAX_LIMIT });
    }
  }
  if (pos !== tokens.length) throw syntax('query');
  return { module, columns, where, orderBy, offset, limit };
}

/** Columns must exist in the module: a layout field, a system field, or a custom field some record carries. */
export function checkColumns(q: CoqlQuery, records: readonly CrmRecord[]): void {
  const known = (name: string) => {
    const head = name.split('.', 1)[0] ?? name;
    return SYSTEM_FIELDS.includes(head) || fieldDef(q.module, head) !== undefined || records.some((r) => head in r);
  };
  const comparisons: Extract<Node, { kind: 'cmp' }>[] = [];
  const walk = (n: Node | null): void => {
    if (!n) return;
    if (n.kind === 'cmp') comparisons.push(n);
    else if (n.kind === 'not') walk(n.inner);
    else {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(q.where);
  for (const f of [...q.columns, ...comparisons.map((c) => c.field)]) {
    if (!known(f)) throw new QueryError('INVALID_QUERY', 'invalid query formed', { reason: 'column given seems to be invalid', column_name: f });
  }
  for (const n of comparisons) {
    const type = DATETIME_FIELDS.has(n.field) ? 'datetime' : fieldDef(q.module, n.field)?.data_type;
    for (const v of n.values) {
      // Zoho takes only its own formats here (no milliseconds, no `Z`).
      if (type === 'datetime' && (typeof v !== 'string' || !isCrmDateTime(v))) {
        throw new QueryError('INVALID_QUERY', 'invalid query formed', { reason: 'invalid datetime value', column_name: n.field, value: v });
      }
      if (type === 'date' && (typeof v !== 'string' || !isCrmDate(v))) {
        throw new QueryError('INVALID_QUERY', 'invalid query formed', { reason: 'invalid date value', column_name: n.field, value: v });
      }
    }
  }
}

export function runCoql(q: CoqlQuery, records: readonly CrmRecord[]): { rows: Record<string, unknown>[]; more: boolean } {
  let hits = records.filter((r) => (q.where ? evaluate(q.where, q.module, r, 'coql') : true));
  if (q.orderBy) {
    const { field, desc } = q.orderBy;
    hits = [...hits].sort((a, b) => (compareOrdered(q.module, field, valueAt(a, field), valueAt(b, field)) ?? 0) * (desc ? -1 : 1));
  }
  const page = hits.slice(q.offset, q.offset + q.limit);
  const rows = page.map((r) => {
    const row: Record<string, unknown> = { id: r.id };
    for (const c of q.columns) {
      const v = c.includes('.') ? valueAt(r, c) : r[c];
      row[c] = isPlainObject(v) && 'id' in v ? { id: v['id'] } : (v ?? null);
    }
    return row;
  });
  return { rows, more: hits.length > q.offset + q.limit };
}
