export interface RetryPolicy {
  /** The first retry waits up to this long … */
  readonly baseMs: number;
  /** … each further one up to twice as long, never more than this. */
  readonly capMs: number;
  /** Attempts per call, counting the first; a deadline usually ends retries sooner. */
  readonly maxAttempts?: number;
}

/**
 * How long to wait before attempt `attempt + 1` after `attempt` failed: "full jitter" (a random
 * wait up to the exponential bound), so calls that failed together do not retry together.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const bound = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * bound);
}

/** `Retry-After` as seconds or an HTTP date → the time to retry at (epoch ms). */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return now + Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(now, date);
}
