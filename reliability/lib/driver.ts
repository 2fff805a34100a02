import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import type { Transcript } from '../../src/runtime/api.ts';

/**
 * A visitor that survives its server being killed: a request that gets no answer is retried on
 * whichever server is up, and an answer whose reply was lost is not typed twice (the transcript
 * says whether it arrived). Every loop is bounded in tries and time.
 */

/** What a visitor does: start a conversation on `bot`, then type each answer. */
export interface Script {
  readonly index: number;
  readonly bot: string;
  readonly answers: readonly string[];
}

export interface Conversation<P extends Script = Script> {
  readonly plan: P;
  readonly id: string;
  readonly token: string;
}

export interface Traffic {
  requests: number;
  /** 5xx answers, by "METHOD route status". */
  http5xx: number;
  fiveXx: string[];
  /** Requests that got no HTTP answer (server killed or restarting): retried. */
  noAnswer: number;
  /** Successful visitor turns (start + replies), for throughput. */
  turns: number;
}

export const newTraffic = (): Traffic => ({ requests: 0, http5xx: 0, fiveXx: [], noAnswer: 0, turns: 0 });

/** Where the visitor's next request goes: a fixed URL, or one of several at random. */
export type Target = () => string;

const REQUEST_TIMEOUT_MS = 20_000;
/** How long a visitor keeps trying one step while servers are down or restarting. */
const STEP_GIVE_UP_MS = 120_000;

interface Answered {
  readonly status: number;
  readonly body: string;
}

interface Send {
  readonly method?: Dispatcher.HttpMethod;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

async function send(traffic: Traffic, url: string, init: Send): Promise<Answered | null> {
  traffic.requests++;
  try {
    // undici's request, not fetch: fetch costs about twice the CPU per request, and on a small
    // machine what the load generator burns is taken from the servers it measures.
    const res = await request(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = await res.body.text();
    const status = res.statusCode;
    if (status >= 500) {
      traffic.http5xx++;
      if (traffic.fiveXx.length < 20) traffic.fiveXx.push(`${init.method ?? 'GET'} ${new URL(url).pathname} ${status} ${body.slice(0, 200)}`);
    }
    return { status, body };
  } catch {
    traffic.noAnswer++;
    return null;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export class VisitorGaveUp extends Error {
  override readonly name = 'VisitorGaveUp';
}

/** Tries `step` until it returns a value, pausing while no server answers; bounded in time. */
async function persist<T>(what: string, step: () => Promise<T | null>): Promise<T> {
  const until = Date.now() + STEP_GIVE_UP_MS;
  for (let pause = 100; ; pause = Math.min(pause * 2, 1_000)) {
    const done = await step();
    if (done !== null) return done;
    if (Date.now() > until) throw new VisitorGaveUp(`${what}: no server answered for ${STEP_GIVE_UP_MS} ms`);
    await sleep(pause);
  }
}

export async function fetchTranscript(traffic: Traffic, target: Target, c: Conversation): Promise<Transcript> {
  return persist(`transcript of visitor ${c.plan.index}`, async () => {
    const res = await send(traffic, `${target()}/api/v1/conversations/${c.id}`, { headers: { authorization: `Bearer ${c.token}` } });
    if (res === null || res.status >= 500) return null;
    if (res.status !== 200) throw new Error(`transcript of visitor ${c.plan.index} answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as Transcript;
  });
}

const visitorTurns = (t: Transcript): number => t.events.filter((e) => e.type === 'visitor').length;

/** Starts the plan's conversation and types every answer; resolves once the last one is committed. */
export async function drive<P extends Script>(traffic: Traffic, target: Target, plan: P): Promise<Conversation<P>> {
  const started = await persist(`start of visitor ${plan.index}`, async () => {
    const res = await send(traffic, `${target()}/api/v1/bots/${plan.bot}/conversations`, { method: 'POST', headers: JSON_HEADERS, body: '{}' });
    // A start whose answer was lost leaves a conversation nobody holds the token of: harmless, it waits at its first question.
    if (res === null || res.status >= 500) return null;
    if (res.status !== 201) throw new Error(`start of visitor ${plan.index} answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as { conversationId: string; token: string };
  });
  traffic.turns++;
  const c: Conversation<P> = { plan, id: started.conversationId, token: started.token };
  for (const [k, text] of plan.answers.entries()) {
    await persist(`answer ${k + 1} of visitor ${plan.index}`, async () => {
      const res = await send(traffic, `${target()}/api/v1/conversations/${c.id}/replies`, {
        method: 'POST',
        headers: { ...JSON_HEADERS, authorization: `Bearer ${c.token}` },
        body: JSON.stringify({ text }),
      });
      if (res?.status === 200) return true;
      if (res !== null && res.status < 500 && res.status !== 409) {
        throw new Error(`answer ${k + 1} of visitor ${plan.index} answered ${res.status}: ${res.body}`);
      }
      // No answer, a 5xx or a conflict: the answer may have been committed all the same.
      return visitorTurns(await fetchTranscript(traffic, target, c)) > k ? true : null;
    });
    traffic.turns++;
  }
  return c;
}

export interface Settled<P extends Script = Script> {
  readonly conversation: Conversation<P>;
  readonly transcript: Transcript;
}

/**
 * Polls the conversations until none is `working` (each is past its integration blocks) or
 * `timeoutMs` runs out; returns the last transcript of each.
 */
export async function settle<P extends Script>(
  traffic: Traffic,
  target: Target,
  conversations: readonly Conversation<P>[],
  timeoutMs: number,
): Promise<Settled<P>[]> {
  const last = new Map<Conversation<P>, Transcript>();
  let open = [...conversations];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const next: Conversation<P>[] = [];
    for (let i = 0; i < open.length; i += 25) {
      await Promise.all(
        open.slice(i, i + 25).map(async (c) => {
          const t = await fetchTranscript(traffic, target, c);
          last.set(c, t);
          if (t.status === 'working' || t.status === 'waiting_input') next.push(c);
        }),
      );
    }
    open = next;
    if (open.length === 0 || Date.now() > until) break;
    await sleep(1_000);
  }
  return conversations.map((c) => ({ conversation: c, transcript: last.get(c)! }));
}
