import { z } from 'zod';

/**
 * The one walk over zod schemas, through zod's public classes only: what the builder's forms, the
 * validator's messages and the block declarations' tests need to know about a field's schema.
 */
export interface FieldShape {
  readonly kind: 'string' | 'number' | 'boolean' | 'enum' | 'object' | 'record' | 'array' | 'literal' | 'any';
  /** May be left out (optional, nullable or defaulted). */
  readonly optional: boolean;
  readonly defaultValue?: unknown;
  /** An enum's entries. */
  readonly entries?: readonly string[];
  /** An object's members. */
  readonly shape?: Readonly<Record<string, z.core.$ZodType>>;
  /** An array's element. */
  readonly element?: z.core.$ZodType;
  /** A record's value. */
  readonly value?: z.core.$ZodType;
}

/** Looks through wrappers (optional, default, pipe, lazy…) and unions to the schemas that hold structure. */
export function unwrap(schema: z.core.$ZodType): z.core.$ZodType[] {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodReadonly ||
    schema instanceof z.ZodCatch ||
    schema instanceof z.ZodLazy
  ) {
    return unwrap(schema.unwrap() as z.core.$ZodType);
  }
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.core.$ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as z.core.$ZodType[]).flatMap(unwrap);
  return [schema];
}

/** The keys a schema allows for the object at `path` (all branches' keys under a union). */
export function keysAt(schema: z.core.$ZodType, path: readonly (string | number)[]): string[] {
  let current: z.core.$ZodType[] = [schema];
  for (const segment of path) {
    current = current.flatMap(unwrap).flatMap((s) => {
      if (s instanceof z.ZodObject) {
        const child = (s.shape as Record<string, z.core.$ZodType>)[String(segment)];
        return child ? [child] : [];
      }
      if (s instanceof z.ZodArray) return [s.element as z.core.$ZodType];
      if (s instanceof z.ZodRecord) return [s.valueType as z.core.$ZodType];
      return [];
    });
  }
  const keys = current.flatMap(unwrap).flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : []));
  return [...new Set(keys)];
}

/** What kind of value a schema takes, whether it may be left out, and its parts. */
export function describe(schema: z.core.$ZodType): FieldShape {
  let optional = false;
  let defaultValue: unknown;
  let current = schema;
  // Only the wrappers that keep one value are looked through here; a union is `any` to a form.
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      optional = true;
      current = current.unwrap() as z.core.$ZodType;
    } else if (current instanceof z.ZodDefault) {
      optional = true;
      defaultValue = current.def.defaultValue;
      current = current.unwrap() as z.core.$ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.core.$ZodType;
    } else break;
  }
  const base = { optional, ...(defaultValue !== undefined ? { defaultValue } : {}) };
  // String formats (`z.url()`) are their own classes; their `type` is still `string`.
  const type = current instanceof z.ZodType ? current.type : undefined;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'literal') return { kind: type, ...base };
  if (current instanceof z.ZodEnum) return { kind: 'enum', entries: current.options.map(String), ...base };
  if (current instanceof z.ZodObject) return { kind: 'object', shape: current.shape as Record<string, z.core.$ZodType>, ...base };
  if (current instanceof z.ZodRecord) return { kind: 'record', value: current.valueType as z.core.$ZodType, ...base };
  if (current instanceof z.ZodArray) return { kind: 'array', element: current.element as z.core.$ZodType, ...base };
  return { kind: 'any', ...base };
}
