import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError, UnknownOutcomeError } from './errors.ts';
import { withRetries, type Attempt, type AttemptContext } from './retry.ts';
import { steppedClock } from './test-clock.ts';

const policy = { baseMs: 100, capMs: 1_000 };

/** An attempt still in flight when the deadline comes: it ends only when its signal aborts. */
function inFlight(clock: ReturnType<typeof steppedClock>, ctx: AttemptContext): Promise<never> {
  return new Promise((_, reject) => {
    ctx.signal.addEventListener('abort', () => reject(new Error('This operation was aborted')), { once: true });
    clock.advance(ctx.remainingMs);
  });
}

describe('withRetries', () => {
  it('retries failures with backoff until an attempt is done', async () => {
    const clock = steppedClock(0);
    const seen: number[] = [];
    const value = await withRetries<string>(
      async () => {
        seen.push(clock.now());
        return seen.length < 3 ? { kind: 'retry', message: 'HTTP 500' } : { kind: 'done', value: 'ok' };
      },
      { policy, budget: { deadline: 10_000 }, service: 'Example', clock, random: () => 1 },
    );
    expect(value).toBe('ok');
    // Full jitter at its longest: 100 ms, then 200 ms.
    expect(seen).toEqual([0, 100, 300]);
  });

  it('waits what Retry-After asks, and fails at once when that is past the deadline', async () => {
    const clock = steppedClock(0);
    let tries = 0;
    const asked = withRetries<string>(
      async () => (++tries === 1 ? { kind: 'retry', message: 'HTTP 429', retryAt: clock.now() + 3_000 } : { kind: 'done', value: 'ok' }),
      { policy, budget: { deadline: 10_000 }, service: 'Example', clock },
    );
    await expect(asked).resolves.toBe('ok');
    expect(clock.now()).toBe(3_000);

    const late = withRetries<string>(async () => ({ kind: 'retry', message: 'HTTP 429', retryAt: clock.now() + 30_000 }), {
      policy,
      budget: { deadline: clock.now() + 5_000 },
      service: 'Example',
      clock,
    });
    await expect(late).rejects.toThrow("HTTP 429 (Example asked to wait 30 s, past the block's deadline)");
  });

  it('names the last real error when the deadline cuts a try in flight, not "aborted"', async () => {
    const clock = steppedClock(0);
    let tries = 0;
    const call = withRetries<string>(
      async (ctx): Promise<Attempt<string>> => {
        tries += 1;
        if (tries === 1) return { kind: 'retry', message: 'Example answered GET /things with HTTP 503' };
        await inFlight(clock, ctx).catch(() => undefined);
        return { kind: 'retry', message: 'GET /things failed: timed out' };
      },
      { policy, budget: { deadline: 5_000 }, service: 'Example', clock },
    );
    await expect(call).rejects.toThrow(ServiceUnavailableError);
    await expect(call).rejects.toThrow(/^Example answered GET \/things with HTTP 503 \(the block's deadline passed during the next try\)$/);
  });

  it('keeps a write cut in flight an unknown outcome, saying what failed before', async () => {
    const clock = steppedClock(0);
    let tries = 0;
    const call = withRetries<string>(
      async (ctx) => {
        tries += 1;
        if (tries === 1) return { kind: 'retry', message: 'Example answered POST /things with HTTP 500' };
        await inFlight(clock, ctx).catch(() => undefined);
        throw new UnknownOutcomeError('POST /things failed: timed out');
      },
      { policy, budget: { deadline: 5_000 }, service: 'Example', clock },
    );
    await expect(call).rejects.toThrow(UnknownOutcomeError);
    await expect(call).rejects.toThrow(/HTTP 500; then the block's deadline cut the next try short/);
  });

  it('gives up after maxAttempts, and when cancelled, naming the last error', async () => {
    const clock = steppedClock(0);
    const capped = withRetries<string>(async () => ({ kind: 'retry', message: 'HTTP 500' }), {
      policy: { ...policy, maxAttempts: 3 },
      budget: { deadline: 100_000 },
      service: 'Example',
      clock,
    });
    await expect(capped).rejects.toThrow('HTTP 500 (gave up after 3 attempts)');

    const cancel = new AbortController();
    const cancelled = withRetries<string>(
      async () => {
        cancel.abort();
        return { kind: 'retry', message: 'HTTP 502' };
      },
      { policy, budget: { deadline: 100_000, signal: cancel.signal }, service: 'Example', clock },
    );
    await expect(cancelled).rejects.toThrow(/^HTTP 502 \(cancelled/);
  });
});
