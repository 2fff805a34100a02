// The block catalogue of the file format, shared with the server: forms, ports and validation
// all come from each block type's declaration, so the builder cannot drift from what the engine
// accepts, and a block type is drawn from its declaration alone.
import { BLOCKS, BLOCK_TYPES, type BlockType } from '../../../../src/blocks/index.ts';
import { fieldEntries, PORT, type BlockCategory, type FieldDecl, type PortDecl } from '../../../../src/blocks/block.ts';
import type { Role } from '../../../../src/vocabulary/roles.ts';

export { BLOCKS, BLOCK_TYPES, PORT, type BlockType, type FieldDecl, type PortDecl };

export const isBlockType = (t: unknown): t is BlockType => typeof t === 'string' && (BLOCK_TYPES as readonly string[]).includes(t);

export const categoryOf = (type: BlockType): BlockCategory => BLOCKS[type].category;

/** The role an integration block's connector serves (`webhook` is its own). */
export const roleOf = (type: BlockType): Role | 'webhook' | null => BLOCKS[type].integration?.role ?? null;

/** The advanced-error-handling ports a block may wire besides success and failure. */
export const specificPortsOf = (type: BlockType): readonly string[] => BLOCKS[type].ports({ type }).flatMap((p) => (p.advanced ? [p.name] : []));

/** A block type's keys in form order, each a field or a port. */
export const fieldsOf = (type: BlockType): [string, FieldDecl][] => fieldEntries(BLOCKS[type].fields);
