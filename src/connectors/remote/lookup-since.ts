import type { CallContext } from '../../vocabulary/roles.ts';

/**
 * Services stamp a record's creation time with their own clock, which may differ from ours; a
 * record created by an earlier attempt of this effect is searched for from a little before the
 * effect started.
 */
const CLOCK_SKEW_MS = 2 * 60_000;
/** When the caller cannot say when the effect started, an earlier attempt is assumed this recent. */
const UNKNOWN_START_WINDOW_MS = 30 * 60_000;

/** From when (epoch ms) a look-up after a lost answer counts a record as this effect's own. */
export function lookupSince(ctx: CallContext, callStartedAt: number): number {
  const start = ctx.startedAt ?? (ctx.retryOfUnknown ? callStartedAt - UNKNOWN_START_WINDOW_MS : callStartedAt);
  return start - CLOCK_SKEW_MS;
}
