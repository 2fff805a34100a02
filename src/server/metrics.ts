import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { outboxStats } from '../runtime/admin.ts';
import type { AttemptInfo } from '../runtime/index.ts';
import type { Database } from '../store/schema.ts';

export type TurnKind = 'start' | 'reply';

export interface Metrics {
  readonly registry: Registry;
  /** Times one visitor turn (start or reply); `result` is the status answered or the error code. */
  observeTurn(kind: TurnKind, seconds: number, result: string): void;
  /** The runtime's `onAttempt`: one connector call. */
  observeAttempt(info: AttemptInfo): void;
  streamOpened(): void;
  streamClosed(): void;
}

/**
 * The server's Prometheus series, in a registry of its own (two servers in one process — tests —
 * share no counter). Turns and integration calls are counted by this process as they happen;
 * the outbox is read from the database on each scrape, so any process reports the whole queue.
 */
export function createMetrics(db: Kysely<Database>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'renkei_process_' });

  const turns = new Counter({
    name: 'renkei_turns_total',
    help: 'Visitor turns handled by this process, by kind (start, reply) and result (the status answered, or the error code)',
    labelNames: ['kind', 'result'] as const,
    registers: [registry],
  });
  const turnSeconds = new Histogram({
    name: 'renkei_turn_duration_seconds',
    help: 'Time to answer a visitor turn, including any wait for an integration',
    labelNames: ['kind'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'renkei_integration_outcomes_total',
    help: 'Integration blocks settled by this process, by block type and final outcome',
    labelNames: ['block_type', 'outcome'] as const,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'renkei_integration_attempts_total',
    help: 'Connector calls made by this process (first tries and retries), by block type, provider and outcome',
    labelNames: ['block_type', 'provider', 'outcome'] as const,
    registers: [registry],
  });
  const attemptSeconds = new Histogram({
    name: 'renkei_integration_attempt_duration_seconds',
    help: 'Duration of one connector call',
    labelNames: ['block_type'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const streams = new Gauge({
    name: 'renkei_event_streams',
    help: 'Server-Sent Event streams open in this process',
    registers: [registry],
  });

  // One query per scrape feeds both outbox gauges.
  let stats: ReturnType<typeof outboxStats> | undefined;
  const current = (): ReturnType<typeof outboxStats> => {
    stats ??= outboxStats(db).finally(() => setImmediate(() => (stats = undefined)));
    return stats;
  };
  new Gauge({
    name: 'renkei_outbox_depth',
    help: 'Integration calls not yet done, by status (pending: waiting to run or retry; running: claimed by a worker)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const { pending, running } = await current();
      this.set({ status: 'pending' }, pending);
      this.set({ status: 'running' }, running);
    },
  });
  new Gauge({
    name: 'renkei_outbox_oldest_age_seconds',
    help: 'How long the oldest pending integration call has waited (0 when none)',
    registers: [registry],
    async collect() {
      this.set((await current()).oldestPendingAgeMs / 1000);
    },
  });

  return {
    registry,
    observeTurn(kind, seconds, result) {
      turns.inc({ kind, result });
      turnSeconds.observe({ kind }, seconds);
    },
    observeAttempt(info) {
      attempts.inc({ block_type: info.action, provider: info.provider, outcome: info.outcome });
      attemptSeconds.observe({ block_type: info.action }, info.durationMs / 1000);
      if (info.final) outcomes.inc({ block_type: info.action, outcome: info.outcome });
    },
    streamOpened: () => streams.inc(),
    streamClosed: () => streams.dec(),
  };
}
