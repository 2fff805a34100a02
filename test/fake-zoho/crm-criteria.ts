import { evaluate, QueryError } from './crm-match.ts';
import type { Node } from './crm-match.ts';
import type { CrmModule, CrmRecord } from './state.ts';

/** CRM search `criteria`: (Field:op:value)and((F2:op:v2)or(F3:op:v3)), values backslash-escaped. */
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
    if (rest.startsWith('and(') || rest.startsWith('and ')) return ((pos += 3), 'and');
    if (rest.startsWith('or(') || rest.startsWith('or ')) return ((pos += 2), 'or');
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
    const op = raw
      .slice(first + 1, second)
      .trim()
      .toLowerCase();
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
      if (keyword() !== 'and') return ((pos = save), node);
      node = { kind: 'and', left: node, right: term() };
    }
  };
  function or(): Node {
    let node = and();
    for (;;) {
      const save = pos;
      if (keyword() !== 'or') return ((pos = save), node);
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
