import type { Kysely, Selectable, Transaction } from 'kysely';
import { advance } from '../engine/advance.ts';
import type { AdvanceResult, ConversationState } from '../engine/types.ts';
import type { Account } from '../store/accounts.ts';
import { hotQuery } from '../store/kysely/hot-query.ts';
import { newId } from '../store/keys.ts';
import type { Database, HandoffsTable } from '../store/schema.ts';
import { RuntimeError, type ConversationEvent } from './api.ts';
import type { RuntimeContext } from './context.ts';
import { stateOf, writeAdvance, type ConversationRow } from './conversations.ts';
import { draftsOf, readEvents, type EventDraft } from './events.ts';
import { appendLive } from './live-chat.ts';
import { teamFor } from './team.ts';

/**
 * The agents' side of a hand-off: the inbox (conversations waiting for a person, and the agent's
 * own), claiming one (the first claim wins, in the database), talking, notes, transfer, handing
 * back to the bot at a block, closing; and the timeout that takes no_agent when nobody claims.
 */

/** Who acts in the inbox: a signed-in account. */
export type Agent = Pick<Account, 'id' | 'name' | 'role'>;

export interface InboxItem {
  readonly conversationId: string;
  readonly botId: string;
  readonly status: HandoffsTable['status'];
  readonly reason: string | null;
  readonly agentId: string | null;
  readonly agentName: string | null;
  readonly visitor: Readonly<Record<'name' | 'email' | 'phone' | 'company', string>>;
  readonly createdAt: string;
  readonly claimedAt: string | null;
  /** When an unclaimed hand-off takes no_agent; null when it waits for ever. */
  readonly deadlineAt: string | null;
}

export interface InboxNote {
  readonly id: string;
  readonly author: string;
  readonly text: string;
  readonly createdAt: string;
}

export interface InboxConversation extends InboxItem {
  readonly locale: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly events: readonly ConversationEvent[];
  readonly notes: readonly InboxNote[];
  /** The bot's blocks, for "hand back at …". */
  readonly blocks: readonly { readonly id: string; readonly type: string; readonly name: string }[];
}

/** What an inbox operation needs beyond the shared context. */
export interface InboxContext extends RuntimeContext {
  readonly wakeWorkers: () => void;
}

type HandoffRow = Selectable<HandoffsTable>;

function visitorOf(vars: Readonly<Record<string, string>>): InboxItem['visitor'] {
  return {
    name: vars['visitor.name'] ?? '',
    email: vars['visitor.email'] ?? '',
    phone: vars['visitor.phone'] ?? '',
    company: vars['visitor.company'] ?? '',
  };
}

const OPEN = ['waiting', 'claimed'] as const;

/** Waiting hand-offs, and those the agent holds (an admin sees every held one too). */
export async function listInbox(db: Kysely<Database>, agent: Agent): Promise<InboxItem[]> {
  let query = db
    .selectFrom('handoffs')
    .innerJoin('conversations', 'conversations.id', 'handoffs.conversation_id')
    .leftJoin('accounts', 'accounts.id', 'handoffs.agent_id')
    .selectAll('handoffs')
    .select(['conversations.state', 'accounts.name as agent_name'])
    .where('handoffs.status', 'in', OPEN);
  if (agent.role !== 'admin') {
    query = query.where((eb) => eb.or([eb('handoffs.status', '=', 'waiting'), eb('handoffs.agent_id', '=', agent.id)]));
  }
  const rows = await query.orderBy('handoffs.created_at').orderBy('handoffs.conversation_id').limit(500).execute();
  return rows.map((row) => itemOf(row, row.agent_name, JSON.parse(row.state) as ConversationState));
}

function itemOf(row: HandoffRow, agentName: string | null, state: ConversationState): InboxItem {
  return {
    conversationId: row.conversation_id,
    botId: row.bot_id,
    status: row.status,
    reason: row.reason,
    agentId: row.agent_id,
    agentName,
    visitor: visitorOf(state.vars),
    createdAt: row.created_at,
    claimedAt: row.claimed_at,
    deadlineAt: row.status === 'waiting' ? row.deadline_at : null,
  };
}

