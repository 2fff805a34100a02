import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { definitionOf } from '../../blocks/index.ts';
import type { Outcome } from '../../vocabulary/outcome.ts';
import { BOT_ID, type Bot } from '../../flow/bot-schema.ts';
import { parseDefinition } from '../../store/bots.ts';
import type { Store } from '../../store/store.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';

const portCount = z.object({ port: z.string(), conversations: z.number().int() });
const blockStats = z.object({
  block: z.string(),
  type: z.string(),
  ports: z.array(portCount).describe('Each port taken at least once, most taken first.'),
});
const analytics = z
  .object({
    botId: z.string(),
    conversations: z.number().int().describe('Conversations of this bot, all versions.'),
    blocks: z.array(blockStats),
  })
  .meta({ id: 'BotAnalytics' });

/**
 * Per block and port, how many conversations took it. Every integration call that finished is in
 * the outbox with its final outcome; the port that outcome took is worked out from the version of
 * the bot the conversation ran, exactly as the engine settled it (an unwired specific port is
 * `failure`).
 */
export const adminAnalyticsRoutes: FastifyPluginAsyncZod<{ readonly store: Store }> = async (app, { store }) => {
  const { db } = store;
  app.get(
    '/bots/:id/analytics',
    {
      schema: {
        ...ADMIN,
        summary: 'How many conversations took each outcome port of each integration block',
        params: z.object({ id: z.string().regex(BOT_ID).max(100) }),
        response: { 200: analytics, ...adminErrors },
      },
    },
    async (request) => {
      const botId = request.params.id;
      const known = await db.selectFrom('bots').select('id').where('id', '=', botId).executeTakeFirst();
      if (!known) throw new ApiError(404, 'bot_not_found', `there is no bot "${botId}"`);

      const [{ count } = { count: 0 }] = await db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('bot_id', '=', botId)
        .execute();
      const done = await db
        .selectFrom('effects')
        .innerJoin('conversations', 'conversations.id', 'effects.conversation_id')
        .select(['effects.conversation_id as conversationId', 'effects.block_id as blockId', 'effects.outcome', 'conversations.bot_version as version'])
        .where('effects.bot_id', '=', botId)
        .where('effects.status', '=', 'done')
        .execute();

      const versions = new Map<number, Bot>();
      for (const version of new Set(done.map((d) => d.version))) {
        const row = await db
          .selectFrom('bot_versions')
          .select('definition')
          .where('bot_id', '=', botId)
          .where('version', '=', version)
          .executeTakeFirst();
        if (row) versions.set(version, parseDefinition(botId, version, row.definition));
      }

      // block → port → conversations
      const taken = new Map<string, { type: string; ports: Map<string, Set<string>> }>();
      for (const d of done) {
        const config = versions.get(d.version)?.blocks[d.blockId];
        if (!config || d.outcome === null) continue;
        const settle = definitionOf(config).settle;
        if (!settle) continue;
        const { port } = settle(config, JSON.parse(d.outcome) as Outcome);
        const entry = taken.get(d.blockId) ?? { type: config.type, ports: new Map() };
        taken.set(d.blockId, entry);
        const seen = entry.ports.get(port) ?? new Set<string>();
        seen.add(d.conversationId);
        entry.ports.set(port, seen);
      }
      const blocks = [...taken.entries()]
        .map(([block, { type, ports }]) => ({
          block,
          type,
          ports: [...ports.entries()].map(([port, ids]) => ({ port, conversations: ids.size })).sort((a, b) => b.conversations - a.conversations),
        }))
        .sort((a, b) => a.block.localeCompare(b.block));
      return { botId, conversations: Number(count), blocks };
    },
  );
};
