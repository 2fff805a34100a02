import type { RetryPolicy } from './backoff.ts';
import { backoffMs } from './backoff.ts';
import type { Budget } from './budget.ts';
import { systemClock, type Clock } from './clock.ts';
import { ServiceUnavailableError, TokenThrottledError, UnknownOutcomeError } from './errors.ts';

/** What one try came to. */
export type Attempt<T> =
  | { readonly kind: 'done'; readonly value: T }
  /** Try again at once, not counted as a failure (a refreshed token); the caller bounds how often. */
  | { readonly kind: 'again' }
  /** A failure worth retrying; `retryAt` is the service's own demand (Retry-After), epoch ms. */
  | { readonly kind: 'retry'; readonly message: string; readonly retryAt?: number };

export interface AttemptContext {
  /** Aborts when the caller cancels or the budget's deadline comes. */
  readonly signal: AbortSignal;
  /** Time left before the deadline, in ms. */
  readonly remainingMs: number;
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly budget: Budget;
  /** The service's name in messages ("Zoho asked to wait 30 s …"). */
  readonly service: string;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** Time kept for the last try when our own backoff is shortened to fit the deadline. */
const LAST_TRY_MS = 2_000;

/**
 * Runs `attempt` until it is done, retrying failures with exponential backoff and full jitter,
 * honouring the service's Retry-After, within the budget's deadline. Every way of giving up
 * names the last real error — also when the deadline cut a try short while it was in flight,
 * which would otherwise only say "aborted". A write cut short that may have been sent stays an
 * unknown outcome (UnknownOutcomeError), now saying what failed before.
 */
export async function withRetries<T>(attempt: (ctx: AttemptContext) => Promise<Attempt<T>>, options: RetryOptions): Promise<T> {
  const { policy, budget, service } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const maxAttempts = policy.maxAttempts ?? Number.POSITIVE_INFINITY;
  let failures = 0;
  let last: string | undefined;
  const ended = (why: string): ServiceUnavailableError =>
    new ServiceUnavailableError(last ? `${last} (${why})` : `the call ended before ${service} answered: ${why}`);
  for (;;) {
    if (budget.signal?.aborted) throw ended('cancelled');
    const left = budget.deadline - clock.now();
    if (left <= 0) throw ended("the block's deadline passed");
    const deadline = clock.timeout(left);
    const signal = budget.signal ? AbortSignal.any([budget.signal, deadline]) : deadline;
    let result: Attempt<T>;
    try {
      result = await attempt({ signal, remainingMs: left });
    } catch (err) {
      if (deadline.aborted && last !== undefined) {
        if (err instanceof UnknownOutcomeError) {
          throw new UnknownOutcomeError(`${last}; then the block's deadline cut the next try short, so whether it took effect is unknown`);
        }
        if (err instanceof ServiceUnavailableError) throw ended("the block's deadline passed during the next try");
      }
      throw err;
    }
    if (result.kind === 'done') return result.value;
    if (result.kind === 'again') continue;
    if (deadline.aborted) {
      if (last === undefined) last = result.message;
      throw ended(budget.signal?.aborted ? 'cancelled' : "the block's deadline passed during the next try");
    }
    last = result.message;
    failures += 1;
    if (failures >= maxAttempts) throw ended(`gave up after ${failures} attempts`);
    // Our own backoff is a choice, not the service's demand: shortened so that the time left
    // still buys one more try, rather than giving up with seconds unused. Within the last
    // LAST_TRY_MS it is left alone, so the end of a block is not a burst of tries.
    const backoff = backoffMs(failures, policy, random);
    const now = clock.now();
    const remaining = budget.deadline - now;
    const ownWait = remaining > LAST_TRY_MS ? Math.min(backoff, remaining - LAST_TRY_MS) : backoff;
    const waitMs = result.retryAt !== undefined ? Math.max(0, result.retryAt - now) : ownWait;
    if (waitMs >= remaining) {
      throw ended(
        result.retryAt !== undefined
          ? `${service} asked to wait ${Math.ceil(waitMs / 1000)} s, past the block's deadline`
          : "retrying would pass the block's deadline",
      );
    }
    try {
      await clock.sleep(waitMs, budget.signal);
    } catch {
      throw ended('cancelled while waiting to retry');
    }
    // A busy machine can wake us past the deadline: the last error is still what went wrong.
    if (clock.now() >= budget.deadline) throw ended("the block's deadline passed");
  }
}

/**
 * withRetries for a call made with an access token: an attempt that answers `again` (the service
 * refused the token, which was then refreshed) runs once more told so, and decides itself that a
 * second refusal is final.
 */
export function withTokenRetries<T>(attempt: (ctx: AttemptContext, refreshed: boolean) => Promise<Attempt<T>>, options: RetryOptions): Promise<T> {
  let refreshed = false;
  return withRetries(async (ctx) => {
    const result = await attempt(ctx, refreshed);
    if (result.kind === 'again') refreshed = true;
    return result;
  }, options);
}

/**
 * The access token (or session) an attempt sends, or the retry a throttled or unreachable token
 * service calls for; any other error (refused credentials) is thrown.
 */
export async function tokenOrRetry<S>(get: () => Promise<S>): Promise<{ readonly token: S } | { readonly retry: Attempt<never> }> {
  try {
    return { token: await get() };
  } catch (err) {
    if (err instanceof TokenThrottledError) return { retry: { kind: 'retry', message: err.message, retryAt: err.retryAt } };
    if (err instanceof ServiceUnavailableError) return { retry: { kind: 'retry', message: err.message } };
    throw err;
  }
}
