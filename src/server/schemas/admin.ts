import { z } from 'zod';
import { errorBody } from '../errors.ts';

/** The OpenAPI security requirement and tag of every admin route. */
export const ADMIN = { tags: ['admin'], security: [{ adminToken: [] }] };

/** Error answers every admin route may give. */
export const adminErrors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody } as const;

export const MAX_PAGE = 500;
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  search: z.string().trim().max(200).optional().describe('Case-insensitive text to look for (name, email …).'),
});

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });

export { problem, type ProblemView } from './problem.ts';
