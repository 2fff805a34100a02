import type { ConversationEvent } from './api.ts';
import type { ConversationChange } from './notify.ts';

/** Events handed over beyond this many since the last take: read the database instead of holding more. */
const MAX_HELD = 500;

/**
 * What the wake-ups of one conversation's stream said since it last looked: whether the events
 * handed over with them (a commit of this process) are all there is, so the stream can send them
 * without reading them back from the database. Anything less certain — a wake-up that names no
 * events (another process, a write that hands none over), a gap in the seqs, a write that went
 * further than what was handed over, a safety-net poll with no wake-up at all — says "read".
 */
export class Arrivals {
  #events: ConversationEvent[] = [];
  /** The highest seq a wake-up announced. */
  #upTo = 0;
  #unknown = false;
  #heard = false;

  readonly add = (change: ConversationChange): void => {
    this.#heard = true;
    if (change.events) {
      if (this.#events.length + change.events.length > MAX_HELD) this.#unknown = true;
      else this.#events.push(...change.events);
      const last = change.events.at(-1);
      if (last) this.#upTo = Math.max(this.#upTo, last.seq);
    } else if (change.lastSeq !== undefined) {
      this.#upTo = Math.max(this.#upTo, change.lastSeq);
    } else {
      this.#unknown = true;
    }
  };

  /**
   * The events after `lastSeq`, oldest first, when what was heard since the last take (or clear)
   * accounts for every event the wake-ups announced; undefined when the database must be read.
   * Forgets what it held either way.
   */
  take(lastSeq: number): ConversationEvent[] | undefined {
    const { heard, unknown, upTo } = { heard: this.#heard, unknown: this.#unknown, upTo: this.#upTo };
    const events = this.#events.filter((e) => e.seq > lastSeq).sort((a, b) => a.seq - b.seq);
    this.clear();
    if (!heard || unknown) return undefined;
    for (let i = 0; i < events.length; i++) if (events[i]!.seq !== lastSeq + 1 + i) return undefined;
    if (upTo > (events.at(-1)?.seq ?? lastSeq)) return undefined;
    return events;
  }

  /** Forgets what was heard: the database is about to be read. */
  clear(): void {
    this.#events = [];
    this.#upTo = 0;
    this.#unknown = false;
    this.#heard = false;
  }
}
