import type { LooseBlock, PortDecl } from './block.ts';
import { PORT_LABELS } from './labels.ts';

/** A port whose target sits at a top-level key of the same name. */
export const keyPort = (name: 'next' | 'invalid' | 'else' | 'target'): PortDecl => ({
  name,
  field: name,
  label: PORT_LABELS[name],
  advanced: false,
});

export const isLooseMap = (value: unknown): value is LooseBlock => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The items of a list key of a block as written; none when the key is absent or not a list. */
export const looseItems = (block: LooseBlock, key: string): readonly unknown[] => {
  const value = block[key];
  return Array.isArray(value) ? value : [];
};
