import { z } from 'zod';
import { Rng } from './rng.ts';

const probability = z.number().min(0).max(1);

export const failNextSchema = z.strictObject({
  status: z.number().int().min(400).max(599),
  count: z.number().int().min(1),
  /**
   * Which requests it hits: `"POST /crm/v8/Leads"` (method and path), `"/crm/v8/Leads"` (any method),
   * a trailing `*` for a prefix (`"/crm/*"`). Without it, any CRM/Desk/Campaigns request. The token
   * endpoint is only hit when named (`"/oauth/v2/token"`).
   */
  route: z.string().min(1).optional(),
});

export const faultsSchema = z.strictObject({
  /** Probability that a CRM/Desk/Campaigns request answers 500 (the service's error body) without doing anything. */
  rate5xx: probability,
  /** Probability of 429 TOO_MANY_REQUESTS with `Retry-After: retryAfterSeconds`, without doing anything. */
  rate429: probability,
  retryAfterSeconds: z.number().int().min(0),
  /** Probability that a response is delayed by slowMs, after the work was done. */
  rateSlow: probability,
  slowMs: z.number().int().min(0),
  /** Probability that a committed create is answered by destroying the connection. */
  rateLostResponse: probability,
  failNext: failNextSchema.nullable(),
  /** The token endpoint answers the documented "Access Denied" throttle body. */
  tokenThrottle: z.boolean(),
  /** CRM `search` does not see records younger than this (Zoho's search index lags; COQL does not). */
  searchLagMs: z.number().int().min(0),
});

export type Faults = z.infer<typeof faultsSchema>;
export type FailNext = z.infer<typeof failNextSchema>;

export const DEFAULT_FAULTS: Faults = {
  rate5xx: 0,
  rate429: 0,
  retryAfterSeconds: 1,
  rateSlow: 0,
  slowMs: 0,
  rateLostResponse: 0,
  failNext: null,
  tokenThrottle: false,
  searchLagMs: 0,
};

export function routeMatches(route: string, method: string, path: string): boolean {
  const space = route.indexOf(' ');
  const wantMethod = space > 0 ? route.slice(0, space).toUpperCase() : null;
  const wantPath = space > 0 ? route.slice(space + 1) : route;
  if (wantMethod !== null && wantMethod !== method.toUpperCase()) return false;
  return wantPath.endsWith('*') ? path.startsWith(wantPath.slice(0, -1)) : path === wantPath;
}

export interface Injected {
  status: number;
  retryAfterSeconds?: number;
}

/** Decides, per request, which fault (if any) happens; all randomness comes from one seeded stream. */
export class FaultInjector {
  #faults: Faults = { ...DEFAULT_FAULTS };
  #rng: Rng;
  readonly #seed: number;

  constructor(seed: number) {
    this.#seed = seed;
    this.#rng = new Rng(seed ^ 0x5a17);
  }

  get current(): Faults {
    return { ...this.#faults, failNext: this.#faults.failNext ? { ...this.#faults.failNext } : null };
  }

  /** Merges; throws a ZodError on an invalid value. */
  set(partial: Partial<Faults>): void {
    const checked = faultsSchema.partial().parse(partial);
    this.#faults = { ...this.#faults, ...checked };
  }

  reset(): void {
    this.#faults = { ...DEFAULT_FAULTS };
    this.#rng = new Rng(this.#seed ^ 0x5a17);
  }

  /** Before any work: failNext, then 429, then 5xx. `tokenEndpoint` requests only meet a failNext naming them. */
  before(method: string, path: string, tokenEndpoint: boolean): Injected | null {
    const f = this.#faults;
    const next = f.failNext;
    const named = next?.route !== undefined && routeMatches(next.route, method, path);
    if (next && (named || (next.route === undefined && !tokenEndpoint))) {
      this.#faults.failNext = next.count > 1 ? { ...next, count: next.count - 1 } : null;
      return next.status === 429 ? { status: 429, retryAfterSeconds: f.retryAfterSeconds } : { status: next.status };
    }
    if (tokenEndpoint) return null;
    if (this.#rng.chance(f.rate429)) return { status: 429, retryAfterSeconds: f.retryAfterSeconds };
    if (this.#rng.chance(f.rate5xx)) return { status: 500 };
    return null;
  }

  loseResponse(): boolean {
    return this.#rng.chance(this.#faults.rateLostResponse);
  }

  /** Milliseconds to hold a finished response back (0 = none). */
  slowDelay(): number {
    return this.#faults.slowMs > 0 && this.#rng.chance(this.#faults.rateSlow) ? this.#faults.slowMs : 0;
  }

  get tokenThrottle(): boolean {
    return this.#faults.tokenThrottle;
  }

  get searchLagMs(): number {
    return this.#faults.searchLagMs;
  }
}
