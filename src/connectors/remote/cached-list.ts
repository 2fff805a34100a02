import type { Budget } from './budget.ts';

/**
 * A list fetched from a service (departments, agents, mailing lists) that changes rarely: kept for
 * `ttlMs`, loaded once for all concurrent callers, and fetched again when a caller misses what it
 * looks for — at most once per `minRefetchMs`, so a bot naming a department that does not exist
 * cannot turn every chat into a listing call.
 */
export class CachedList<T> {
  readonly #load: (budget: Budget) => Promise<T[]>;
  readonly #ttlMs: number;
  readonly #minRefetchMs: number;
  #items: T[] | null = null;
  #loadedAt = 0;
  #loading: Promise<T[]> | null = null;

  constructor(load: (budget: Budget) => Promise<T[]>, opts: { ttlMs: number; minRefetchMs: number }) {
    this.#load = load;
    this.#ttlMs = opts.ttlMs;
    this.#minRefetchMs = opts.minRefetchMs;
  }

  /** The first item `match` accepts, fetching the list again on a miss when the copy is not brand new. */
  async find(match: (item: T) => boolean, budget: Budget): Promise<T | undefined> {
    const fresh = this.#items !== null && Date.now() - this.#loadedAt < this.#ttlMs;
    const items = fresh && this.#items ? this.#items : await this.#fetch(budget);
    const hit = items.find(match);
    if (hit !== undefined || Date.now() - this.#loadedAt < this.#minRefetchMs) return hit;
    return (await this.#fetch(budget)).find(match);
  }

  /** All items (cached like `find`). */
  async all(budget: Budget): Promise<readonly T[]> {
    if (this.#items !== null && Date.now() - this.#loadedAt < this.#ttlMs) return this.#items;
    return this.#fetch(budget);
  }

  /** The service refused an id this list gave: the next look fetches again. */
  forget(): void {
    this.#items = null;
    this.#loadedAt = 0;
  }

  #fetch(budget: Budget): Promise<T[]> {
    if (!this.#loading) {
      // Shared by every caller waiting now: one caller giving up must not cancel it for the rest.
      const loading = this.#load({ deadline: budget.deadline })
        .then((items) => {
          this.#items = items;
          this.#loadedAt = Date.now();
          return items;
        })
        .finally(() => {
          this.#loading = null;
        });
      loading.catch(() => undefined);
      this.#loading = loading;
    }
    return this.#loading;
  }
}
