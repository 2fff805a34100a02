import { setTimeout as sleep } from 'node:timers/promises';
import { attemptEffect, type AttemptContext } from './attempt.ts';
import { Waker } from './notify.ts';
import { claimExpired, claimPending, extendLeases, releaseLeases, unfinished, type EffectRow } from './outbox.ts';

export interface WorkerOptions {
  /** Another worker takes over an effect at most this long after its holder died. */
  readonly leaseMs: number;
  /** How long `stop` lets running calls finish before handing their effects back. */
  readonly graceMs: number;
}

/** Effects `drain` claims at once when no worker loop is running. */
const DRAIN_BATCH = 16;

/**
 * The effect workers of one runtime: a loop that claims due effects into `concurrency` slots,
 * a heartbeat that keeps the claimed effects' leases alive while their calls last, and the
 * graceful stop. Crash safety needs none of this to run: an effect whose worker died is claimed
 * again by anyone once its lease expires.
 */
export class Workers {
  readonly #ctx: AttemptContext;
  readonly #options: WorkerOptions;
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #waker = new Waker();
  readonly #abort = new AbortController();
  /** Cancels the wake-ups set for retries that are not due yet. */
  readonly #timers = new Set<() => void>();
  #concurrency = 0;
  #loop: Promise<void> | undefined;
  /** Cancels the heartbeat's next beat; set while the heartbeat runs. */
  #heartbeat: (() => void) | undefined;
  /** The beat writing now; a beat that comes due meanwhile runs once it ends (`#beatAgain`). */
  #beating: Promise<void> | undefined;
  #beatAgain = false;
  #offEffects: (() => void) | undefined;
  #stopping = false;
  readonly #leaseSpanMs: number;
  /** When expired leases were last looked for on the runtime's clock (they are rare: once per poll is enough). */
  #expiredCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(ctx: Omit<AttemptContext, 'wakeAt'>, options: WorkerOptions) {
    this.#ctx = { ...ctx, wakeAt: (at) => this.#wakeAt(at) };
    this.#options = options;
    // Others look for expired leases once per poll: a lease shorter by one poll is taken over
    // within `leaseMs` of its holder's last heartbeat.
    this.#leaseSpanMs = Math.max(options.leaseMs - ctx.pollMs, Math.ceil(options.leaseMs / 2));
  }

  get running(): boolean {
    return this.#loop !== undefined && !this.#stopping;
  }

  /** Starts the loop with `concurrency` slots (calling again changes the number of slots). */
  start(concurrency: number): void {
    if (this.#stopping) throw new Error('the workers are stopping');
    this.#concurrency = Math.max(1, Math.floor(concurrency));
    this.#ensureHeartbeat();
    this.#offEffects ??= this.#ctx.notifier.onEffects(this.wake);
    this.#loop ??= this.#run();
    this.wake();
  }

  readonly wake = (): void => this.#waker.wake();

  /** Runs effects until none is left unfinished (tests and benchmarks): pending, retrying, or leased by anyone. */
  async drain(): Promise<void> {
    this.#ensureHeartbeat();
    for (;;) {
      if (this.#stopping) return;
      const claimed = await this.#claim(Math.max(DRAIN_BATCH, this.#concurrency));
      if (claimed.length > 0) {
        await Promise.all(claimed.map((row) => this.#spawn(row)));
        continue;
      }
      if (this.#inflight.size > 0) {
        await Promise.race(this.#inflight.values());
        continue;
      }
      const { count, nextDueAt } = await unfinished(this.#ctx.db);
      if (count === 0) return;
      const untilDue = nextDueAt === null ? this.#ctx.pollMs : Date.parse(nextDueAt) - this.#ctx.clock.now().getTime();
      await this.#ctx.clock.sleep(Math.min(Math.max(untilDue, 5), this.#ctx.pollMs));
    }
  }

  /**
   * Stops claiming, lets running calls finish for up to `graceMs`, then aborts the rest and
   * hands their effects back (pending, due now) for another process to take.
   */
  async stop(graceMs = this.#options.graceMs): Promise<void> {
    this.#stopping = true;
    this.wake();
    await this.#loop;
    for (const cancel of this.#timers) cancel();
    this.#offEffects?.();
    if (this.#inflight.size > 0) {
      // The machine's time: how long an operator's stop may take, not a moment of the effects.
      const grace = new AbortController();
      await Promise.race([Promise.allSettled(this.#inflight.values()), sleep(graceMs, undefined, { signal: grace.signal }).catch(() => undefined)]);
      grace.abort();
    }
    if (this.#inflight.size > 0) {
      const ids = [...this.#inflight.keys()];
      this.#abort.abort();
      try {
        const released = await releaseLeases(this.#ctx.db, this.#ctx.owner, ids, this.#ctx.clock.now());
        if (released > 0) this.#ctx.notifier.effectsReleased();
      } catch (error) {
        // Their leases then simply expire and another worker takes them.
        this.#ctx.log.error({ err: error, effects: ids.length }, 'could not release the leases of unfinished effects');
      }
      await Promise.allSettled(this.#inflight.values());
    }
    this.#heartbeat?.();
    this.#heartbeat = undefined;
    await this.#beating;
  }

  async #run(): Promise<void> {
    // Under load, claim a few slots' worth at once rather than one per finished call: each
    // claim is a write transaction.
    const batch = Math.max(1, Math.floor(this.#concurrency / 4));
    while (!this.#stopping) {
      const free = this.#concurrency - this.#inflight.size;
      const claimed = free >= batch || this.#inflight.size === 0 ? await this.#claim(free) : [];
      for (const row of claimed) void this.#spawn(row);
      // A full batch suggests more are due: claim again at once.
      if (free > 0 && claimed.length === free) continue;
      await this.#waker.sleep(this.#ctx.pollMs);
    }
  }

  async #claim(limit: number): Promise<EffectRow[]> {
    if (this.#stopping || limit <= 0) return [];
    const { db, store, owner } = this.#ctx;
    const options = { owner, now: this.#ctx.clock.now(), leaseMs: this.#leaseSpanMs, limit, deadlineMs: this.#ctx.deadlineMs };
    try {
      let expired: EffectRow[] = [];
      // The runtime's clock, which leases are measured by: a lease runs out and is looked for on the same time.
      if (options.now.getTime() - this.#expiredCheckedAt >= this.#ctx.pollMs) {
        this.#expiredCheckedAt = options.now.getTime();
        expired = await claimExpired(db, store.dialect, options);
      }
      return [...expired, ...(await claimPending(db, store.dialect, { ...options, limit: limit - expired.length }))];
    } catch (error) {
      this.#ctx.log.error({ err: error }, 'claiming effects failed; retrying at the next poll');
      return [];
    }
  }

  #spawn(row: EffectRow): Promise<void> {
    const task = attemptEffect(this.#ctx, row, this.#abort.signal)
      .then(() => undefined)
      .catch((error: unknown) => {
        // The effect stays claimed; its lease expires and it is attempted again (looking first).
        this.#ctx.log.error({ err: error, effectId: row.id, action: row.action }, 'an effect attempt failed to complete');
      })
      .finally(() => {
        this.#inflight.delete(row.id);
        this.wake();
      });
    this.#inflight.set(row.id, task);
    return task;
  }

  /**
   * Renews the leases of the running calls every third of a lease, on the runtime's clock (the one
   * leases are measured by). A beat that comes due while the one before is still writing runs once
   * that one ends, with the time it then is: beats never pile up on a slow database, and the last
   * one never writes an older time over a newer.
   */
  #ensureHeartbeat(): void {
    if (this.#heartbeat || this.#stopping) return;
    const every = Math.max(10, Math.floor(this.#leaseSpanMs / 3));
    const arm = (): void => {
      this.#heartbeat = this.#ctx.clock.timer(
        every,
        () => {
          arm();
          this.#requestBeat();
        },
        true,
      );
    };
    arm();
  }

  #requestBeat(): void {
    if (this.#beating) {
      this.#beatAgain = true;
      return;
    }
    this.#beating = this.#beat().finally(() => {
      this.#beating = undefined;
      if (this.#beatAgain) {
        this.#beatAgain = false;
        this.#requestBeat();
      }
    });
  }

  async #beat(): Promise<void> {
    if (this.#inflight.size === 0) return;
    try {
      const until = new Date(this.#ctx.clock.now().getTime() + this.#leaseSpanMs);
      await extendLeases(this.#ctx.db, this.#ctx.owner, [...this.#inflight.keys()], until);
    } catch (error) {
      this.#ctx.log.warn({ err: error }, 'could not extend the leases of running effects');
    }
  }

  #wakeAt(at: Date): void {
    if (!this.#loop || this.#stopping) return;
    const cancel = this.#ctx.clock.timer(Math.max(0, at.getTime() - this.#ctx.clock.now().getTime()), () => {
      this.#timers.delete(cancel);
      this.wake();
    });
    this.#timers.add(cancel);
  }
}
