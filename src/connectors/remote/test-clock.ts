import type { Clock } from './clock.ts';

/**
 * A clock for tests whose time moves only when someone waits on it: a call in flight never
 * reaches a deadline, so a test of "gives up at the deadline" ends between two tries, always.
 */
export function steppedClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  const timers = new Set<{ at: number; controller: AbortController }>();
  const advance = (ms: number): void => {
    now += ms;
    for (const timer of timers) {
      if (timer.at <= now) {
        timers.delete(timer);
        timer.controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      }
    }
  };
  return {
    now: () => now,
    advance,
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      await Promise.resolve();
      advance(ms);
    },
    timeout(ms) {
      const controller = new AbortController();
      timers.add({ at: now + ms, controller });
      return controller.signal;
    },
  };
}
