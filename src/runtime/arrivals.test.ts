import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from './api.ts';
import { Arrivals } from './arrivals.ts';

const line = (seq: number): ConversationEvent => ({ seq, at: '2026-01-01T00:00:00.000Z', type: 'visitor', text: `line ${seq}` });

describe('what a stream heard since it last looked', () => {
  it('hands over the events of this process’s commits when they follow on and are all that was announced', () => {
    const a = new Arrivals();
    a.add({ events: [line(4)] });
    a.add({ lastSeq: 4 });
    a.add({ events: [line(6), line(5)].reverse() });
    a.add({ lastSeq: 6 });
    expect(a.take(3)?.map((e) => e.seq)).toEqual([4, 5, 6]);
    // Taken: nothing is held any more, and nothing heard means "read" (the safety poll).
    expect(a.take(6)).toBeUndefined();
  });

  it('drops what the stream already has, and answers nothing new when that was all', () => {
    const a = new Arrivals();
    a.add({ events: [line(4), line(5)] });
    expect(a.take(5)).toEqual([]);
  });

  it('says "read" on a gap, on a write announced beyond what was handed over, and on a wake-up that names nothing', () => {
    const a = new Arrivals();
    a.add({ events: [line(5)] });
    expect(a.take(3)).toBeUndefined();

    a.add({ events: [line(4)] });
    a.add({ lastSeq: 6 });
    expect(a.take(3)).toBeUndefined();

    a.add({ events: [line(4)] });
    a.add({});
    expect(a.take(3)).toBeUndefined();
  });

  it('says "read" when nothing was heard (a poll), and forgets what it held once cleared', () => {
    const a = new Arrivals();
    expect(a.take(0)).toBeUndefined();
    a.add({ events: [line(1)] });
    a.clear();
    expect(a.take(0)).toBeUndefined();
  });

  it('holds a bounded number of events, then says "read"', () => {
    const a = new Arrivals();
    for (let seq = 1; seq <= 501; seq++) a.add({ events: [line(seq)] });
    expect(a.take(0)).toBeUndefined();
  });
});