/** Whether the agent may see the hand-off: a waiting one, their own, or any for an admin. */
function visibleTo(row: HandoffRow, agent: Agent): boolean {
  return agent.role === 'admin' || row.status === 'waiting' || row.agent_id === agent.id;
}

async function handoffRow(db: Kysely<Database>, conversationId: string): Promise<HandoffRow | undefined> {
  return db.selectFrom('handoffs').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
}

const notFound = (): RuntimeError => new RuntimeError('handoff_not_found', 'no such conversation in the inbox');

/** One conversation as the agent sees it: its hand-off, transcript, variables and notes. */
export async function inboxConversation(ctx: RuntimeContext, agent: Agent, conversationId: string): Promise<InboxConversation> {
  const row = await handoffRow(ctx.db, conversationId);
  if (!row || !visibleTo(row, agent)) throw notFound();
  const conversation = await ctx.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow();
  const state = stateOf(conversation);
  const [events, notes, holder, bot] = await Promise.all([
    readEvents(ctx.db, conversationId, 0, { throughSeq: conversation.last_seq }),
    ctx.db.selectFrom('inbox_notes').selectAll().where('conversation_id', '=', conversationId).orderBy('created_at').orderBy('id').execute(),
    row.agent_id === null ? undefined : ctx.db.selectFrom('accounts').select('name').where('id', '=', row.agent_id).executeTakeFirst(),
    ctx.bots.version(conversation.bot_id, conversation.bot_version),
  ]);
  return {
    ...itemOf(row, holder?.name ?? null, state),
    locale: conversation.locale,
    variables: { ...state.vars },
    events,
    notes: notes.map((n) => ({ id: n.id, author: n.author, text: n.text, createdAt: n.created_at })),
    blocks: bot ? Object.entries(bot.blocks).map(([id, b]) => ({ id, type: b.type, name: b.name ?? id })) : [],
  };
}

/** Every agent line reads it: built once (see hotQuery). */
const selectHandoff = hotQuery<HandoffRow>((db, [conversationId]) =>
  db
    .selectFrom('handoffs')
    .selectAll()
    .where('conversation_id', '=', conversationId as string),
);

/** The hand-off the agent holds, inside `trx`; the right error otherwise. */
async function heldBy(trx: Transaction<Database>, agent: Agent, conversationId: string): Promise<HandoffRow> {
  const row = (await selectHandoff(trx, [conversationId])).rows[0];
  if (!row) throw notFound();
  if (row.status === 'waiting') throw new RuntimeError('handoff_over', 'claim the conversation first');
  if (row.status !== 'claimed') throw new RuntimeError('handoff_over', `the hand-off is over (${row.status})`);
  if (row.agent_id !== agent.id) throw new RuntimeError('claimed_by_another', 'another agent has this conversation');
  return row;
}

async function appendOrOver(trx: Transaction<Database>, ctx: RuntimeContext, conversationId: string, drafts: readonly EventDraft[]): Promise<number> {
  const written = await appendLive(trx, conversationId, drafts, ctx.clock.now());
  if (!written) throw new RuntimeError('handoff_over', 'the conversation is no longer handed off');
  await ctx.notifier.conversationChanged(trx, conversationId, written.rows);
  return written.lastSeq;
}

/**
 * Claims a waiting hand-off. Two agents claiming at once: the database's conditional UPDATE lets
 * exactly one through; the other gets `claimed_by_another`. Claiming one's own again is a no-op.
 */
export async function claim(ctx: RuntimeContext, agent: Agent, conversationId: string): Promise<void> {
  await ctx.store.transact(async (trx) => {
    const at = ctx.clock.now().toISOString();
    const won = await trx
      .updateTable('handoffs')
      .set({ status: 'claimed', agent_id: agent.id, claimed_at: at, updated_at: at })
      .where('conversation_id', '=', conversationId)
      .where('status', '=', 'waiting')
      .executeTakeFirst();
    if (!won.numUpdatedRows) {
      const row = await trx.selectFrom('handoffs').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
      if (!row) throw notFound();
      if (row.status === 'claimed' && row.agent_id === agent.id) return;
      if (row.status === 'claimed') throw new RuntimeError('claimed_by_another', 'another agent claimed this conversation first');
      throw new RuntimeError('handoff_over', `the hand-off is over (${row.status})`);
    }
    await appendOrOver(trx, ctx, conversationId, [{ type: 'agent', action: 'joined', agentName: agent.name }]);
    await ctx.notifier.inboxChanged(trx);
  });
}

