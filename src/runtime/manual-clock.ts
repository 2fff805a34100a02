import type { Clock } from './clock.ts';

interface Due {
  readonly at: number;
  readonly fire: () => void;
  /** The runtime's upkeep (a heartbeat): fired on the way, never what `next` moves to. */
  readonly upkeep: boolean;
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

  /** How many sleeps and timers wait on this clock (the runtime's upkeep, a heartbeat, not counted). */
  get waiting(): number {
    return this.#due.filter((d) => !d.upkeep).length;
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

  timer(ms: number, fire: () => void, upkeep = false): () => void {
    if (ms <= 0) {
      // Due now: fired without waiting to be moved, as the machine's clock would.
      let cancelled = false;
      queueMicrotask(() => {
        if (!cancelled) fire();
      });
      return () => (cancelled = true);
    }
    const due: Due = { at: this.#now + Math.max(0, ms), fire, upkeep };
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

  /**
   * Moves the clock to the next sleep or timer and fires it (and any due with it, upkeep timers on
   * the way too); false when none waits. An upkeep timer is never the next: a heartbeat would
   * otherwise carry a test's clock far past the retry or deadline it waits for.
   */
  next(): boolean {
    const first = this.#due.find((d) => !d.upkeep);
    if (first === undefined) return false;
    this.advance(Math.max(0, first.at - this.#now));
    return true;
  }
}
