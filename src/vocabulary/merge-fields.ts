import { VARIABLE_NAME, type Variables } from './variables.ts';

/**
 * A template is text with `%variable%` merge fields and `%%` for a literal percent sign.
 * A `%` that does not open a valid merge field is kept as text, so "50% off" needs no escaping.
 * Parsed once into parts, then rendered in one pass: a value is never itself scanned for fields,
 * which is what keeps a visitor who types `%secret%` from reading another variable.
 */
export type TemplatePart = string | { readonly var: string };
export type Template = readonly TemplatePart[];

const cache = new Map<string, Template>();

export function parseTemplate(text: string): Template {
  const hit = cache.get(text);
  if (hit) return hit;
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '%') {
      literal += ch;
      i++;
      continue;
    }
    if (text[i + 1] === '%') {
      literal += '%';
      i += 2;
      continue;
    }
    const close = text.indexOf('%', i + 1);
    const name = close === -1 ? '' : text.slice(i + 1, close);
    if (close !== -1 && VARIABLE_NAME.test(name)) {
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ var: name });
      i = close + 1;
    } else {
      literal += '%';
      i++;
    }
  }
  if (literal) parts.push(literal);
  if (cache.size > 10_000) cache.clear();
  cache.set(text, parts);
  return parts;
}

/** The variables a template reads, in order of appearance. */
export function templateVariables(text: string): string[] {
  return parseTemplate(text).flatMap((p) => (typeof p === 'string' ? [] : [p.var]));
}

export function render(text: string, vars: Variables): string {
  const parts = parseTemplate(text);
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
  let out = '';
  // hasOwn: a bot variable may be named `constructor`, which a plain object would answer from its prototype.
  for (const p of parts) out += typeof p === 'string' ? p : Object.hasOwn(vars, p.var) ? vars[p.var]! : '';
  return out;
}

/** The variable name when the text is exactly one merge field (`%visitor.email%`), else null. */
export function singleField(text: string): string | null {
  const parts = parseTemplate(text.trim());
  const only = parts.length === 1 ? parts[0] : undefined;
  return only !== undefined && typeof only !== 'string' ? only.var : null;
}