/** The agent's line to the visitor: in the transcript and on the visitor's event stream. */
export async function agentMessage(ctx: RuntimeContext, agent: Agent, conversationId: string, text: string): Promise<{ seq: number }> {
  return ctx.store.transact(async (trx) => {
    await heldBy(trx, agent, conversationId);
    const seq = await appendOrOver(trx, ctx, conversationId, [{ type: 'message', message: { text }, from: 'agent', agentName: agent.name, text }]);
    return { seq };
  });
}

export async function addNote(ctx: RuntimeContext, agent: Agent, conversationId: string, text: string): Promise<InboxNote> {
  const row = await handoffRow(ctx.db, conversationId);
  if (!row || !visibleTo(row, agent)) throw notFound();
  const note = { id: newId(), conversation_id: conversationId, account_id: agent.id, author: agent.name, text, created_at: ctx.clock.now().toISOString() };
  await ctx.db.insertInto('inbox_notes').values(note).execute();
  return { id: note.id, author: note.author, text: note.text, createdAt: note.created_at };
}

/** Hands the conversation to another enabled account; the visitor sees who joined. */
export async function transfer(ctx: RuntimeContext, agent: Agent, conversationId: string, toAccountId: string): Promise<void> {
  await ctx.store.transact(async (trx) => {
    await heldBy(trx, agent, conversationId);
    const to = await trx.selectFrom('accounts').select(['id', 'name']).where('id', '=', toAccountId).where('disabled', '=', 0).executeTakeFirst();
    if (!to) throw new RuntimeError('invalid_request', `agentId: there is no enabled account ${toAccountId}`, 'agentId');
    if (to.id === agent.id) return;
    await trx
      .updateTable('handoffs')
      .set({ agent_id: to.id, claimed_at: ctx.clock.now().toISOString(), updated_at: ctx.clock.now().toISOString() })
      .where('conversation_id', '=', conversationId)
      .execute();
    await appendOrOver(trx, ctx, conversationId, [
      { type: 'agent', action: 'left', agentName: agent.name },
      { type: 'agent', action: 'joined', agentName: to.name },
    ]);
    await ctx.notifier.inboxChanged(trx);
  });
}

/** Back to the bot at `block`: the bot carries on from there as if it had gone there itself. */
export async function release(ctx: InboxContext, agent: Agent, conversationId: string, block: string): Promise<void> {
  const conversation = await ctx.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
  if (!conversation) throw notFound();
  const bot = await ctx.bots.version(conversation.bot_id, conversation.bot_version);
  if (!bot) throw new Error(`conversation ${conversationId} runs a bot version that is missing`);
  if (!Object.hasOwn(bot.blocks, block)) throw new RuntimeError('invalid_request', `block: bot "${bot.id}" has no block "${block}"`, 'block');
  const team = await teamFor(ctx, bot);
  const effect = await ctx.store.transact(async (trx) => {
    await heldBy(trx, agent, conversationId);
    await trx
      .updateTable('handoffs')
      .set({ status: 'released', updated_at: ctx.clock.now().toISOString() })
      .where('conversation_id', '=', conversationId)
      .execute();
    const current = await trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow();
    const result = advance(bot, stateOf(current), { type: 'resume', block }, team);
    if (result.error && result.error.code !== 'step_limit') throw new RuntimeError('handoff_over', result.error.message);
    await writeResult(trx, ctx, current, result, [{ type: 'agent', action: 'left', agentName: agent.name }]);
    return result.effect !== null;
  });
  if (effect) ctx.wakeWorkers();
}

