import type { PathSegment } from './lines.ts';

/** Helpers for looking at a bot before it is known to be valid: plain data from YAML or JSON. */

export type RawMap = Readonly<Record<string, unknown>>;

export const isRawMap = (value: unknown): value is RawMap => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The type name of a raw value, in zod's words (`object` is a mapping, `array` a list). */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (Array.isArray(value)) value = value[Number(segment)];
    else if (isRawMap(value)) value = Object.hasOwn(value, segment) ? value[segment] : undefined;
    else return undefined;
  }
  return value;
}

/** Every string inside a raw value (keys excluded), with its path. */
export function stringLeaves(value: unknown, path: PathSegment[] = []): { path: PathSegment[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, [...path, i]));
  if (isRawMap(value)) return Object.entries(value).flatMap(([k, item]) => stringLeaves(item, [...path, k]));
  return [];
}

/** A raw value quoted for a message: strings in quotes, other values as JSON. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
