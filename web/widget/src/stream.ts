import type { ConversationEvent } from './api.ts';
import { backoffDelay } from './backoff.ts';

export interface FollowerHandlers {
  /** The stream's URL, resuming after `afterSeq`. */
  url(afterSeq: number): string;
  /** Each event, in order; the handler calls `stop()` once the conversation needs no more. */
  onEvent(event: ConversationEvent): void;
  /** A person of the team is typing (an `event: typing` signal, never stored). */
  onTyping?(agentName: string): void;
  /** The stream dropped (true) or is flowing again (false). */
  onTrouble(down: boolean): void;
  /**
   * Before reconnecting: catch up by other means (the transcript). Resolves with the seq to
   * resume after, or null when following is no longer needed; rejects while the server is still out of reach.
   */
  catchUp(): Promise<number | null>;
}

/**
 * Follows a conversation's Server-Sent Events. EventSource's own reconnection is not used: it
 * retries at a fixed pace and gives up for good on an HTTP error, where a widget should back off
 * and keep trying, and catch up on what it missed before it listens again.
 */
export class EventFollower {
  private source: EventSource | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private active = false;
  private readonly handlers: FollowerHandlers;

  constructor(handlers: FollowerHandlers) {
    this.handlers = handlers;
  }

  get following(): boolean {
    return this.active;
  }

  follow(afterSeq: number): void {
    this.stop();
    this.active = true;
    this.attempt = 0;
    this.open(afterSeq);
  }

  stop(): void {
    this.active = false;
    this.source?.close();
    this.source = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private open(afterSeq: number): void {
    const source = new EventSource(this.handlers.url(afterSeq));
    this.source = source;
    source.onopen = () => {
      if (this.attempt > 0) this.handlers.onTrouble(false);
      this.attempt = 0;
    };
    source.onmessage = (message: MessageEvent<string>) => {
      let event: ConversationEvent;
      try {
        event = JSON.parse(message.data) as ConversationEvent;
      } catch {
        return;
      }
      this.handlers.onEvent(event);
    };
    source.addEventListener('typing', (message: MessageEvent<string>) => {
      try {
        this.handlers.onTyping?.(String((JSON.parse(message.data) as { agentName?: unknown }).agentName ?? ''));
      } catch {
        // Not JSON: not a signal of ours.
      }
    });
    source.onerror = () => {
      source.close();
      if (this.source !== source || !this.active) return;
      this.source = null;
      this.handlers.onTrouble(true);
      this.retryLater();
    };
  }

  private retryLater(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.active) return;
      this.handlers.catchUp().then(
        (afterSeq) => {
          // Caught up: the stream is flowing again, or no longer needed (catching up may have stopped it).
          if (afterSeq !== null && this.active) {
            this.open(afterSeq);
            return;
          }
          this.handlers.onTrouble(false);
          this.stop();
        },
        () => {
          if (this.active) this.retryLater();
        },
      );
    }, backoffDelay(this.attempt++));
  }
}
