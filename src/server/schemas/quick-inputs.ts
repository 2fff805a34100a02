import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { conversationParams, MAX_ANSWER_LENGTH, replyBody } from './conversation.ts';

/**
 * The key of `data` when it is an object with that one key only, holding a string of `min` to
 * `max` characters (as zod counts them); undefined for anything else.
 */
function soleString(data: unknown, min: number, max: number): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const keys = Object.keys(data);
  if (keys.length !== 1) return undefined;
  const value = (data as Record<string, unknown>)[keys[0]!];
  return typeof value === 'string' && value.length >= min && value.length <= max ? keys[0] : undefined;
}

/**
 * What a visitor's every answer sends, recognised when plainly valid without running zod over
 * it: the same schemas accept exactly these, so the value is the same. Anything else (a mistake
 * to answer with its field named) goes through zod as before.
 */
const QUICK = new Map<ZodType, (data: unknown) => boolean>([
  [replyBody, (body) => ['text', 'choice'].includes(soleString(body, 0, MAX_ANSWER_LENGTH) ?? '')],
  [conversationParams, (params) => soleString(params, 1, 200) === 'id'],
]);

/** A route's validator compiler: zod's, after the quick check above for the schemas it knows. */
export const quickValidatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const schema = route.schema as ZodType;
  const full = validatorCompiler({ ...route, schema });
  const quick = QUICK.get(schema);
  return quick ? (data) => (quick(data) ? { value: data } : full(data)) : full;
};
