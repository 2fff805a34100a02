import pLimit from 'p-limit';
import type { StartedConversation, Transcript, TurnView } from '../../src/runtime/api.ts';

/** A conversation as its visitor holds it: the id and the token that opens it. */
export interface Visitor {
  readonly id: string;
  readonly token: string;
}

export class HttpError extends Error {
  readonly status: number;
  constructor(what: string, status: number, body: string) {
    super(`${what} answered ${status}: ${body}`);
    this.name = 'HttpError';
    this.status = status;
  }
}

async function call<T>(what: string, url: string, init: RequestInit, expected: number): Promise<T> {
  const res = await fetch(url, init);
  const body = await res.text();
  if (res.status !== expected) throw new HttpError(what, res.status, body);
  return JSON.parse(body) as T;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** `POST /api/v1/bots/{botId}/conversations`, as the widget does. */
export async function startConversation(
  base: string,
  botId: string,
  body: { visitor?: Record<string, string>; locale?: string } = {},
): Promise<Visitor & { readonly started: StartedConversation }> {
  const started = await call<StartedConversation & { conversationId: string }>(
    `start ${botId}`,
    `${base}/api/v1/bots/${botId}/conversations`,
    { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) },
    201,
  );
  return { id: started.conversationId, token: started.token, started };
}

/** `POST /api/v1/conversations/{id}/replies` with a typed answer. */
export function reply(base: string, visitor: Visitor, text: string): Promise<TurnView> {
  return call<TurnView>(
    'reply',
    `${base}/api/v1/conversations/${visitor.id}/replies`,
    { method: 'POST', headers: { ...JSON_HEADERS, authorization: `Bearer ${visitor.token}` }, body: JSON.stringify({ text }) },
    200,
  );
}

/** `GET /api/v1/conversations/{id}`. */
export function transcript(base: string, visitor: Visitor): Promise<Transcript> {
  return call<Transcript>('transcript', `${base}/api/v1/conversations/${visitor.id}`, { headers: { authorization: `Bearer ${visitor.token}` } }, 200);
}

/** The bot's message texts in a transcript, oldest first. */
export const botTexts = (t: Transcript): string[] => t.events.flatMap((e) => (e.type === 'message' ? [e.message.text] : []));

/** Runs `fn` for 0…n-1 with at most `concurrency` at once, like that many visitors typing. */
export function forEachVisitor<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const limit = pLimit(concurrency);
  return Promise.all(Array.from({ length: n }, (_, i) => limit(() => fn(i))));
}

/** Polls `check` every `everyMs` until it returns true; fails naming `what` (and the last state) after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
