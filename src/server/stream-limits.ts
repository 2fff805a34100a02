import { ApiError } from './errors.ts';

/**
 * How many event streams may be open at once, per conversation and per client address. The
 * visitor rate limit counts requests; a stream is one request that stays open, so without this
 * one address could hold any number of them. 0 turns a limit off.
 */
export interface StreamLimitSettings {
  readonly perAddress: number;
  readonly perConversation: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimitSettings = { perAddress: 20, perConversation: 5 };

/** The open event streams of this process, counted by address and by conversation. */
export class StreamLimits {
  readonly #settings: StreamLimitSettings;
  readonly #byAddress = new Map<string, number>();
  readonly #byConversation = new Map<string, number>();

  constructor(settings: StreamLimitSettings) {
    this.#settings = settings;
  }

  /**
   * Counts one more stream of `conversationId` from `address` and returns what ends it; throws a
   * 429 ApiError, counting nothing, when either limit is reached.
   */
  open(address: string, conversationId: string): () => void {
    const { perAddress, perConversation } = this.#settings;
    if (perConversation > 0 && (this.#byConversation.get(conversationId) ?? 0) >= perConversation) {
      throw new ApiError(
        429,
        'too_many_streams',
        `this conversation already has ${perConversation} open event streams, the most it may have; close one (another tab or window) first`,
      );
    }
    if (perAddress > 0 && (this.#byAddress.get(address) ?? 0) >= perAddress) {
      throw new ApiError(429, 'too_many_streams', `this address already has ${perAddress} open event streams, the most it may have (RENKEI_STREAMS_PER_IP)`);
    }
    add(this.#byConversation, conversationId, 1);
    add(this.#byAddress, address, 1);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      add(this.#byConversation, conversationId, -1);
      add(this.#byAddress, address, -1);
    };
  }
}

function add(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
