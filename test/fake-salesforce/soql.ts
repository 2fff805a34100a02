/**
 * The part of SOQL the connector uses (and a little more): `SELECT f, Rel.f FROM Object
 * [WHERE a op v [AND …]] [ORDER BY f [ASC|DESC]] [LIMIT n]`, with `=`, `!=`, `<`, `<=`, `>`, `>=`,
 * `IN (…)`; string literals with SOQL's backslash escapes (`\'`, `\\`, `\n` …, "Quoted String
 * Escape Sequences"), dateTime literals (`2026-01-01T00:00:00Z`), dates, numbers, true/false/null.
 * Text comparisons are case-insensitive, as in Salesforce. Anything else is MALFORMED_QUERY.
 */

export type Literal = string | number | boolean | null | { readonly dateTime: number } | { readonly date: string };

export interface Condition {
  readonly field: string;
  readonly op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN';
  readonly values: readonly Literal[];
}

export interface Query {
  readonly fields: readonly string[];
  readonly object: string;
  readonly where: readonly Condition[];
  readonly orderBy?: { readonly field: string; readonly descending: boolean };
  readonly limit?: number;
}

export class SoqlError extends Error {}

type Token = { kind: 'word'; value: string } | { kind: 'string'; value: string } | { kind: 'op'; value: string } | { kind: 'punct'; value: string };

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new SoqlError('unterminated string literal');
        const d = text[i]!;
        if (d === '\\') {
          const e = text[i + 1] ?? '';
          if (e.toLowerCase() === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          const escaped = ESCAPES[e] ?? ESCAPES[e.toLowerCase()];
          if (escaped === undefined) throw new SoqlError(`invalid escape sequence \\${e}`);
          value += escaped;
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ kind: 'string', value });
    } else if ('<>=!'.includes(c)) {
      const two = text.slice(i, i + 2);
      const op = ['<=', '>=', '!=', '<>'].includes(two) ? two : c;
      if (op === '!') throw new SoqlError('unexpected !');
      tokens.push({ kind: 'op', value: op === '<>' ? '!=' : op });
      i += op.length;
    } else if ('(),'.includes(c)) {
      tokens.push({ kind: 'punct', value: c });
      i++;
    } else {
      const m = /^[A-Za-z0-9_.:+-]+/.exec(text.slice(i));
      if (!m) throw new SoqlError(`unexpected character ${c}`);
      tokens.push({ kind: 'word', value: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

function literal(token: Token | undefined): Literal {
  if (!token) throw new SoqlError('a value is missing');
  if (token.kind === 'string') return token.value;
  if (token.kind !== 'word') throw new SoqlError(`unexpected ${token.value}`);
  const w = token.value;
  const lower = w.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.test(w)) return { dateTime: Date.parse(w) };
  if (/^\d{4}-\d{2}-\d{2}$/.test(w)) return { date: w };
  if (/^-?\d+(\.\d+)?$/.test(w)) return Number(w);
  throw new SoqlError(`unexpected token ${w}`);
}

export function parseSoql(text: string): Query {
  const tokens = tokenize(text);
  let at = 0;
  const peekWord = (): string | undefined => {
    const t = tokens[at];
    return t?.kind === 'word' ? t.value.toUpperCase() : undefined;
  };
  const expectWord = (word: string): void => {
    if (peekWord() !== word) throw new SoqlError(`expected ${word}`);
    at++;
  };
  const name = (): string => {
    const t = tokens[at++];
    if (t?.kind !== 'word' || !/^[A-Za-z][A-Za-z0-9_.]*$/.test(t.value)) throw new SoqlError('expected a field or object name');
    return t.value;
  };

  expectWord('SELECT');
  const fields = [name()];
  while (tokens[at]?.kind === 'punct' && tokens[at]?.value === ',') {
    at++;
    fields.push(name());
  }
  expectWord('FROM');
  const object = name();
  const where: Condition[] = [];
  if (peekWord() === 'WHERE') {
    at++;
    for (;;) {
      const field = name();
      const opToken = tokens[at++];
      if (opToken?.kind === 'word' && opToken.value.toUpperCase() === 'IN') {
        if (tokens[at]?.value !== '(') throw new SoqlError('expected ( after IN');
        at++;
        const values: Literal[] = [literal(tokens[at++])];
        while (tokens[at]?.value === ',') {
          at++;
          values.push(literal(tokens[at++]));
        }
        if (tokens[at]?.value !== ')') throw new SoqlError('expected )');
        at++;
        where.push({ field, op: 'IN', values });
      } else if (opToken?.kind === 'op') {
        where.push({ field, op: opToken.value as Condition['op'], values: [literal(tokens[at++])] });
      } else {
        throw new SoqlError(`expected an operator after ${field}`);
      }
      if (peekWord() !== 'AND') break;
      at++;
    }
  }
  let orderBy: Query['orderBy'];
  if (peekWord() === 'ORDER') {
    at++;
    expectWord('BY');
    const field = name();
    const dir = peekWord();
    if (dir === 'ASC' || dir === 'DESC') at++;
    orderBy = { field, descending: dir === 'DESC' };
  }
  let limit: number | undefined;
  if (peekWord() === 'LIMIT') {
    at++;
    const n = literal(tokens[at++]);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new SoqlError('LIMIT must be a whole number');
    limit = n;
  }
  if (at < tokens.length) throw new SoqlError(`unexpected token ${tokens[at]!.value}`);
  return { fields, object, where, ...(orderBy ? { orderBy } : {}), ...(limit !== undefined ? { limit } : {}) };
}

/** Salesforce compares text case-insensitively; datetimes by instant. */
export function compare(stored: unknown, literalValue: Literal): number | undefined {
  if (literalValue === null || stored === null || stored === undefined) return stored === literalValue || (stored ?? null) === literalValue ? 0 : undefined;
  if (typeof literalValue === 'object' && 'dateTime' in literalValue) {
    const t = typeof stored === 'string' ? Date.parse(stored) : NaN;
    return Number.isNaN(t) ? undefined : Math.sign(t - literalValue.dateTime);
  }
  if (typeof literalValue === 'object' && 'date' in literalValue) {
    return typeof stored === 'string' ? stored.localeCompare(literalValue.date) : undefined;
  }
  if (typeof literalValue === 'number') return typeof stored === 'number' ? Math.sign(stored - literalValue) : undefined;
  if (typeof literalValue === 'boolean') return stored === literalValue ? 0 : 1;
  const a = String(stored).toLowerCase();
  const b = literalValue.toLowerCase();
  return a === b ? 0 : a < b ? -1 : 1;
}
