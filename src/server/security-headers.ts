import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

type Policy = Readonly<Record<string, readonly string[]>>;

/** A Content-Security-Policy header value from its directives, in the order given. */
export function policyText(policy: Policy): string {
  return Object.entries(policy)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/** The API, health and metrics: JSON and text only, never a page, never in a frame. */
const API_POLICY: Policy = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * The admin app: everything from this origin, no inline script or style, no frame may hold it
 * (its pages hold the admin token's powers: clickjacking them would be a way in).
 */
export const ADMIN_POLICY: Policy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** The API docs page (Swagger UI): its own scripts and styles, which set inline styles. */
export const DOCS_POLICY: Policy = {
  ...ADMIN_POLICY,
  'style-src': ["'self'", "'unsafe-inline'"],
};

/**
 * A page Renkei writes (the demo, a bot's full page): its one inline `<style>` allowed by its
 * hash, the widget from this origin. `frameAncestors` says who may show the page in a frame.
 */
export function pagePolicy(style: string, frameAncestors: readonly string[]): string {
  const hash = createHash('sha256').update(style).digest('base64');
  return policyText({
    ...ADMIN_POLICY,
    'style-src': ["'self'", `'sha256-${hash}'`],
    'frame-ancestors': frameAncestors,
  });
}

/**
 * Who may show a bot's full page (`/chat/{botId}`) in a frame: the sites that embed the
 * widget, that is RENKEI_ALLOWED_ORIGINS, or any site when that is not set.
 */
export function chatFrameAncestors(allowedOrigins: readonly string[] | null): string[] {
  return allowedOrigins === null ? ['*'] : ["'self'", ...allowedOrigins];
}

const directives = (policy: Policy): Record<string, string[]> => Object.fromEntries(Object.entries(policy).map(([name, sources]) => [name, [...sources]]));

/**
 * Security headers on every answer (helmet): a Content-Security-Policy (the API's own unless a
 * route sets its page's), `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
 * `X-Frame-Options: DENY`, cross-origin isolation of the pages. No HSTS: whether the site is
 * HTTPS-only is the TLS proxy's call, and on plain http://127.0.0.1 it would mean nothing. No
 * `upgrade-insecure-requests` either, for the same reason.
 */
export const SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: directives(API_POLICY) },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
  xFrameOptions: { action: 'deny' },
};

/** The admin app's route config (`securityHeaders`): its policy in place of the API's. */
export const ADMIN_HEADERS: HelmetOptions = { contentSecurityPolicy: { useDefaults: false, directives: directives(ADMIN_POLICY) } };

/**
 * Route config (`securityHeaders`) of what other sites embed or frame (the widget script, a bot's
 * full page): no X-Frame-Options (the page's own frame-ancestors decides), readable from any origin.
 */
export const EMBEDDABLE_HEADERS: HelmetOptions = {
  xFrameOptions: false,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  crossOriginOpenerPolicy: false,
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's helmet options, over SECURITY_HEADERS (which every other answer gets). */
    securityHeaders?: HelmetOptions;
  }
}

type HeaderList = readonly (readonly [name: string, value: string])[];

/**
 * The headers helmet sets for `options`: its own middleware, run once against a response that
 * only records them. They depend on nothing of the request, so working them out per request (as
 * @fastify/helmet does, parsing the policy each time) would be a turn's CPU spent on constants.
 */
export function headersOf(options: HelmetOptions): HeaderList {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => void headers.push([name.toLowerCase(), String(value)]),
    removeHeader: () => undefined,
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => (failure = error));
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  return headers;
}

/**
 * Security headers on every answer, 404s and errors included: SECURITY_HEADERS, or a route's own
 * (`config: { securityHeaders }`, merged over them). Set when the request arrives, so a route
 * may still replace one (a page's policy with its style's hash).
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  const defaults = headersOf(SECURITY_HEADERS);
  // A callback hook, not an async one: it runs on every request, visitors' turns included.
  app.addHook('onRequest', (_request, reply, done) => {
    const res = reply.raw;
    for (const [name, value] of defaults) res.setHeader(name, value);
    done();
  });
  // A route with its own headers gets a hook of its own, after the one above: the others pay nothing.
  app.addHook('onRoute', (route) => {
    const own = route.config?.securityHeaders;
    if (own === undefined) return;
    const headers = headersOf({ ...SECURITY_HEADERS, ...own } as HelmetOptions);
    const dropped = defaults.map(([name]) => name).filter((name) => !headers.some(([kept]) => kept === name));
    const apply: onRequestHookHandler = (_request, reply, done) => {
      const res = reply.raw;
      for (const name of dropped) res.removeHeader(name);
      for (const [name, value] of headers) res.setHeader(name, value);
      done();
    };
    const hooks = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...hooks, apply];
  });
}
