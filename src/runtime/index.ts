import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { widgetAppearance } from '../appearance/settings.ts';
import type { RoleConnectors } from '../vocabulary/roles.ts';
import type { Store } from '../store/store.ts';
import { RuntimeError, type InboxRuntime, type Runtime } from './api.ts';
import { openConversation } from './conversations.ts';
import { Deliveries, type DeliveryOptions } from './deliveries.ts';
import { HandoffTimeouts } from './handoff-timeouts.ts';
import { addNote, agentMessage, claim, close as closeHandoff, inboxConversation, listInbox, release, transfer } from './inbox.ts';
import { followInbox } from './inbox-stream.ts';
import type { AttemptInfo } from './attempt.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff.ts';
import { BotCache } from './bot-cache.ts';
import { systemClock, type Clock } from './clock.ts';
import type { RuntimeContext, RuntimeLog } from './context.ts';
import { Notifier } from './notify.ts';
import { followEvents, transcriptOf } from './transcript.ts';
import { replyTo, startConversation, type TurnContext } from './turns.ts';
import { identifyVisitor } from './visitor.ts';
import { Workers } from './worker.ts';

export interface RuntimeOptions {
  readonly store: Store;
  readonly connectors: RoleConnectors;
  /** Names this process's leases; default: host, pid and a random suffix. */
  readonly workerId?: string;
  /** How long a reply that started an integration waits for it (RENKEI_TURN_WAIT_MS). */
  readonly turnWaitMs?: number;
  /** How long a claim lasts without a heartbeat: a crashed worker's effects are claimed again after this. */
  readonly leaseMs?: number;
  /** Per integration block: retries stop and the last failure stands this long after the block began. */
  readonly deadlineMs?: number;
  readonly retry?: RetryPolicy;
  /** How long `stop` lets running calls finish before releasing them. */
  readonly graceMs?: number;
  /** The safety-net poll for lost wake-ups (workers, waiting replies, streams). */
  readonly pollMs?: number;
  /** The safety-net poll of follow streams, which notifications wake (default 15 s). */
  readonly streamPollMs?: number;
  /** The clock of leases, deadlines, retries and timestamps; default: the machine's. */
  readonly clock?: Clock;
  /** Shorthand for a clock that only tells another time (waiting stays the machine's). */
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly log?: RuntimeLog;
  /** Called after every connector call (metrics: outcomes by block type, attempts, durations). */
  readonly onAttempt?: (info: AttemptInfo) => void;
  /**
   * Team notifications (event webhooks, hand-off e-mails): the box that opens webhook secrets, the
   * SMTP mailer (none: nothing is e-mailed), and RENKEI_PUBLIC_URL for links. Without it no
   * notification is sent by this process (another one's workers send them).
   */
  readonly notifications?: Omit<DeliveryOptions, 'owner'>;
}

export interface DurableRuntime extends Runtime {
  readonly workerId: string;
  /** Starts claiming and running effects with `concurrency` (default 16) calls at a time. */
  startWorkers(concurrency?: number): void;
  /**
   * Graceful stop: new turns are refused (`shutting_down`), waiting replies and streams return,
   * running calls get `graceMs` to finish, the rest are released for another process.
   * The store stays open (its owner closes it).
   */
  stop(options?: { readonly graceMs?: number }): Promise<void>;
  /** Runs effects in this process until none is unfinished (tests, benchmarks). */
  drain(): Promise<void>;
}

export const DEFAULTS = {
  turnWaitMs: 8_000,
  leaseMs: 30_000,
  deadlineMs: 40_000,
  graceMs: 10_000,
  pollMs: 1_000,
  streamPollMs: 15_000,
  // Calls wait on the network and on Retry-After far more than they use the CPU; with only a few
  // slots a burst of visitors against a slow or flaky service spent its blocks' 40 s deadline in
  // this queue (the reliability suite's faults scenario). The Zoho provider still caps its
  // connections per host, so the service sees no more concurrency than before.
  concurrency: 16,
} as const;

const QUIET_LOG: RuntimeLog = {
  warn: () => undefined,
  error: (obj, msg) => console.error(`renkei runtime: ${msg}`, obj['err'] ?? ''),
};

