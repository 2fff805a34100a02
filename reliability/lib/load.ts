import pLimit from 'p-limit';
import { drive, VisitorGaveUp, type Conversation, type Target, type Traffic } from './driver.ts';
import { planFor, type Plan } from './plans.ts';

export interface LoadResult {
  readonly conversations: Conversation<Plan>[];
  /** Visitors that could not finish their script (no server answered for too long, or a 4xx). */
  readonly gaveUp: string[];
  readonly seconds: number;
}

/**
 * `count` scripted visitors, `concurrency` at a time, each on `target()` at every request.
 * `onProgress` hears the number of visitors done so far.
 */
export async function runVisitors(opts: {
  readonly count: number;
  readonly concurrency: number;
  readonly tag: string;
  readonly traffic: Traffic;
  readonly target: Target;
  readonly onProgress?: (done: number) => void;
  readonly plan?: (i: number, tag: string) => Plan;
}): Promise<LoadResult> {
  const limit = pLimit(opts.concurrency);
  const plan = opts.plan ?? planFor;
  const conversations: Conversation<Plan>[] = [];
  const gaveUp: string[] = [];
  let done = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: opts.count }, (_, i) =>
      limit(async () => {
        try {
          conversations.push(await drive(opts.traffic, opts.target, plan(i, opts.tag)));
        } catch (error) {
          if (!(error instanceof VisitorGaveUp) && !(error instanceof Error)) throw error;
          gaveUp.push(error.message);
        }
        opts.onProgress?.(++done);
      }),
    ),
  );
  conversations.sort((a, b) => a.plan.index - b.plan.index);
  return { conversations, gaveUp, seconds: (performance.now() - began) / 1000 };
}
