import { z } from 'zod';

const portCount = z.object({ port: z.string(), conversations: z.number().int() });
const blockStats = z.object({
  block: z.string(),
  type: z.string(),
  ports: z.array(portCount).describe('Each port taken at least once, most taken first.'),
});

/** GET /bots/{id}/analytics. The admin app imports its type. */
export const botAnalytics = z
  .object({
    botId: z.string(),
    conversations: z.number().int().describe('Conversations of this bot, all versions.'),
    blocks: z.array(blockStats),
  })
  .meta({ id: 'BotAnalytics' });
export type BotAnalyticsView = z.infer<typeof botAnalytics>;
