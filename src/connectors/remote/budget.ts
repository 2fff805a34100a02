/** When a block's calls must stop: its deadline (epoch ms, by the provider's clock) and the caller's cancellation. */
export interface Budget {
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * A call's budget: the block's own deadline when the caller gives one (time spent queued counts),
 * else `deadlineMs` from now; the caller's cancellation with it.
 */
export function blockBudget(
  ctx: { readonly deadline?: number | undefined; readonly signal?: AbortSignal | undefined },
  deadlineMs: number,
  now: number,
): Budget {
  return { deadline: Math.min(now + deadlineMs, ctx.deadline ?? Number.POSITIVE_INFINITY), signal: ctx.signal };
}
