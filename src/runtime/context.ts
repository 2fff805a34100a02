import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { BotCache } from './bot-cache.ts';
import type { Clock } from './clock.ts';
import type { Notifier } from './notify.ts';

/** The logger the runtime writes to; pino's `(obj, msg)` methods fit. Never given personal data. */
export interface RuntimeLog {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** What the turn, transcript and worker modules share. */
export interface RuntimeContext {
  readonly store: Store;
  readonly db: Kysely<Database>;
  readonly bots: BotCache;
  readonly notifier: Notifier;
  /**
   * The clock of leases, deadlines, retries and timestamps (tests move it). The safety-net polls
   * and a reply's wait for its integrations use real time.
   */
  readonly clock: Clock;
  readonly deadlineMs: number;
  /** The safety-net poll of waiters and workers, for wake-ups that never came. */
  readonly pollMs: number;
  /**
   * The safety-net poll of follow streams. Streams are woken by notifications; many can be open
   * at once, so their own re-read is slow (a lost wake-up costs this long, not a database read
   * per stream every `pollMs`).
   */
  readonly streamPollMs: number;
  /** Aborted when the runtime begins to stop: waits and streams end. */
  readonly closing: AbortSignal;
  readonly log: RuntimeLog;
  /** Whether hand-offs are e-mailed to the team (SMTP is configured). */
  readonly mailTeam: boolean;
}
