import { setPresence, touchPresence } from '../store/accounts.ts';
import type { ConversationEvent } from './api.ts';
import type { RuntimeContext } from './context.ts';
import { readEvents } from './events.ts';
import { listInbox, type Agent, type InboxItem } from './inbox.ts';
import { Waker } from './notify.ts';

/** What an agent's inbox stream carries. */
export type InboxStreamEvent =
  /** The inbox as it is now (sent first, then whenever it changes). */
  | { readonly type: 'inbox'; readonly items: readonly InboxItem[] }
  /** A new event of a conversation the agent holds (the visitor's line, the bot's messages …). */
  | { readonly type: 'conversation'; readonly conversationId: string; readonly event: ConversationEvent }
  /** The visitor of a held conversation is typing. */
  | { readonly type: 'typing'; readonly conversationId: string };

/** How often an open inbox says the agent is still there. */
export const PRESENCE_BEAT_MS = 20_000;

/**
 * Where following a held conversation starts: what the agent already has when the stream opens
 * (they load the transcript), else — a conversation claimed or transferred to them meanwhile —
 * from the line that says they joined, so nothing the visitor wrote after it is missed.
 */
async function startingSeq(ctx: RuntimeContext, id: string, atOpen: boolean): Promise<number> {
  if (!atOpen) {
    const joined = await ctx.db
      .selectFrom('conversation_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('conversation_id', '=', id)
      .where('type', '=', 'agent')
      .executeTakeFirst();
    if (joined?.seq != null) return Number(joined.seq) - 1;
  }
  const row = await ctx.db.selectFrom('conversations').select('last_seq').where('id', '=', id).executeTakeFirst();
  return row?.last_seq ?? 0;
}

/** Open inbox streams per account in this process: the last one to close sets the agent away. */
const openStreams = new Map<string, number>();

/**
 * The agent's inbox, live: the list when it changes, and the events of the conversations they
 * hold. While it is open the agent's presence stays fresh; when the last one closes (the tab is
 * gone) the agent is set away. Woken by notifications (any process), with a poll as a safety net.
 */
export async function* followInbox(ctx: RuntimeContext, agent: Agent, signal: AbortSignal): AsyncGenerator<InboxStreamEvent> {
  const stop = AbortSignal.any([signal, ctx.closing]);
  const waker = new Waker();
  const typing: string[] = [];
  const offInbox = ctx.notifier.onInbox(waker.wake);
  const held = new Map<string, { last: number; off: () => void }>();
  openStreams.set(agent.id, (openStreams.get(agent.id) ?? 0) + 1);
  await touchPresence(ctx.db, agent.id, ctx.clock.now());
  const beat = setInterval(() => {
    touchPresence(ctx.db, agent.id, ctx.clock.now()).catch((error: unknown) => ctx.log.warn({ err: error }, 'presence update failed'));
  }, PRESENCE_BEAT_MS);
  try {
    let shown = '';
    let first = true;
    while (!stop.aborted) {
      const items = await listInbox(ctx.db, agent);
      // Follow the conversations the agent holds (before the list goes out, so nothing after it is missed);
      // stop following those they no longer do.
      const mine = new Set(items.filter((i) => i.status === 'claimed' && i.agentId === agent.id).map((i) => i.conversationId));
      for (const [id, h] of held) {
        if (!mine.has(id)) {
          h.off();
          held.delete(id);
        }
      }
      for (const id of mine) {
        if (held.has(id)) continue;
        const offEvents = await ctx.notifier.onConversation(id, waker.wake);
        const offTyping = ctx.notifier.onTyping(id, (who) => {
          if (who === 'visitor') {
            typing.push(id);
            waker.wake();
          }
        });
        held.set(id, { last: await startingSeq(ctx, id, first), off: () => (offEvents(), offTyping()) });
      }
      first = false;
      const json = JSON.stringify(items);
      if (json !== shown) {
        shown = json;
        yield { type: 'inbox', items };
      }
      for (const [id, h] of held) {
        for (const event of await readEvents(ctx.db, id, h.last, { limit: 500 })) {
          h.last = event.seq;
          yield { type: 'conversation', conversationId: id, event };
        }
      }
      while (typing.length > 0) yield { type: 'typing', conversationId: typing.shift()! };
      await waker.sleep(ctx.pollMs, stop);
    }
  } finally {
    clearInterval(beat);
    offInbox();
    for (const h of held.values()) h.off();
    const left = (openStreams.get(agent.id) ?? 1) - 1;
    if (left > 0) openStreams.set(agent.id, left);
    else {
      openStreams.delete(agent.id);
      await setPresence(ctx.db, agent.id, 'away', ctx.clock.now()).catch((error: unknown) => ctx.log.warn({ err: error }, 'presence update failed'));
    }
  }
}
