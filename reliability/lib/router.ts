import type { Target } from './driver.ts';

/**
 * How the scale-out round's load balancer picks the process of each request. `random`: any
 * process, uniformly. `least`: the one with the fewest of this run's requests in flight (ties at
 * random), as a load balancer in front of a cluster does (nginx `least_conn`, HAProxy `leastconn`,
 * Envoy `LEAST_REQUEST`) — every request may still land on any process.
 */
export type Routing = 'random' | 'least';

/**
 * Routes the requests of many visitors over `urls`, counting each process's requests in flight.
 * Each visitor takes its own target (`visitor()`): the driver asks a visitor's target for a URL
 * right before each request and only once the one before has been answered, so asking again is
 * when the previous request stopped being in flight; `done` says the visitor sent its last.
 */
export class Router {
  readonly #urls: readonly string[];
  readonly #routing: Routing;
  readonly #inFlight: number[];

  constructor(urls: readonly string[], routing: Routing) {
    this.#urls = urls;
    this.#routing = routing;
    this.#inFlight = urls.map(() => 0);
  }

  /** Requests in flight at each process now. */
  inFlight(): readonly number[] {
    return [...this.#inFlight];
  }

  visitor(): { readonly target: Target; readonly done: () => void } {
    let at = -1;
    const done = (): void => {
      if (at >= 0) this.#inFlight[at]!--;
      at = -1;
    };
    const target: Target = () => {
      done();
      at = this.#pick();
      this.#inFlight[at]!++;
      return this.#urls[at]!;
    };
    return { target, done };
  }

  #pick(): number {
    if (this.#routing === 'random' || this.#urls.length === 1) return Math.floor(Math.random() * this.#urls.length);
    const fewest = Math.min(...this.#inFlight);
    const candidates = this.#inFlight.flatMap((n, i) => (n === fewest ? [i] : []));
    return candidates[Math.floor(Math.random() * candidates.length)]!;
  }
}
