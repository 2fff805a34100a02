import { z } from 'zod';
import { fieldEntries, PORT, type BlockDefinition } from '../blocks/block.ts';
import { BLOCKS, BLOCK_TYPES } from '../blocks/index.ts';
import { botSchema } from './bot-schema.ts';

/** What an editor shows on hover for the top-level keys. */
const TOP_LEVEL: Readonly<Record<keyof typeof botSchema.shape, string>> = {
  renkei: 'Format version of the bot file; always 1.',
  id: 'Bot id, [a-z0-9-]+, unique per installation.',
  name: 'Display name of the bot.',
  locale: 'en | ja: built-in re-prompts, date formats and name order.',
  start: 'Id of the block the conversation starts at.',
  blocks: 'The blocks of the bot, keyed by block id. Every reference to another block is a block id.',
  appearance: "How the bot's chat widget looks on a site: theme, accent colour, title, avatar, greeting, launcher, proactive opening.",
};

function blockDescription(type: string, def: BlockDefinition): string {
  const spec = def.integration;
  if (spec === undefined) return `${type} (${def.category}): ${def.description.en}`;
  const ports = ['success', 'failure', ...spec.specificPorts].join(', ');
  const outputs = spec.outputs.length > 0 ? `; save outputs: ${spec.outputs.join(', ')}` : '';
  return `${type} (integration): ports ${ports}; success and failure are required${outputs}. ${def.description.en}`;
}

/**
 * The JSON Schema (draft 2020-12) of the bot file as written — the input side, so keys that have
 * defaults are optional — for editors' completion and inline checks. Cross-block rules (targets,
 * variables, reachability) are beyond JSON Schema; `renkei validate` checks those.
 */
export function botJsonSchema(): Record<string, unknown> {
  const descriptions = new Map<unknown, string>();
  // Per block schema, what an editor shows on hover for each of its fields: the builder's words for it.
  const fieldTexts = new Map<unknown, Map<string, string>>();
  for (const type of BLOCK_TYPES) {
    const def = BLOCKS[type] as BlockDefinition;
    descriptions.set(def.schema, blockDescription(type, def));
    const texts = new Map<string, string>();
    for (const [key, field] of fieldEntries(def.fields)) {
      if (field !== PORT) texts.set(key, field.help ? `${field.label.en}: ${field.help.en}` : field.label.en);
    }
    fieldTexts.set(def.schema, texts);
  }
  for (const [key, text] of Object.entries(TOP_LEVEL)) descriptions.set(botSchema.shape[key as keyof typeof TOP_LEVEL], text);

  const schema = z.toJSONSchema(botSchema, {
    target: 'draft-2020-12',
    io: 'input',
    // Refinements (unique option values, rule values) have no JSON Schema form; the shapes do.
    unrepresentable: 'any',
    override(ctx) {
      const text = descriptions.get(ctx.zodSchema);
      if (text !== undefined && ctx.jsonSchema.description === undefined) ctx.jsonSchema.description = text;
      const properties = ctx.jsonSchema.properties;
      for (const [key, field] of fieldTexts.get(ctx.zodSchema) ?? []) {
        const property = properties?.[key];
        if (property !== undefined && typeof property === 'object' && property.description === undefined) property.description = field;
      }
    },
  });
  const { $schema, ...rest } = schema;
  return {
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    title: 'Renkei bot file',
    description: 'A Renkei chatbot: blocks connected by block ids, with integration blocks for CRM, helpdesk and mailing list.',
    ...rest,
  };
}
