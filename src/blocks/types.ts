// The block types without the definitions' types, for modules that only name a type.
export { BLOCK_TYPES, type BlockType } from './index.ts';