/** Ends the conversation; the visitor's widget says so. */
export async function close(ctx: RuntimeContext, agent: Agent, conversationId: string): Promise<void> {
  await ctx.store.transact(async (trx) => {
    const row = await trx.selectFrom('handoffs').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
    if (!row || !visibleTo(row, agent)) throw notFound();
    // A waiting conversation may be closed without claiming it (a spam visitor); a held one only by its holder or an admin.
    if (row.status === 'claimed' && row.agent_id !== agent.id && agent.role !== 'admin') {
      throw new RuntimeError('claimed_by_another', 'another agent has this conversation');
    }
    if (row.status !== 'claimed' && row.status !== 'waiting') throw new RuntimeError('handoff_over', `the hand-off is over (${row.status})`);
    await trx
      .updateTable('handoffs')
      .set({ status: 'closed', updated_at: ctx.clock.now().toISOString() })
      .where('conversation_id', '=', conversationId)
      .execute();
    const current = await trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow();
    const state = stateOf(current);
    const ended: AdvanceResult = {
      state: { ...state, status: 'ended', at: null, pendingEffect: null, reason: 'closed_by_agent' },
      messages: [],
      input: null,
      effect: null,
      integration: null,
      path: [],
      error: null,
    };
    const left: EventDraft[] = row.status === 'claimed' ? [{ type: 'agent', action: 'left', agentName: agent.name }] : [];
    await writeResult(trx, ctx, current, ended, left);
  });
}

async function writeResult(
  trx: Transaction<Database>,
  ctx: RuntimeContext,
  current: ConversationRow,
  result: AdvanceResult,
  before: readonly EventDraft[],
): Promise<void> {
  const drafts = [...before, ...draftsOf(result, current.status)];
  await writeAdvance(trx, current, result, drafts, { now: ctx.clock.now(), deadlineMs: ctx.deadlineMs, notifier: ctx.notifier, mailTeam: ctx.mailTeam });
  await ctx.notifier.inboxChanged(trx);
}

/**
 * Unclaimed hand-offs past their deadline take the handoff block's no_agent port. The conditional
 * UPDATE decides between a late claim and the timeout: whichever commits first wins, the other
 * finds the hand-off over. Answers how many took no_agent.
 */
export async function expireHandoffs(ctx: InboxContext, limit = 50): Promise<number> {
  const due = await ctx.db
    .selectFrom('handoffs')
    .select(['conversation_id', 'no_agent_target'])
    .where('status', '=', 'waiting')
    .where('deadline_at', '<=', ctx.clock.now().toISOString())
    .orderBy('deadline_at')
    .limit(limit)
    .execute();
  let expired = 0;
  let effects = false;
  for (const { conversation_id: id, no_agent_target: target } of due) {
    if (target === null) continue;
    const conversation = await ctx.db.selectFrom('conversations').select(['bot_id', 'bot_version']).where('id', '=', id).executeTakeFirst();
    const bot = conversation && (await ctx.bots.version(conversation.bot_id, conversation.bot_version));
    if (!bot) continue;
    const team = await teamFor(ctx, bot);
    const done = await ctx.store.transact(async (trx) => {
      const at = ctx.clock.now().toISOString();
      const taken = await trx
        .updateTable('handoffs')
        .set({ status: 'no_agent', updated_at: at })
        .where('conversation_id', '=', id)
        .where('status', '=', 'waiting')
        .executeTakeFirst();
      if (!taken.numUpdatedRows) return false;
      const current = await trx.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      // Nobody claimed in time: the next hand-off, if the bot makes one, must not wait on the team either.
      const result = advance(bot, stateOf(current), { type: 'resume', block: target }, team && { ...team, agentsOnline: false });
      if (result.error && result.error.code !== 'step_limit') {
        ctx.log.warn({ conversationId: id, code: result.error.code }, 'a hand-off timed out but its conversation could not take no_agent');
        return true;
      }
      await writeResult(trx, ctx, current, result, []);
      effects ||= result.effect !== null;
      return true;
    });
    if (done) expired++;
  }
  if (effects) ctx.wakeWorkers();
  return expired;
}
