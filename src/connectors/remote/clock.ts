import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The time a provider's calls are measured by: when it is, how to wait, and a signal that fires
 * when a deadline comes. Tests give a clock of their own (./test-clock.ts) so deadlines fall
 * where the test says, not where a busy machine's scheduler happens to put them.
 */
export interface Clock {
  now(): number;
  /** Waits `ms`; rejects when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A signal that aborts `ms` from now. */
  timeout(ms: number): AbortSignal;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
  timeout: (ms) => AbortSignal.timeout(Math.max(0, ms)),
};
