/** Waits between reconnection attempts: 1 s, 2 s, 4 s … capped at 30 s, each with up to 20 % jitter so a restarted server is not hit by every widget at once. */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const exact = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(exact * (1 - 0.2 * random()));
}
