import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { z } from 'zod';

const probability = z.number().min(0).max(1);

export const faultsSchema = z.strictObject({
  /** Probability that an API request answers 500 UNKNOWN_EXCEPTION (or 503 SERVER_UNAVAILABLE, alternately) without doing anything. */
  rate5xx: probability,
  /** Probability of 403 REQUEST_LIMIT_EXCEEDED ("TotalRequests Limit exceeded."), without doing anything. */
  rateLimit: probability,
  /** Probability that a committed create is answered by destroying the connection. */
  rateLostResponse: probability,
  /** Probability that an API answer is delayed by `slowMs`, after the work was done (a client timeout must not duplicate it). */
  rateSlow: probability,
  slowMs: z.number().int().min(0),
  /**
   * The next `count` requests matching `route` (`"POST /sobjects/Lead"`: method and the path after the
   * version; a trailing `*` for a prefix; without it, any API request) answer `status` with `errorCode`.
   */
  failNext: z
    .strictObject({
      status: z.number().int().min(400).max(599),
      count: z.number().int().min(1),
      route: z.string().min(1).optional(),
      errorCode: z.string().min(1).optional(),
    })
    .nullable(),
});

export type Faults = z.infer<typeof faultsSchema>;

export const DEFAULT_FAULTS: Faults = { rate5xx: 0, rateLimit: 0, rateLostResponse: 0, rateSlow: 0, slowMs: 0, failNext: null };

/** The error array Salesforce answers each status with (its REST API's "Status Codes and Error Responses"). */
export function faultBody(status: number, errorCode?: string): { message: string; errorCode: string; fields?: string[] }[] {
  const code =
    errorCode ??
    (status === 401
      ? 'INVALID_SESSION_ID'
      : status === 403
        ? 'REQUEST_LIMIT_EXCEEDED'
        : status === 503
          ? 'SERVER_UNAVAILABLE'
          : status >= 500
            ? 'UNKNOWN_EXCEPTION'
            : 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
  const messages: Readonly<Record<string, string>> = {
    INVALID_SESSION_ID: 'Session expired or invalid',
    REQUEST_LIMIT_EXCEEDED: 'TotalRequests Limit exceeded.',
    SERVER_UNAVAILABLE: 'Server temporarily unavailable, please try again later.',
    UNKNOWN_EXCEPTION: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
    FIELD_CUSTOM_VALIDATION_EXCEPTION: 'Rejected by a validation rule of the fake org',
  };
  return [{ message: messages[code] ?? code, errorCode: code, ...(status === 400 ? { fields: [] } : {}) }];
}

export function routeMatches(route: string, method: string, path: string): boolean {
  const space = route.indexOf(' ');
  const wantMethod = space > 0 ? route.slice(0, space).toUpperCase() : null;
  const wantPath = space > 0 ? route.slice(space + 1) : route;
  if (wantMethod !== null && wantMethod !== method.toUpperCase()) return false;
  return wantPath.endsWith('*') ? path.startsWith(wantPath.slice(0, -1)) : path === wantPath;
}

/** Decides per request which fault happens; all randomness from one seeded stream. */
export class FaultInjector {
  #faults: Faults = { ...DEFAULT_FAULTS };
  #rng: RandomGenerator;
  #flip = false;
  readonly #seed: number;

  constructor(seed: number) {
    this.#seed = seed;
    this.#rng = xoroshiro128plus(seed ^ 0x5f0c);
  }

  get current(): Faults {
    return { ...this.#faults, failNext: this.#faults.failNext ? { ...this.#faults.failNext } : null };
  }

  set(partial: Partial<Faults>): void {
    this.#faults = { ...this.#faults, ...faultsSchema.partial().parse(partial) };
  }

  reset(): void {
    this.#faults = { ...DEFAULT_FAULTS };
    this.#rng = xoroshiro128plus(this.#seed ^ 0x5f0c);
    this.#flip = false;
  }

  #chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return uniformFloat64(this.#rng) < p;
  }

  /** `path` is the part after `/services/data/vNN.N` (or the token endpoint's, which only a named failNext hits). */
  before(method: string, path: string, tokenEndpoint: boolean): { status: number; errorCode?: string } | null {
    const next = this.#faults.failNext;
    const named = next?.route !== undefined && routeMatches(next.route, method, path);
    if (next && (named || (next.route === undefined && !tokenEndpoint))) {
      this.#faults.failNext = next.count > 1 ? { ...next, count: next.count - 1 } : null;
      return { status: next.status, ...(next.errorCode ? { errorCode: next.errorCode } : {}) };
    }
    if (tokenEndpoint) return null;
    if (this.#chance(this.#faults.rateLimit)) return { status: 403 };
    if (this.#chance(this.#faults.rate5xx)) {
      this.#flip = !this.#flip;
      return { status: this.#flip ? 500 : 503 };
    }
    return null;
  }

  loseResponse(): boolean {
    return this.#chance(this.#faults.rateLostResponse);
  }

  /** How long to hold a finished answer back (0: not at all). */
  slowDelay(): number {
    return this.#faults.slowMs > 0 && this.#chance(this.#faults.rateSlow) ? this.#faults.slowMs : 0;
  }
}
