import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

/** The token of `Authorization: Bearer <token>`, or undefined when there is none. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** An ApiError 401 for a missing or wrong bearer token. */
export function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message);
}
