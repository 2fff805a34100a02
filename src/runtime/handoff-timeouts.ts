import { expireHandoffs, type InboxContext } from './inbox.ts';

/**
 * The loop that takes no_agent for hand-offs nobody claimed in time, once per poll interval, in
 * every process that runs workers. Two processes may look at once: the conditional UPDATE in
 * expireHandoffs lets only one of them act on each hand-off.
 */
export class HandoffTimeouts {
  readonly #ctx: InboxContext;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(ctx: InboxContext) {
    this.#ctx = ctx;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running || this.#ctx.closing.aborted) return;
      this.#running = this.sweep().finally(() => (this.#running = undefined));
    }, this.#ctx.pollMs);
    this.#timer.unref();
  }

  /** One pass; errors are logged and the next pass tries again. */
  async sweep(): Promise<void> {
    try {
      while ((await expireHandoffs(this.#ctx)) > 0 && !this.#ctx.closing.aborted);
    } catch (error) {
      this.#ctx.log.warn({ err: error }, 'hand-off timeouts failed');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
