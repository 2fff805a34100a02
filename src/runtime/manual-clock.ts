import type { Clock } from './clock.ts';

interface Due {
  readonly at: number;
  readonly fire: () => void;
}

/**
 * A clock that stands still until it is moved (tests): `advance` and `next` move it and fire, in
 * order, the sleeps and timers that come due on the way. What the runtime decides from the time
 * (a retry's wait, a block's deadline, a lease) then happens at exactly the moment the test says,
 * however slow the machine.
 */
export class ManualClock implements Clock {
  #now: number;
  #due: Due[] = [];

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  /** How many sleeps and timers wait on this clock. */
  get waiting(): number {
    return this.#due.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.timer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = () => {
        cancel();
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  timer(ms: number, fire: () => void): () => void {
    if (ms <= 0) {
      // Due now: fired without waiting to be moved, as the machine's clock would.
      let cancelled = false;
      queueMicrotask(() => {
        if (!cancelled) fire();
      });
      return () => (cancelled = true);
    }
    const due: Due = { at: this.#now + Math.max(0, ms), fire };
    // Stable: of two due at once, the one set first fires first.
    const i = this.#due.findIndex((d) => d.at > due.at);
    this.#due.splice(i === -1 ? this.#due.length : i, 0, due);
    return () => {
      this.#due = this.#due.filter((d) => d !== due);
    };
  }

  /** Moves the clock `ms` on, firing what comes due on the way at its own moment. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (let first = this.#due[0]; first !== undefined && first.at <= until; first = this.#due[0]) {
      this.#due.shift();
      this.#now = Math.max(this.#now, first.at);
      first.fire();
    }
    this.#now = until;
  }

  /** Moves the clock to the next sleep or timer and fires it (and any due with it); false when none waits. */
  next(): boolean {
    const first = this.#due[0];
    if (first === undefined) return false;
    this.advance(Math.max(0, first.at - this.#now));
    return true;
  }
}
