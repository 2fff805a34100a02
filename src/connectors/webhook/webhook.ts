import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { WebhookRequest } from '../../vocabulary/requests.ts';
import type { CallContext, WebhookConnector } from '../../vocabulary/roles.ts';
import { DestinationRefusedError, publicOnlyAgent } from './destination.ts';
import { asVariable, parseJsonPath, readJsonPath } from './json-path.ts';

export interface WebhookOptions {
  /** Allow loopback, private and link-local destinations (`RENKEI_WEBHOOK_ALLOW_PRIVATE` on). */
  readonly allowPrivate: boolean;
  /** Largest response read (default 1 MiB); a webhook answer is data for a few variables. */
  readonly maxResponseBytes?: number;
}

const MAX_REDIRECTS = 3;
const CONNECT_TIMEOUT_MS = 5_000;
/** Headers that say what the body is and what answer is wanted: they follow a redirect to another origin. */
const KEPT_ACROSS_ORIGINS = new Set(['content-type', 'accept']);
const ALLOW_PRIVATE_HINT = 'set RENKEI_WEBHOOK_ALLOW_PRIVATE=1 to allow private destinations';

class ResponseTooLargeError extends Error {}

/**
 * The `webhook` block's caller: POST/PUT the rendered JSON body, and on a 2xx answer read each
 * `save` variable from its JSON path in the response. Destinations must be public addresses unless
 * the installation allows private ones; every connection (redirects included) is checked after DNS
 * resolution.
 */
export function createWebhookConnector(opts: WebhookOptions): WebhookConnector {
  const maxBytes = opts.maxResponseBytes ?? 1024 * 1024;
  const agent: Dispatcher = (
    opts.allowPrivate ? new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS } }) : publicOnlyAgent({ connectTimeoutMs: CONNECT_TIMEOUT_MS })
  ).compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));

  return {
    async call(req: WebhookRequest, ctx: CallContext): Promise<Outcome> {
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        return failure(`the webhook URL "${req.url}" is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return failure(`the webhook URL must be http or https, not ${url.protocol}`);
      const paths = Object.entries(req.save).map(([variable, path]) => ({ variable, path: parseJsonPath(path) }));
      const badPath = paths.find((p) => !p.path.ok);
      if (badPath && !badPath.path.ok) return failure(`the webhook's save for ${badPath.variable}: ${badPath.path.message}`);

      const headers = headersFor(req.headers, url);
      const where = `${req.method} ${url.origin}${url.pathname}`;
      const timeout = AbortSignal.timeout(req.timeoutMs);
      let status: number;
      let text: string;
      try {
        const res = await request(withoutCredentials(url), {
          method: req.method,
          headers,
          body: JSON.stringify(req.body),
          ...redirectPolicy(req.headers),
          dispatcher: agent,
          signal: ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout,
        });
        status = res.statusCode;
        text = await readLimited(res.body, maxBytes);
      } catch (err) {
        return failure(describe(err, where, req.timeoutMs, maxBytes), isRetryable(err));
      }

      if (status < 200 || status >= 300) {
        const excerpt = text.trim().slice(0, 200);
        return failure(`${where} answered HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`, status >= 500 || status === 429);
      }
      if (paths.length === 0) return success({});
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return failure(`${where} answered HTTP ${status} without JSON, so nothing could be saved`);
      }
      const outputs: Record<string, string> = {};
      for (const { variable, path } of paths) {
        if (path.ok) outputs[variable] = asVariable(readJsonPath(json, path.steps));
      }
      return success(outputs);
    },
  };
}

/** JSON unless the bot says otherwise; `user:pass@` in the URL becomes Basic auth. */
function headersFor(given: Readonly<Record<string, string>>, url: URL): Record<string, string> {
  const headers: Record<string, string> = { ...given };
  const has = (name: string): boolean => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (!has('content-type')) headers['content-type'] = 'application/json';
  if (!has('accept')) headers['accept'] = 'application/json';
  if ((url.username || url.password) && !has('authorization')) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers['authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  return headers;
}

/**
 * The bot's headers (an API key) are meant for the origin it names: a redirect to another origin
 * gets the body and its type, never them (undici's redirect interceptor reads this per request;
 * its request types do not list it). undici drops Authorization and Cookie there by itself.
 */
function redirectPolicy(given: Readonly<Record<string, string>>): { readonly stripHeadersOnCrossOriginRedirect: string[] } {
  return { stripHeadersOnCrossOriginRedirect: Object.keys(given).filter((name) => !KEPT_ACROSS_ORIGINS.has(name.toLowerCase())) };
}

function withoutCredentials(url: URL): URL {
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return bare;
}

async function readLimited(body: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw new ResponseTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

function describe(err: unknown, where: string, timeoutMs: number, maxBytes: number): string {
  const chain = causeChain(err);
  const refused = chain.find((e) => e instanceof DestinationRefusedError);
  if (refused instanceof DestinationRefusedError) return `refused to call ${where}: ${refused.message}; ${ALLOW_PRIVATE_HINT}`;
  if (err instanceof ResponseTooLargeError) return `${where} answered with more than ${maxBytes} bytes`;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `${where} did not answer within ${timeoutMs} ms`;
  }
  const code = chain.map((e) => (e as { code?: unknown }).code).find((c) => typeof c === 'string');
  if (code === 'UND_ERR_MAX_REDIRECTIONS' || code === 'UND_ERR_REDIRECT') return `${where} redirected more than ${MAX_REDIRECTS} times`;
  return `${where} failed: ${err instanceof Error ? err.message : String(err)}${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** Timeouts and network trouble may pass; a refused destination or an oversized answer will not. */
function isRetryable(err: unknown): boolean {
  const chain = causeChain(err);
  return !chain.some((e) => e instanceof DestinationRefusedError || e instanceof ResponseTooLargeError);
}
