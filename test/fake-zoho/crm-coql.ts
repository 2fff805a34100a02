import { fieldDef, isCrmDate, isCrmDateTime, SYSTEM_FIELDS } from './crm-fields.ts';
import { compareOrdered, DATETIME_FIELDS, evaluate, QueryError, valueAt } from './crm-match.ts';
import type { Node } from './crm-match.ts';
import { isPlainObject } from './http.ts';
import { CRM_MODULES } from './state.ts';
import type { CrmModule, CrmRecord } from './state.ts';

/** The COQL subset the connectors need: `select … from M [where …] [order by …] [limit n[, m] | limit n offset m]`. */
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
      // A quote inside a string is written twice ('L''Oréal'), as in SQL (Zoho's COQL FAQ,
      // Kaizen #171). A backslash is an ordinary character: no page documents it as an escape.
      for (;;) {
        while (i < q.length && q[i] !== "'") v += q[i++];
        if (q[i] !== "'") throw syntax();
        i++;
        if (q[i] !== "'") break;
        v += "'";
        i++;
      }
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

  // Zoho's COQL limitations: more than two criteria must be grouped in pairs with brackets,
  // `((A and B) and C)`; `A and B and C` is a SYNTAX_ERROR (COQL FAQ, Kaizen #171). So a bracket
  // level holds one criterion or two joined by one `and`/`or`.
  const condition = (): Node => {
    const left = atom();
    if (!isWord('and') && !isWord('or')) return left;
    const kind = isWord('and') ? 'and' : 'or';
    pos++;
    const node: Node = { kind, left, right: atom() };
    if (isWord('and') || isWord('or')) {
      throw new QueryError('SYNTAX_ERROR', 'error occurred while parsing the query at the where clause: group more than two criteria with brackets', {
        clause: 'where',
      });
    }
    return node;
  };
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
