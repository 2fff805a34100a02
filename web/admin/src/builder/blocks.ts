// The block catalogue of the file format, shared with the server: forms, ports and validation
// all come from these definitions, so the builder cannot drift from what the engine accepts.
import { BLOCKS, BLOCK_TYPES, type BlockType } from '../../../../src/blocks/index.ts';
import type { BlockCategory } from '../../../../src/blocks/block.ts';
import type { Role } from '../../../../src/vocabulary/roles.ts';

export { BLOCKS, BLOCK_TYPES, type BlockType };

export const isBlockType = (t: unknown): t is BlockType => typeof t === 'string' && (BLOCK_TYPES as readonly string[]).includes(t);

export const categoryOf = (type: BlockType): BlockCategory => BLOCKS[type].category;

/** The role an integration block's connector serves (`webhook` is its own). */
export const roleOf = (type: BlockType): Role | 'webhook' | null => BLOCKS[type].integration?.role ?? null;

/** The advanced-error-handling ports a block may wire besides success and failure. */
export const specificPortsOf = (type: BlockType): readonly string[] => BLOCKS[type].integration?.specificPorts ?? [];
