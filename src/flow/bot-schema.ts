import { z } from 'zod';
import { appearanceSchema } from '../appearance/schema.ts';
import { BLOCKS, type BlockConfig } from '../blocks/index.ts';
import { LOCALES } from '../vocabulary/locales.ts';

/** One block of a bot file: the schema of its `type`. */
export const blockSchema = z.discriminatedUnion('type', [
  BLOCKS.message.schema,
  BLOCKS.ask.schema,
  BLOCKS.choice.schema,
  BLOCKS.condition.schema,
  BLOCKS.set.schema,
  BLOCKS.goto.schema,
  BLOCKS.end.schema,
  BLOCKS.handoff.schema,
  BLOCKS['crm.lead'].schema,
  BLOCKS['crm.contact'].schema,
  BLOCKS['crm.deal'].schema,
  BLOCKS['helpdesk.ticket'].schema,
  BLOCKS['mailing.subscribe'].schema,
  BLOCKS.webhook.schema,
]);

// A block type left out of the union above would make this line fail to compile.
const _everyBlockType: z.output<typeof blockSchema> = null as unknown as BlockConfig;

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
