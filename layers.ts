/**
 * The folders of src/, bottom first. A folder may import from itself and from the folders before
 * it, never from one after it, type-only imports included: so the folders form no cycle.
 * eslint.config.js turns this list into the import-boundary rule; docs/architecture.md says what
 * each folder holds.
 */
export const LAYERS = [
  'vocabulary',
  'answers',
  'blocks',
  'appearance',
  'flow',
  'engine',
  'secrets',
  'store',
  'connectors',
  'runtime',
  'server',
  'cli',
] as const;
