/** When a block's calls must stop: its deadline (epoch ms, by the provider's clock) and the caller's cancellation. */
export interface Budget {
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
}
