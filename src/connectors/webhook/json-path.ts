/**
 * The JSON paths a webhook's `save` may use: `$`, then `.name`, `['name']` / `["name"]` and `[0]`
 * steps — one value, no wildcards, filters or scripts. A general JSONPath library would accept a
 * far larger language (filter expressions among them) that a bot file must not be able to run, so
 * this small subset is parsed here and can be checked when a bot is validated.
 */
export type PathStep = string | number;

export type ParsedPath = { readonly ok: true; readonly steps: readonly PathStep[] } | { readonly ok: false; readonly message: string };

const NAME = /^[^.[\]\s'"]+/;
const INDEX = /^\[(\d+)\]/;
const QUOTED = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/;

export function parseJsonPath(path: string): ParsedPath {
  if (!path.startsWith('$')) return { ok: false, message: `a JSON path starts with "$" (like $.data.id), got "${path}"` };
  const steps: PathStep[] = [];
  let rest = path.slice(1);
  while (rest !== '') {
    let m: RegExpExecArray | null;
    if (rest.startsWith('.') && (m = NAME.exec(rest.slice(1)))) {
      steps.push(m[0]);
      rest = rest.slice(1 + m[0].length);
    } else if ((m = INDEX.exec(rest))) {
      steps.push(Number(m[1]));
      rest = rest.slice(m[0].length);
    } else if ((m = QUOTED.exec(rest))) {
      steps.push((m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
      rest = rest.slice(m[0].length);
    } else {
      return { ok: false, message: `cannot read the JSON path "${path}" at "${rest}"` };
    }
  }
  return { ok: true, steps };
}

/** The value at `steps`, or undefined when any step is missing. */
export function readJsonPath(value: unknown, steps: readonly PathStep[]): unknown {
  let at: unknown = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(at) || step >= at.length) return undefined;
      at = at[step];
    } else {
      if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
  }
  return at;
}

/**
 * A value as a bot variable holds it: text as is, numbers and booleans as written in JSON,
 * objects and arrays as JSON text, null and missing values as empty text (a missing path is not a
 * failure: services leave optional keys out, and a bot can test the variable with `is_set`).
 */
export function asVariable(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
