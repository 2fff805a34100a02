import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RuntimeError, type RuntimeErrorCode } from '../runtime/api.ts';
import { StoreError, type StoreErrorKind } from '../store/errors.ts';

/** Every error answer: `{error: {code, message, field?}}`; `field` names the request field at fault. */
export const errorDetail = z.object({
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
});
export const errorBody = z.object({ error: errorDetail }).meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBody>;

/** A client mistake or a refusal the handler decided on: answered as it is. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** What each runtime refusal means over HTTP (see the comments in runtime/api.ts). */
export const RUNTIME_STATUS: { readonly [C in RuntimeErrorCode]: number } = {
  bot_not_found: 404,
  conversation_not_found: 404,
  conversation_over: 409,
  not_waiting_for_input: 409,
  conflict: 409,
  unknown_choice: 400,
  invalid_answer: 400,
  invalid_visitor: 400,
  shutting_down: 503,
};

const STORE_STATUS: { readonly [K in StoreErrorKind]: number } = {
  not_found: 404,
  duplicate: 409,
  invalid: 400,
  open: 503,
  corrupt: 500,
};

/** Fastify's own client errors (body parsing, content types), by the code it gives them. */
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed_body',
};

interface Answer {
  readonly status: number;
  readonly body: ErrorBody;
}

const answer = (status: number, code: string, message: string, field?: string): Answer => ({
  status,
  body: { error: field === undefined ? { code, message } : { code, message, field } },
});

function validationAnswer(error: FastifyError): Answer {
  const first = error.validation?.[0];
  const path = first?.instancePath.replace(/^\//, '').replaceAll('/', '.') ?? '';
  const where = error.validationContext ?? 'body';
  const field = path === '' ? undefined : path;
  const message = `${where}${field ? `.${field}` : ''}: ${first?.message ?? 'invalid'}`;
  return answer(400, 'invalid_request', message, field);
}

/** The answer for anything a handler or hook threw; undefined for a server fault (a 500). */
export function clientAnswer(error: unknown): Answer | undefined {
  if (error instanceof ApiError) return answer(error.status, error.code, error.message, error.field);
  if (error instanceof RuntimeError) return answer(RUNTIME_STATUS[error.code], error.code, error.message, error.field);
  if (error instanceof StoreError) {
    const status = STORE_STATUS[error.kind];
    return status < 500 ? answer(status, error.kind, error.message) : undefined;
  }
  if (typeof error !== 'object' || error === null) return undefined;
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError) || Array.isArray(fastifyError.validation)) {
    return validationAnswer(fastifyError);
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = FASTIFY_CODES[fastifyError.code] ?? (status === 429 ? 'rate_limited' : 'bad_request');
    return answer(status, code, fastifyError.message);
  }
  return undefined;
}

/** Every error answered as JSON; server faults logged and answered without their details. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = clientAnswer(error);
    if (known) {
      if (known.status >= 500) request.log.warn({ code: known.body.error.code }, known.body.error.message);
      return reply.code(known.status).send(known.body);
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(answer(500, 'internal', 'the server failed to handle the request; see its log').body);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(answer(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`).body));
}
