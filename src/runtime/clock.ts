import { setTimeout as wait } from 'node:timers/promises';

/**
 * The time the runtime lives by: what time it is, and waiting for some of it to pass. Leases,
 * deadlines, retries and timestamps all read it, so a test can run them on a clock it moves
 * (ManualClock) instead of sleeping and racing the machine's load.
 */
export interface Clock {
  now(): Date;
  /** Resolves once `ms` have passed, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `fire` once `ms` have passed, unless the returned cancel is called first. Does not keep
   * the process alive (a wake-up or a deadline, not work of its own). `upkeep`: the runtime's own
   * periodic chore (the workers' lease heartbeat), which a test's clock fires as its time passes
   * but never stops at as the next thing waited for (ManualClock.next, waiting).
   */
  timer(ms: number, fire: () => void, upkeep?: boolean): () => void;
}

/** The machine's clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => wait(Math.max(0, ms), undefined, { signal }).catch(() => undefined),
  timer: (ms, fire) => {
    const timer = setTimeout(fire, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** A signal that aborts with a TimeoutError once `ms` have passed on `clock`; `cancel` when done. */
export function clockTimeout(clock: Clock, ms: number): { readonly signal: AbortSignal; readonly cancel: () => void } {
  const controller = new AbortController();
  const cancel = clock.timer(ms, () => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')));
  return { signal: controller.signal, cancel };
}
