import { describe, expect, it } from 'vitest';
import { clockTimeout } from './clock.ts';
import { ManualClock } from './manual-clock.ts';

describe('a manual clock', () => {
  it('stands still until moved, then fires what came due in order, each at its own moment', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const fired: [string, string][] = [];
    const at = (name: string) => () => fired.push([name, clock.now().toISOString()]);
    clock.timer(300, at('c'));
    clock.timer(100, at('a'));
    clock.timer(100, at('b'));
    let slept = false;
    void clock.sleep(200).then(() => (slept = true));
    expect(clock.waiting).toBe(4);
    await Promise.resolve();
    expect(fired).toEqual([]);

    clock.advance(150);
    await Promise.resolve();
    expect(slept).toBe(false);
    clock.advance(100);
    await Promise.resolve();
    expect(slept).toBe(true);
    expect(fired).toEqual([
      ['a', '2026-01-01T00:00:00.100Z'],
      ['b', '2026-01-01T00:00:00.100Z'],
    ]);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.250Z');
    expect(clock.next()).toBe(true);
    expect(fired.at(-1)).toEqual(['c', '2026-01-01T00:00:00.300Z']);
    expect(clock.next()).toBe(false);
  });

  it('forgets a cancelled timer and ends a sleep whose signal aborts', async () => {
    const clock = new ManualClock();
    let fired = false;
    const cancel = clock.timer(50, () => (fired = true));
    cancel();
    const stop = new AbortController();
    const slept = clock.sleep(1_000, stop.signal);
    stop.abort();
    await slept;
    expect(clock.waiting).toBe(0);
    clock.advance(5_000);
    expect(fired).toBe(false);
  });

  it('fires what is due now without being moved', async () => {
    const clock = new ManualClock();
    await clock.sleep(0);
    const start = clock.now().getTime();
    await new Promise<void>((resolve) => clock.timer(-5, resolve));
    expect(clock.now().getTime()).toBe(start);
  });

  it('times a signal out on its own time, with the reason the machine clock gives', () => {
    const clock = new ManualClock();
    const timeout = clockTimeout(clock, 400);
    clock.advance(399);
    expect(timeout.signal.aborted).toBe(false);
    clock.advance(1);
    expect(timeout.signal.aborted).toBe(true);
    expect((timeout.signal.reason as Error).name).toBe('TimeoutError');
    const cancelled = clockTimeout(clock, 10);
    cancelled.cancel();
    clock.advance(100);
    expect(cancelled.signal.aborted).toBe(false);
  });

  it("fires the runtime's upkeep (a heartbeat) as time passes, but neither counts it as waiting nor stops at it", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const beats: string[] = [];
    const beat = (): void => {
      beats.push(clock.now().toISOString());
      clock.timer(100, beat, true);
    };
    clock.timer(100, beat, true);
    expect(clock.waiting).toBe(0);
    expect(clock.next()).toBe(false);
    expect(beats).toEqual([]);

    let retried = '';
    clock.timer(250, () => (retried = clock.now().toISOString()));
    expect(clock.waiting).toBe(1);
    // next() moves to the retry, firing the beats due on the way at their own moments.
    expect(clock.next()).toBe(true);
    expect(retried).toBe('2026-01-01T00:00:00.250Z');
    expect(beats).toEqual(['2026-01-01T00:00:00.100Z', '2026-01-01T00:00:00.200Z']);
    clock.advance(150);
    expect(beats.at(-1)).toBe('2026-01-01T00:00:00.400Z');
  });
});
