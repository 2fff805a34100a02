import { createHash } from 'node:crypto';
import type { FastifyHelmetOptions } from '@fastify/helmet';

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
export const SECURITY_HEADERS: FastifyHelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: directives(API_POLICY) },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
  xFrameOptions: { action: 'deny' },
};

/** The admin app's route options: its policy in place of the API's. */
export const ADMIN_HEADERS = { contentSecurityPolicy: { useDefaults: false, directives: directives(ADMIN_POLICY) } } as const;

/**
 * Route options of what other sites embed or frame (the widget script, a bot's full page): no
 * X-Frame-Options (the page's own frame-ancestors decides), readable from any origin.
 */
export const EMBEDDABLE_HEADERS = {
  xFrameOptions: false,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  crossOriginOpenerPolicy: false,
} as const;
