import type { z } from 'zod';
import { describe } from '../../../../src/blocks/zod-shape.ts';
import { BLOCKS, fieldsOf, PORT, type BlockType, type FieldDecl } from './blocks.ts';
import type { RawBlock } from './graph.ts';

/**
 * A fresh value of a field: required keys only, and no key that holds a port's target (the canvas
 * writes those when a connection is drawn).
 */
export function emptyValue(schema: z.core.$ZodType, decl?: FieldDecl): unknown {
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
      const members = decl !== undefined && decl !== PORT ? (decl.fields ?? {}) : {};
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(field.shape ?? {})) {
        if (members[key] !== PORT && !describe(sub).optional) out[key] = emptyValue(sub, members[key]);
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** What a block added from the palette starts with. */
export function newBlock(type: BlockType): RawBlock {
  const shape = describe(BLOCKS[type].schema).shape ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, decl] of fieldsOf(type)) {
    const schema = shape[key];
    if (schema === undefined) continue;
    // `ports:` starts as an empty map for the outcome connections to be written into.
    if (decl === PORT) {
      if (describe(schema).kind === 'object') out[key] = {};
    } else if (!describe(schema).optional) {
      out[key] = emptyValue(schema, decl);
    }
  }
  return { ...out, type };
}
