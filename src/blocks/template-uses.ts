import type { TemplateUse } from './block.ts';

/**
 * Every string inside `value` as a template use, with its dotted path (`body.items.0.name`).
 * Nested maps and lists are walked so webhook bodies and `fields` maps are checked like any text.
 */
export function templateUses(field: string, value: unknown): TemplateUse[] {
  if (typeof value === 'string') return [{ field, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => templateUses(`${field}.${i}`, item));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => templateUses(`${field}.${key}`, item));
  }
  return [];
}
