import { ApiError } from './errors.ts';

export interface AuthFailureLimit {
  /** Wrong admin tokens one address may send in a window. */
  readonly max: number;
  readonly windowMs: number;
}

export const ADMIN_AUTH_FAILURES: AuthFailureLimit = { max: 20, windowMs: 10 * 60_000 };

/** Addresses remembered at most; past it, the ones whose window is over are forgotten first. */
const MAX_ADDRESSES = 10_000;

interface Window {
  count: number;
  readonly endsAt: number;
}

/**
 * Wrong admin tokens counted per client address, in fixed windows. An address that sent `max`
 * of them is refused (429, Retry-After) until its window ends, whatever token it sends: were the
 * right one let through, guessing would go on unhindered. Other addresses are not affected, so
 * a flood of wrong tokens from one place locks nobody else out. Counted by each process.
 */
export class AuthFailures {
  readonly #limit: AuthFailureLimit;
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();

  constructor(limit: AuthFailureLimit, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
  }

  /** While `address` is refused: the seconds until it may try again; otherwise null. */
  refusedFor(address: string): number | null {
    const window = this.#current(address);
    if (!window || window.count < this.#limit.max) return null;
    return Math.max(1, Math.ceil((window.endsAt - this.#now()) / 1000));
  }

  /** The answer to a refused address. */
  refusal(seconds: number): ApiError {
    const { max, windowMs } = this.#limit;
    const window = windowMs % 60_000 === 0 ? `${windowMs / 60_000} minutes` : `${windowMs / 1000} s`;
    return new ApiError(429, 'too_many_failures', `too many wrong admin tokens from this address: at most ${max} in ${window}; retry in ${seconds} s`);
  }

  failed(address: string): void {
    const window = this.#current(address);
    if (window) {
      window.count++;
      return;
    }
    if (this.#windows.size >= MAX_ADDRESSES) this.#forgetEnded();
    this.#windows.set(address, { count: 1, endsAt: this.#now() + this.#limit.windowMs });
  }

  /** The right token: the address's earlier mistakes are forgiven. */
  succeeded(address: string): void {
    this.#windows.delete(address);
  }

  #current(address: string): Window | undefined {
    const window = this.#windows.get(address);
    if (window && window.endsAt <= this.#now()) {
      this.#windows.delete(address);
      return undefined;
    }
    return window;
  }

  #forgetEnded(): void {
    const now = this.#now();
    for (const [address, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(address);
    // Still full: the oldest entries go (a Map iterates in insertion order).
    for (const address of this.#windows.keys()) {
      if (this.#windows.size < MAX_ADDRESSES) break;
      this.#windows.delete(address);
    }
  }
}
