/**
 * How a call to a remote service can fail short of an answer the connector can read. Each maps to
 * one outcome (./outcome-of.ts): IntegrationInvalidError → integration_invalid (and the
 * integration is marked invalid), ServiceUnavailableError → a retryable failure,
 * UnknownOutcomeError → look the record up first, ServiceRefusedError → a failure for good.
 */

/** Credentials refused for good: a revoked refresh token, an unknown client, a missing scope. */
export class IntegrationInvalidError extends Error {
  override readonly name = 'IntegrationInvalidError';
}

/** The service could not be reached or kept failing (5xx, 429, timeouts, throttled token) until the deadline. */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
}

/** The token endpoint throttled us; nothing may ask it again before `retryAt` (epoch ms). */
export class TokenThrottledError extends ServiceUnavailableError {
  readonly retryAt: number;
  constructor(message: string, retryAt: number) {
    super(message);
    this.retryAt = retryAt;
  }
}

/** A write was sent and its answer was lost: it may or may not have taken effect. */
export class UnknownOutcomeError extends Error {
  override readonly name = 'UnknownOutcomeError';
}

/** The service answered, and said no in a way no retry changes (a query it cannot run, a record it refuses). */
export class ServiceRefusedError extends Error {
  override readonly name = 'ServiceRefusedError';
}
