import { z } from 'zod';
import { appearanceSchema } from '../appearance/schema.ts';
import { BLOCKS, BLOCK_TYPES, type BlockType } from '../blocks/index.ts';
import { LOCALES } from '../vocabulary/locales.ts';

type BlockSchema = (typeof BLOCKS)[BlockType]['schema'];
// The registry's order; a tuple type only says it is not empty, as a discriminated union needs.
const blockSchemas = BLOCK_TYPES.map((type) => BLOCKS[type].schema) as unknown as readonly [BlockSchema, ...BlockSchema[]];

/** One block of a bot file: the schema of its `type`, for every type of the registry. */
export const blockSchema = z.discriminatedUnion('type', blockSchemas);

export const BOT_ID = /^[a-z0-9-]+$/;

/** A bot file (DESIGN.md "The bot file"). Cross-block checks (targets, ports, variables) live in validate.ts. */
export const botSchema = z.strictObject({
  renkei: z.literal(1),
  id: z.string().regex(BOT_ID, 'must be lower-case letters, digits and -'),
  name: z.string().min(1),
  locale: z.enum(LOCALES).default('en'),
  start: z.string().min(1, 'must name a block'),
  blocks: z.record(z.string().min(1), blockSchema),
  appearance: appearanceSchema.optional(),
});

export type Bot = z.output<typeof botSchema>;
/** A bot file as written, before defaults. */
export type BotInput = z.input<typeof botSchema>;
