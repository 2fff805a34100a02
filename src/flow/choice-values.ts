import { fieldEntries, PORT } from '../blocks/block.ts';
import { BLOCKS } from '../blocks/index.ts';
import { BLOCK_TYPES, type BlockType } from '../blocks/types.ts';
import { singleField } from '../vocabulary/merge-fields.ts';
import type { ServiceFieldRef } from '../vocabulary/service-fields.ts';
import { isRawMap, type RawMap } from './raw.ts';
import { nearest } from './suggest.ts';
import type { CheckedBlock } from './validate-block.ts';
import type { BlockFinding } from './validate-flow.ts';
import { finding } from './zod-issues.ts';

/** The values a connected service accepts for a field; empty when it takes any (or they are not known here). */
export type KnownValues = (ref: ServiceFieldRef) => readonly string[];

const isBlockType = (t: unknown): t is BlockType => typeof t === 'string' && (BLOCK_TYPES as readonly string[]).includes(t);

/**
 * The choice-value trap: a field with known values (a ticket's priority, a deal's stage) filled
 * with `%var%`, where `var` is set only by choice blocks, receives the options' values as they are.
 * Each of those values must be one the service knows, or the record is refused (or stored wrong).
 */
export function choiceValueFindings(raw: RawMap, checked: ReadonlyMap<string, CheckedBlock>, known: KnownValues): BlockFinding[] {
  const blocks = Object.entries(raw).filter((e): e is [string, RawMap] => isRawMap(e[1]));
  const out: BlockFinding[] = [];
  for (const [target, block] of blocks) {
    if (!isBlockType(block['type'])) continue;
    for (const [key, decl] of fieldEntries(BLOCKS[block['type']].fields)) {
      if (decl === PORT || decl.values === undefined) continue;
      const text = block[key];
      const variable = typeof text === 'string' ? singleField(text) : null;
      const allowed = known(decl.values);
      if (variable === null || allowed.length === 0) continue;
      const setters = [...checked.values()].filter((b) => b.edges.some((e) => e.sets.includes(variable)));
      // Set by another kind of block too (an ask, a set, a webhook): the value is not the options' alone.
      if (setters.length === 0 || setters.some((b) => raw[b.id] === undefined || (raw[b.id] as RawMap)['type'] !== 'choice')) continue;
      for (const setter of setters) {
        const options = (raw[setter.id] as RawMap)['options'];
        if (!Array.isArray(options)) continue;
        options.forEach((option: unknown, i) => {
          const value = isRawMap(option) ? option['value'] : undefined;
          if (typeof value !== 'string' || value === '' || allowed.includes(value)) return;
          out.push({
            block: setter.id,
            finding: finding(
              'choice_value_unknown',
              { value, option: i + 1, variable, field: key, target, allowed: [...allowed], suggestion: nearest(value, allowed) },
              ['options', i, 'value'],
            ),
          });
        });
      }
    }
  }
  return out;
}
