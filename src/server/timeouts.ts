/**
 * How long the HTTP server waits on a client. Without these (Node's and Fastify's defaults are
 * 0 for some), a client that sends its body one byte every few seconds, or opens connections
 * and sends nothing, holds a socket and its memory for as long as it likes.
 */
export interface ServerTimeouts {
  /** The whole request, headers and body, must have arrived within this. */
  readonly requestMs: number;
  /** The request's headers must have arrived within this. */
  readonly headersMs: number;
  /** A socket with nothing read or written for this long is closed (event streams send a heartbeat more often). */
  readonly idleMs: number;
  /**
   * An idle kept-alive connection is closed after this: longer than the usual load balancer's
   * 60 s, so the balancer, not Renkei, closes it first and never sends on a closed connection.
   */
  readonly keepAliveMs: number;
  /** How often Node looks for requests past `requestMs` or `headersMs`: a late one is cut within this much more. */
  readonly checkEveryMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = {
  requestMs: 30_000,
  headersMs: 10_000,
  idleMs: 120_000,
  keepAliveMs: 72_000,
  checkEveryMs: 5_000,
};
