import { z } from 'zod';
import { PROVIDERS } from '../connectors/registry.ts';
import { LOG_LEVELS } from './logger.ts';
import { DEFAULT_STREAM_LIMITS, type StreamLimitSettings } from './stream-limits.ts';

type Env = Readonly<Record<string, string | undefined>>;

const wholeNumber = (name: string, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number, got "${v}"` });
        return z.NEVER;
      }
      return Number(v);
    });

const origins = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const list = (v ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== '');
    if (list.length === 0) return null;
    for (const origin of list) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || parsed.origin !== origin.replace(/\/$/, '')) {
        ctx.addIssue({
          code: 'custom',
          message: `RENKEI_ALLOWED_ORIGINS holds "${origin}", which is not an origin (scheme://host[:port], no path)`,
        });
        return z.NEVER;
      }
    }
    return list.map((o) => new URL(o).origin);
  });

/**
 * Which proxies' X-Forwarded-For to believe, so the rate limit counts visitors, not the proxy:
 * `true` (any), a hop count, or comma-separated addresses/CIDRs. Unset: none.
 */
const trustProxy = z
  .string()
  .trim()
  .optional()
  .transform((v): boolean | number | string[] => {
    if (v === undefined || v === '' || v.toLowerCase() === 'false') return false;
    if (v.toLowerCase() === 'true') return true;
    if (/^\d+$/.test(v)) return Number(v);
    return v
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
  });

/** The words an on/off variable takes, in any case; unset or empty is off. */
const SWITCH_WORDS: Readonly<Record<string, boolean>> = { '': false, '0': false, false: false, no: false, '1': true, true: true, yes: true };

/** What an on/off variable holding something else is told. */
const switchMessage = (name: string, value: string): string => `${name} must be 1, true or yes (on) or 0, false or no (off), got "${value}"`;

/**
 * An on/off variable (RENKEI_CUSTOM_SERVICE_URLS, RENKEI_WEBHOOK_ALLOW_PRIVATE): the one rule the
 * server and the CLI read them by. Another value is a ConfigError naming the variable, never
 * silently off: `RENKEI_WEBHOOK_ALLOW_PRIVATE=on` must not leave an operator wondering.
 */
export function envSwitch(env: Env, name: string): boolean {
  const value = env[name];
  const on = SWITCH_WORDS[(value ?? '').trim().toLowerCase()];
  if (on === undefined) throw new ConfigError(switchMessage(name, value ?? ''));
  return on;
}

/** envSwitch as a field of serverEnv, so its problem is listed with the others'. */
const flag = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const on = SWITCH_WORDS[(v ?? '').trim().toLowerCase()];
      if (on !== undefined) return on;
      ctx.addIssue({ code: 'custom', message: switchMessage(name, v ?? '') });
      return z.NEVER;
    });

