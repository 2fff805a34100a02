export interface RetryPolicy {
  /** The first retry waits up to this long … */
  readonly baseMs: number;
  /** … each further one up to twice as long, never more than this. */
  readonly capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1_000, capMs: 15_000 };

/**
 * How long to wait before attempt `attempt + 1` after `attempt` failed: "full jitter" (a random
 * wait up to the exponential bound), so effects that failed together do not retry together.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const bound = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * bound);
}
