import type { Kysely } from 'kysely';
import type { Outcome } from '../vocabulary/outcome.ts';
import type { ConversationState } from '../engine/types.ts';
import type { InputRequest } from '../vocabulary/input-request.ts';
import { pageOf, type Page } from '../store/paging.ts';
import type { Database, EffectsTable } from '../store/schema.ts';
import type { ConversationEvent, VisitorStatus } from './api.ts';
import { loadConversation, stateOf } from './conversations.ts';
import { currentInput, readEvents } from './events.ts';

/** Admin reads of conversations and the execution log. Nothing here ever returns a token or its hash. */

/** Conversations and execution-log entries a page holds unless asked otherwise. */
const DEFAULT_LIMIT = 50;

export interface ConversationSummary {
  readonly id: string;
  readonly botId: string;
  readonly botVersion: number;
  readonly status: VisitorStatus;
  readonly locale: string;
  /** Events so far. */
  readonly events: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Conversations, most recently active first. */
export async function listConversations(
  db: Kysely<Database>,
  options: Page & { readonly botId?: string; readonly status?: VisitorStatus } = {},
): Promise<ConversationSummary[]> {
  const { limit, offset } = pageOf(options, DEFAULT_LIMIT);
  let query = db.selectFrom('conversations').select(['id', 'bot_id', 'bot_version', 'status', 'locale', 'last_seq', 'created_at', 'updated_at']);
  if (options.botId !== undefined) query = query.where('bot_id', '=', options.botId);
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  const rows = await query.orderBy('updated_hour', 'desc').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
  return rows.map((r) => ({
    id: r.id,
    botId: r.bot_id,
    botVersion: r.bot_version,
    status: r.status,
    locale: r.locale,
    events: r.last_seq,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export interface EffectSummary {
  readonly id: string;
  readonly blockId: string;
  readonly action: string;
  readonly status: EffectsTable['status'];
  readonly attempts: number;
  /** The final outcome once done. */
  readonly outcome: Outcome | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ConversationDetail extends ConversationSummary {
  readonly state: ConversationState;
  readonly input: InputRequest | null;
  readonly transcript: readonly ConversationEvent[];
  readonly effects: readonly EffectSummary[];
}

/** One conversation with its transcript, engine state and effects; undefined when there is none. */
export async function getConversationAdmin(db: Kysely<Database>, id: string): Promise<ConversationDetail | undefined> {
  const row = await loadConversation(db, id);
  if (!row) return undefined;
  const transcript = await readEvents(db, id, 0, { throughSeq: row.last_seq });
  const effects = await db.selectFrom('effects').selectAll().where('conversation_id', '=', id).orderBy('created_at').orderBy('id').execute();
  return {
    id: row.id,
    botId: row.bot_id,
    botVersion: row.bot_version,
    status: row.status,
    locale: row.locale,
    events: row.last_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    state: stateOf(row),
    input: currentInput(row.status, transcript),
    transcript,
    effects: effects.map((e) => ({
      id: e.id,
      blockId: e.block_id,
      action: e.action,
      status: e.status,
      attempts: e.attempts,
      outcome: e.outcome === null ? null : (JSON.parse(e.outcome) as Outcome),
      createdAt: e.created_at,
      updatedAt: e.updated_at,
    })),
  };
}

export interface EffectAttempt {
  readonly id: string;
  readonly effectId: string;
  readonly conversationId: string;
  readonly botId: string;
  readonly blockId: string;
  /** The integration block type (`crm.lead` …). */
  readonly action: string;
  /** `builtin`, `zoho`, `webhook`, or `none` when no integration was configured. */
  readonly provider: string;
  /** 1 for the first call of the effect, 2 for its first retry … */
  readonly attempt: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly outcome: string;
  /** The service's error message, when there was one. */
  readonly message: string | null;
}

/** The execution log, newest first. */
export async function listEffectAttempts(
  db: Kysely<Database>,
  options: Page & { readonly conversationId?: string; readonly botId?: string } = {},
): Promise<EffectAttempt[]> {
  const { limit, offset } = pageOf(options, DEFAULT_LIMIT);
  let query = db.selectFrom('effect_attempts').selectAll();
  if (options.conversationId !== undefined) query = query.where('conversation_id', '=', options.conversationId);
  if (options.botId !== undefined) query = query.where('bot_id', '=', options.botId);
  const rows = await query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
  return rows.map((r) => ({
    id: r.id,
    effectId: r.effect_id,
    conversationId: r.conversation_id,
    botId: r.bot_id,
    blockId: r.block_id,
    action: r.action,
    provider: r.provider,
    attempt: r.attempt,
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    outcome: r.outcome,
    message: r.message,
  }));
}

export interface OutboxStats {
  readonly pending: number;
  readonly running: number;
  /** How long the oldest pending effect has been waiting to become due and run; 0 when none. */
  readonly oldestPendingAgeMs: number;
}

/** Outbox depth and age, for metrics. */
export async function outboxStats(db: Kysely<Database>, now: Date = new Date()): Promise<OutboxStats> {
  const rows = await db
    .selectFrom('effects')
    .select((eb) => ['status', eb.fn.countAll<number | string | bigint>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where('status', 'in', ['pending', 'running'])
    .groupBy('status')
    .execute();
  const pending = rows.find((r) => r.status === 'pending');
  const running = rows.find((r) => r.status === 'running');
  const oldest = typeof pending?.oldest === 'string' ? Date.parse(pending.oldest) : undefined;
  return {
    pending: Number(pending?.count ?? 0),
    running: Number(running?.count ?? 0),
    oldestPendingAgeMs: oldest === undefined ? 0 : Math.max(0, now.getTime() - oldest),
  };
}