const serverEnv = z.object({
  RENKEI_TRUST_PROXY: trustProxy,
  RENKEI_RATE_LIMIT: wholeNumber('RENKEI_RATE_LIMIT', 120),
  RENKEI_ALLOWED_ORIGINS: origins,
  RENKEI_STREAMS_PER_IP: wholeNumber('RENKEI_STREAMS_PER_IP', DEFAULT_STREAM_LIMITS.perAddress),
  RENKEI_STREAMS_PER_CONVERSATION: wholeNumber('RENKEI_STREAMS_PER_CONVERSATION', DEFAULT_STREAM_LIMITS.perConversation),
  RENKEI_METRICS_TOKEN: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? null : v)),
  RENKEI_TURN_WAIT_MS: wholeNumber('RENKEI_TURN_WAIT_MS', 8000),
  RENKEI_CUSTOM_SERVICE_URLS: flag('RENKEI_CUSTOM_SERVICE_URLS'),
  RENKEI_WEBHOOK_ALLOW_PRIVATE: flag('RENKEI_WEBHOOK_ALLOW_PRIVATE'),
  RENKEI_PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return null;
      let url: URL | undefined;
      try {
        url = new URL(v);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash) {
        ctx.addIssue({ code: 'custom', message: `RENKEI_PUBLIC_URL must be an origin such as https://chat.example.com (no path), got "${v}"` });
        return z.NEVER;
      }
      return url.origin;
    }),
  RENKEI_DB_POOL: wholeNumber('RENKEI_DB_POOL', 10).refine((n) => n >= 1 && n <= 1000, {
    message: 'RENKEI_DB_POOL must be between 1 and 1000 (connections one process opens to PostgreSQL)',
  }),
  RENKEI_LOG_LEVEL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? 'info' : v.toLowerCase()))
    .pipe(z.enum(LOG_LEVELS, { error: () => `RENKEI_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })),
});

export interface ServerConfig {
  /** Visitor API requests per minute per IP address; 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  /** Open event streams at once per client address and per conversation (0: no limit). */
  readonly streams: StreamLimitSettings;
  /** RENKEI_METRICS_TOKEN: the bearer token /metrics asks for; null leaves it open. */
  readonly metricsToken: string | null;
  /** Origins whose pages may call the visitor API; null lets any origin. */
  readonly allowedOrigins: readonly string[] | null;
  /** How long a reply waits for a running integration before answering `working`. */
  readonly turnWaitMs: number;
  /**
   * Per provider name: how long one call may take before it counts as timed out (the block's
   * deadline still bounds its retries), from the variable the provider declares (`callTimeout`).
   */
  readonly callTimeoutsMs: Readonly<Record<string, number>>;
  /** PostgreSQL: connections this process opens at most (RENKEI_DB_POOL, default 10). */
  readonly dbPoolSize: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** RENKEI_TRUST_PROXY: whose X-Forwarded-For gives the client's address (false: nobody's). */
  readonly trustProxy: boolean | number | readonly string[];
  /**
   * RENKEI_CUSTOM_SERVICE_URLS: whether the admin API may point a provider's base URLs anywhere
   * (a fake, a corporate proxy). Off, only the service's own hosts for the chosen data centre.
   */
  readonly customServiceUrls: boolean;
  /** RENKEI_PUBLIC_URL: the origin browsers reach Renkei at (OAuth redirect URIs); null: the request's own. */
  readonly publicUrl: string | null;
  /** RENKEI_WEBHOOK_ALLOW_PRIVATE on: `webhook` blocks (the runtime's and the preview's) may call loopback, private and link-local addresses. */
  readonly webhookAllowPrivate: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The server's settings from the environment; a bad value is a ConfigError naming the variable. */
export function serverConfigFromEnv(env: Env): ServerConfig {
  const timeouts = PROVIDERS.flatMap((p) => (p.callTimeout ? [[p.name, p.callTimeout] as const] : []));
  const providerEnv = z.object(Object.fromEntries(timeouts.map(([, t]) => [t.env, wholeNumber(t.env, t.defaultMs)])));
  const parsed = serverEnv.safeParse(env);
  const perProvider = providerEnv.safeParse(env);
  const issues = [...(parsed.error?.issues ?? []), ...(perProvider.error?.issues ?? [])];
  if (!parsed.success || !perProvider.success) throw new ConfigError(issues.map((i) => i.message).join('; '));
  const values: Record<string, unknown> = perProvider.data;
  const e = parsed.data;
  return {
    rateLimitPerMinute: e.RENKEI_RATE_LIMIT,
    streams: { perAddress: e.RENKEI_STREAMS_PER_IP, perConversation: e.RENKEI_STREAMS_PER_CONVERSATION },
    allowedOrigins: e.RENKEI_ALLOWED_ORIGINS,
    metricsToken: e.RENKEI_METRICS_TOKEN,
    turnWaitMs: e.RENKEI_TURN_WAIT_MS,
    callTimeoutsMs: Object.fromEntries(timeouts.map(([name, t]) => [name, values[t.env] as number])),
    dbPoolSize: e.RENKEI_DB_POOL,
    logLevel: e.RENKEI_LOG_LEVEL,
    trustProxy: e.RENKEI_TRUST_PROXY,
    customServiceUrls: e.RENKEI_CUSTOM_SERVICE_URLS,
    publicUrl: e.RENKEI_PUBLIC_URL,
    // The CLI reads it by the same rule (envSwitch): the same bot reaches the same places either way.
    webhookAllowPrivate: e.RENKEI_WEBHOOK_ALLOW_PRIVATE,
  };
}
