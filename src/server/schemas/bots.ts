import { z } from 'zod';
import { problem } from './problem.ts';

// Answers of the admin API's bot routes; the admin app imports their types (zod only here).

export const botSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    publishedVersion: z.number().int().nullable(),
    latestVersion: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'BotSummary' });
export type BotSummaryView = z.infer<typeof botSummary>;

export const botVersion = z
  .object({
    botId: z.string(),
    version: z.number().int(),
    format: z.enum(['yaml', 'json']),
    createdAt: z.string(),
    publishedAt: z.string().nullable(),
    published: z.boolean(),
  })
  .meta({ id: 'BotVersion' });
export type BotVersionView = z.infer<typeof botVersion>;

export const published = z.object({ botId: z.string(), version: z.number().int() });
export type PublishedView = z.infer<typeof published>;

/** A publish's answer: the values it could not check against the service are warnings. */
export const publishedChecked = published.extend({ warnings: z.array(problem) });
export type PublishedCheckedView = z.infer<typeof publishedChecked>;

/** A list answer: `{ items }`. */
export type Items<T> = { items: T[] };