export function createRuntime(options: RuntimeOptions): DurableRuntime {
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = options.log ?? QUIET_LOG;
  const closing = new AbortController();
  const ctx: RuntimeContext = {
    store: options.store,
    db: options.store.db,
    bots: new BotCache(options.store.db),
    notifier: new Notifier(options.store, (error, what) => log.warn({ err: error }, `${what} failed`)),
    clock: options.clock ?? (options.now ? { ...systemClock, now: options.now } : systemClock),
    deadlineMs: options.deadlineMs ?? DEFAULTS.deadlineMs,
    pollMs: options.pollMs ?? DEFAULTS.pollMs,
    streamPollMs: options.streamPollMs ?? DEFAULTS.streamPollMs,
    closing: closing.signal,
    log,
    mailTeam: options.notifications?.mailer !== undefined,
  };
  const workers = new Workers(
    {
      ...ctx,
      owner: workerId,
      connectors: options.connectors,
      retry: options.retry ?? DEFAULT_RETRY,
      random: options.random ?? Math.random,
      onAttempt: options.onAttempt,
    },
    { leaseMs: options.leaseMs ?? DEFAULTS.leaseMs, graceMs: options.graceMs ?? DEFAULTS.graceMs },
  );
  const turns: TurnContext = { ...ctx, wakeWorkers: workers.wake, shuttingDown: () => closing.signal.aborted };
  const timeouts = new HandoffTimeouts(turns);
  const deliveries = options.notifications && new Deliveries(ctx, { ...options.notifications, owner: workerId });
  const inbox: InboxRuntime = {
    list: (agent) => listInbox(ctx.db, agent),
    get: (agent, id) => inboxConversation(ctx, agent, id),
    claim: (agent, id) => claim(ctx, agent, id),
    message: (agent, id, text) => agentMessage(ctx, agent, id, text),
    note: (agent, id, text) => addNote(ctx, agent, id, text),
    transfer: (agent, id, to) => transfer(ctx, agent, id, to),
    release: (agent, id, block) => release(turns, agent, id, block),
    close: (agent, id) => closeHandoff(ctx, agent, id),
    async typing(agent, id) {
      const row = await ctx.db.selectFrom('handoffs').select(['agent_id', 'status']).where('conversation_id', '=', id).executeTakeFirst();
      if (!row || row.status !== 'claimed' || row.agent_id !== agent.id) throw new RuntimeError('handoff_not_found', 'you do not hold this conversation');
      ctx.notifier.typing(id, `agent:${agent.name}`);
    },
    async *follow(agent, signal) {
      await ready;
      yield* followInbox(ctx, agent, signal);
    },
  };
  const turnWaitMs = options.turnWaitMs ?? DEFAULTS.turnWaitMs;
  // Subscribed before the first turn, so no wake-up of a waiting reply is missed.
  const ready = ctx.notifier.open();
  // Awaited by every call that needs it; this only keeps a failure from being unhandled meanwhile.
  ready.catch(() => undefined);

  return {
    workerId,
    inbox,
    async typing(conversationId, token) {
      const row = await openConversation(ctx.db, conversationId, token);
      if (row.status === 'handoff') ctx.notifier.typing(conversationId, 'visitor');
    },
    watchTyping: (conversationId, fn) => ctx.notifier.onTyping(conversationId, fn),
    async start(botId, startOptions = {}) {
      await ready;
      return startConversation(turns, botId, startOptions, turnWaitMs);
    },
    async reply(conversationId, token, answer, replyOptions = {}) {
      await ready;
      return replyTo(turns, conversationId, token, answer, replyOptions.waitMs ?? turnWaitMs);
    },
    transcript: (conversationId, token) => transcriptOf(ctx, conversationId, token),
    async widget(botId) {
      const published = await ctx.bots.published(botId);
      if (!published) throw new RuntimeError('bot_not_found', `there is no published bot "${botId}"`);
      const { bot, version } = published;
      return { botId, version, name: bot.name, locale: bot.locale, appearance: widgetAppearance(bot.appearance) };
    },
    identify: (conversationId, token, visitor) => identifyVisitor(ctx, conversationId, token, visitor),
    async *follow(conversationId, token, afterSeq, signal) {
      await ready;
      yield* followEvents(ctx, conversationId, token, afterSeq, signal);
    },
    startWorkers(concurrency = DEFAULTS.concurrency) {
      workers.start(concurrency);
      timeouts.start();
      deliveries?.start();
    },
    async drain() {
      await ready;
      await workers.drain();
    },
    async stop(stopOptions = {}) {
      closing.abort();
      await timeouts.stop();
      await deliveries?.stop();
      await workers.stop(stopOptions.graceMs);
      await ctx.notifier.close();
    },
  };
}

export { RuntimeError } from './api.ts';
export type {
  Answer,
  ConversationEvent,
  InboxRuntime,
  IdentifiedVisitor,
  Runtime,
  RuntimeErrorCode,
  StartedConversation,
  StartOptions,
  Transcript,
  TurnView,
  VisitorFields,
  VisitorStatus,
  WidgetSettings,
} from './api.ts';
export type { AttemptInfo } from './attempt.ts';
export type { Agent, InboxConversation, InboxItem, InboxNote } from './inbox.ts';
export type { InboxStreamEvent } from './inbox-stream.ts';
export type { RetryPolicy } from './backoff.ts';
export type { RuntimeLog } from './context.ts';
