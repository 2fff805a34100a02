import type { RetryPolicy } from '../connectors/remote/backoff.ts';

export { backoffMs, type RetryPolicy } from '../connectors/remote/backoff.ts';

/** An effect's retries (the outbox): from 1 s up to 15 s apart. */
export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1_000, capMs: 15_000 };
