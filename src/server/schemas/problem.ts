import { z } from 'zod';

/** A problem of an uploaded bot file: where (block, field, line) and what. The admin app imports its type. */
export const problem = z
  .object({
    severity: z.enum(['error', 'warning']),
    code: z.string(),
    message: z.string(),
    block: z.string().nullable(),
    field: z.string().nullable(),
    line: z.number().int().nullable(),
  })
  .meta({ id: 'BotProblem' });
export type ProblemView = z.infer<typeof problem>;
