import type { ConversationEvent, Transcript } from './api.ts';
import type { RuntimeContext } from './context.ts';
import { openConversation } from './conversations.ts';
import { currentInput, readEvents } from './events.ts';
import { Arrivals } from './arrivals.ts';
import { Waker } from './notify.ts';

/** Events read per query while catching up. */
const PAGE = 500;

/** The whole conversation so far, for a widget that reloads. */
export async function transcriptOf(ctx: RuntimeContext, id: string, token: string): Promise<Transcript> {
  const row = await openConversation(ctx.db, id, token);
  const events = await readEvents(ctx.db, id, 0, { throughSeq: row.last_seq });
  return {
    conversationId: id,
    botId: row.bot_id,
    botVersion: row.bot_version,
    status: row.status,
    input: currentInput(row.status, events),
    events,
  };
}

/**
 * Events after `afterSeq`, then each new one as it is appended, until `signal` aborts or the
 * runtime stops. Woken by notifications; polls every `streamPollMs` (15 s) in case one was lost,
 * so an idle stream costs no database reads. Events a commit of this process hands over with its
 * wake-up are sent as they are when they are all there is (see Arrivals): a live chat's line
 * reaches the visitor without a read that would queue behind the next group commit. A wrong
 * token rejects the first `next()`.
 */
export async function* followEvents(ctx: RuntimeContext, id: string, token: string, afterSeq: number, signal: AbortSignal): AsyncGenerator<ConversationEvent> {
  await openConversation(ctx.db, id, token);
  const stop = AbortSignal.any([signal, ctx.closing]);
  const waker = new Waker();
  const arrivals = new Arrivals();
  const off = await ctx.notifier.onConversation(id, (change) => {
    arrivals.add(change);
    waker.wake();
  });
  try {
    let last = afterSeq;
    // The first look, and the one after a full page, go to the database whatever was heard.
    let read = true;
    while (!stop.aborted) {
      let events: ConversationEvent[] | undefined = read ? undefined : arrivals.take(last);
      if (events === undefined) {
        // Wake-ups heard while reading are kept for the next look.
        arrivals.clear();
        events = await readEvents(ctx.db, id, last, { limit: PAGE });
      }
      for (const event of events) {
        if (stop.aborted) return;
        yield event;
        last = event.seq;
      }
      read = events.length >= PAGE;
      if (!read) await waker.sleep(ctx.streamPollMs, stop);
    }
  } finally {
    off();
  }
}
