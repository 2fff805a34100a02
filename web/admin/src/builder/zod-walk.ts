import type { z } from 'zod';

/**
 * A read-only look at zod 4 schema definitions, enough to draw a form: which kind of value a
 * field takes, whether it may be left out, its enum entries, its element and map value types.
 */
export interface FieldShape {
  readonly kind: 'string' | 'number' | 'boolean' | 'enum' | 'object' | 'record' | 'array' | 'literal' | 'any';
  readonly optional: boolean;
  readonly defaultValue?: unknown;
  readonly entries?: readonly string[];
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly value?: z.ZodType;
}

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly defaultValue?: unknown;
  readonly entries?: Readonly<Record<string, string>>;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly in?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

export function describe(schema: z.ZodType): FieldShape {
  let def = defOf(schema);
  let optional = false;
  let defaultValue: unknown;
  for (;;) {
    if ((def.type === 'optional' || def.type === 'nullable') && def.innerType) optional = true;
    else if (def.type === 'default' && def.innerType) {
      optional = true;
      defaultValue = def.defaultValue;
    } else if (def.type === 'pipe' && def.in) {
      def = defOf(def.in);
      continue;
    } else break;
    def = defOf(def.innerType);
  }
  const base = { optional, ...(defaultValue !== undefined ? { defaultValue } : {}) };
  switch (def.type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'literal':
      return { kind: def.type, ...base };
    case 'enum':
      return { kind: 'enum', entries: Object.values(def.entries ?? {}), ...base };
    case 'object':
      return { kind: 'object', shape: def.shape ?? {}, ...base };
    case 'record':
      return { kind: 'record', ...(def.valueType ? { value: def.valueType } : {}), ...base };
    case 'array':
      return { kind: 'array', ...(def.element ? { element: def.element } : {}), ...base };
    default:
      return { kind: 'any', ...base };
  }
}

/** The keys of a block that hold targets: drawn as handles and connections, not as fields. */
export const EDGE_KEYS: ReadonlySet<string> = new Set(['next', 'invalid', 'else', 'target', 'ports']);
/** Keys the canvas owns. */
export const CANVAS_KEYS: ReadonlySet<string> = new Set(['type', 'position']);

/** A new value of a schema: what a fresh block starts with (required keys only). */
export function emptyValue(schema: z.ZodType): unknown {
  const field = describe(schema);
  switch (field.kind) {
    case 'string':
      return '';
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'enum':
      return field.entries?.[0] ?? '';
    case 'record':
      return {};
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(field.shape ?? {})) {
        if (key === 'ports') out[key] = {};
        else if (!EDGE_KEYS.has(key) && !CANVAS_KEYS.has(key) && !describe(sub).optional) out[key] = emptyValue(sub);
      }
      return out;
    }
    default:
      return undefined;
  }
}
