import type { FastifyInstance } from 'fastify';

/** What a page on another origin may send to the visitor API, and read back from it. */
const METHODS = 'GET, POST';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Last-Event-ID';
const EXPOSED_HEADERS = 'x-request-id, retry-after';
/** Seconds a browser may reuse a preflight's answer. */
const MAX_AGE = '600';

export interface CorsOptions {
  /** Origins whose pages may call the visitor API (RENKEI_ALLOWED_ORIGINS); null: any origin. */
  readonly allowedOrigins: readonly string[] | null;
  /** Whether a request's URL is the visitor API's: the only one another origin may call. */
  readonly isCrossOriginPath: (url: string) => boolean;
}

/**
 * CORS, answered as @fastify/cors answered it (same headers, same preflights) but worked out once.
 * That plugin, given per-request options (the visitor API allows other origins, the rest of the
 * server none), normalises and merges them into new objects on every request, a turn included;
 * here the answers are constants, and the allowed origins a set.
 *
 * - Every answer carries `Vary: Origin` (what it says about CORS depends on the Origin sent).
 * - The visitor API: `Access-Control-Allow-Origin` (`*`, or the request's origin when it is one
 *   of the allowed ones, else none) and `Access-Control-Expose-Headers`. A preflight (OPTIONS with
 *   Origin and Access-Control-Request-Method) is answered 204 with the methods, the headers and
 *   the max age; an OPTIONS without them is a 400.
 * - Everything else (the admin API, the inbox, pages): no CORS header, so a browser keeps other
 *   origins out; an OPTIONS there is a 404.
 */
export function installCors(app: FastifyInstance, options: CorsOptions): void {
  const { allowedOrigins, isCrossOriginPath } = options;
  const anyOrigin = allowedOrigins === null || allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins ?? []);

  // A callback hook, not an async one: it runs on every request, visitors' turns included.
  app.addHook('onRequest', (request, reply, done) => {
    const res = reply.raw;
    res.setHeader('vary', 'Origin');
    if (!isCrossOriginPath(request.url)) return done();
    const origin = request.headers.origin;
    if (anyOrigin) res.setHeader('access-control-allow-origin', '*');
    else if (origin !== undefined && allowed.has(origin)) res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    if (request.raw.method !== 'OPTIONS') return done();
    if (!origin || !request.headers['access-control-request-method']) {
      void reply.code(400).type('text/plain').send('Invalid Preflight Request');
      return;
    }
    res.setHeader('access-control-allow-methods', METHODS);
    res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
    res.setHeader('access-control-max-age', MAX_AGE);
    // Safari waits for a body on a 204 without a Content-Length.
    void reply.code(204).header('content-length', '0').send();
  });

  // Lets OPTIONS reach the hook above on any path; a preflight it did not answer is not found.
  app.options('*', { schema: { hide: true } }, (_request, reply) => {
    reply.callNotFound();
  });
}
