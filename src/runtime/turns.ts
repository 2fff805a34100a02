import { stripControls } from '../answers/result.ts';
import { advance, waitingInput } from '../engine/advance.ts';
import type { AdvanceResult, EngineError, EngineEvent } from '../engine/types.ts';
import type { Message } from '../vocabulary/message.ts';
import { newId } from '../store/keys.ts';
import { RuntimeError, type Answer, type StartOptions, type StartedConversation, type TurnView } from './api.ts';
import type { RuntimeContext } from './context.ts';
import { insertConversation, loadConversation, openConversation, stateOf, VersionConflict, type Written } from './conversations.ts';
import { currentInput, draftsOf, readEvents, visitorStatusOf, type EventDraft } from './events.ts';
import { visitorLine } from './live-chat.ts';
import { Waker } from './notify.ts';
import { teamFor } from './team.ts';
import { hashToken, newToken } from './tokens.ts';
import { ADVANCE_WRITERS } from './writes/advance-writer.ts';
import { checkedVisitor } from './visitor.ts';

/** What a turn needs beyond the shared context. */
export interface TurnContext extends RuntimeContext {
  /** Tells this process's workers that an effect is waiting (other processes hear the notification). */
  readonly wakeWorkers: () => void;
  readonly shuttingDown: () => boolean;
}

/** Starts a conversation on the bot's published version. */
export async function startConversation(ctx: TurnContext, botId: string, options: StartOptions, waitMs: number): Promise<StartedConversation> {
  refuseWhileStopping(ctx);
  const published = await ctx.bots.published(botId);
  if (!published) throw new RuntimeError('bot_not_found', `there is no published bot "${botId}"`);
  const { bot, version } = published;
  const id = newId();
  const token = newToken();
  const locale = options.locale ?? bot.locale;
  const visitor = checkedVisitor(options.visitor, locale);
  const result = advance(bot, null, { type: 'start', conversationId: id, visitor }, await teamFor(ctx, bot));
  failOnEngineError(result.error);
  const drafts = draftsOf(result, null);
  const written = await ctx.store.transact((trx) =>
    insertConversation(trx, { id, botId, botVersion: version, tokenHash: hashToken(token), locale }, result, drafts, {
      now: ctx.clock.now(),
      deadlineMs: ctx.deadlineMs,
      notifier: ctx.notifier,
      mailTeam: ctx.mailTeam,
    }),
  );
  const view = await afterWrite(ctx, id, result, drafts, written, waitMs);
  return { ...view, token, locale };
}

/** Applies the visitor's answer; see Runtime.reply. */
export async function replyTo(ctx: TurnContext, id: string, token: string, answer: Answer, waitMs: number): Promise<TurnView> {
  refuseWhileStopping(ctx);
  const row = await openConversation(ctx.db, id, token, ctx.store);
  const bot = await ctx.bots.version(row.bot_id, row.bot_version);
  if (!bot) throw new Error(`conversation ${id} runs version ${row.bot_version} of bot "${row.bot_id}", which is missing`);
  const state = stateOf(row);
  // Handed to a person: the visitor's line goes to the agent, not to the bot.
  if (row.status === 'handoff') {
    if (!('text' in answer)) throw new RuntimeError('invalid_answer', 'a person is answering now: send text, not a choice');
    return visitorLine(ctx, row, answer.text);
  }

  let event: EngineEvent;
  let said: string;
  const at = ctx.clock.now().toISOString();
  if ('choice' in answer) {
    // Buttons are what the waiting block offers (a choice's options, a consent's two answers).
    const input = waitingInput(bot, state);
    if (input && input.kind !== 'choice') throw new RuntimeError('invalid_answer', 'the bot asks for a typed answer here, not a choice');
    event = { type: 'choice', value: answer.choice, at };
    said = (input?.kind === 'choice' && input.options.find((o) => o.value === answer.choice)?.label) || stripControls(answer.choice);
  } else {
    event = { type: 'reply', text: answer.text, at };
    // The transcript keeps what the visitor typed, less what a terminal or a log would run.
    said = stripControls(answer.text);
  }

  const result = advance(bot, state, event, await teamFor(ctx, bot));
  failOnEngineError(result.error);
  const drafts: EventDraft[] = [{ type: 'visitor', text: said }, ...draftsOf(result, row.status)];
  let written: Written;
  try {
    written = await ADVANCE_WRITERS[ctx.store.dialect](ctx.store, row, result, drafts, {
      now: ctx.clock.now(),
      deadlineMs: ctx.deadlineMs,
      notifier: ctx.notifier,
      mailTeam: ctx.mailTeam,
    });
  } catch (error) {
    if (error instanceof VersionConflict) {
      throw new RuntimeError('conflict', 'another reply changed the conversation first; reload it and answer again');
    }
    throw error;
  }
  return afterWrite(ctx, id, result, drafts, written, waitMs);
}

function refuseWhileStopping(ctx: TurnContext): void {
  if (ctx.shuttingDown()) throw new RuntimeError('shutting_down', 'the server is shutting down; try again in a moment');
}

/** The engine refused the event (its state is unchanged): the visitor's mistake, or a broken bot. */
function failOnEngineError(error: EngineError | null): void {
  if (!error || error.code === 'step_limit') return; // step_limit ended the conversation: that is saved.
  switch (error.code) {
    case 'conversation_over':
    case 'not_waiting_for_input':
    case 'unknown_choice':
      throw new RuntimeError(error.code, error.message);
    default:
      throw new Error(`the engine refused the turn (${error.code}): ${error.message}`);
  }
}

/**
 * The turn's view. When it queued an effect, wakes this process's workers and waits for the workers to carry the
 * conversation past it (up to `waitMs`), so the visitor usually gets the outcome in this response.
 */
async function afterWrite(
  ctx: TurnContext,
  id: string,
  result: AdvanceResult,
  drafts: readonly EventDraft[],
  written: Written,
  waitMs: number,
): Promise<TurnView> {
  if (!result.effect) {
    return {
      conversationId: id,
      status: visitorStatusOf(result.state.status),
      messages: drafts.flatMap((d) => (d.type === 'message' ? [d.message] : [])),
      records: drafts.flatMap((d) => (d.type === 'record' ? [{ event: d.event, data: d.data }] : [])),
      input: result.input,
      lastEventId: written.lastSeq,
    };
  }
  ctx.wakeWorkers();
  return waitForWork(ctx, id, written.firstSeq, waitMs);
}

async function waitForWork(ctx: TurnContext, id: string, firstSeq: number, waitMs: number): Promise<TurnView> {
  const waker = new Waker();
  const off = await ctx.notifier.onConversation(id, waker.wake);
  try {
    const until = Date.now() + waitMs;
    for (;;) {
      const row = await loadConversation(ctx.db, id);
      if (!row) throw new Error(`conversation ${id} disappeared`);
      const left = until - Date.now();
      if (row.status !== 'working' || left <= 0 || ctx.closing.aborted) {
        // Read up to the row's last seq: those events committed with it, later ones are the stream's.
        const events = await readEvents(ctx.db, id, firstSeq - 1, { throughSeq: row.last_seq });
        const messages: Message[] = events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
        const records = events.flatMap((e) => (e.type === 'record' ? [{ event: e.event, data: e.data }] : []));
        return { conversationId: id, status: row.status, messages, records, input: currentInput(row.status, events), lastEventId: row.last_seq };
      }
      await waker.sleep(Math.min(left, ctx.pollMs), ctx.closing);
    }
  } finally {
    off();
  }
}
