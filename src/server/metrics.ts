import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type TurnKind = 'start' | 'reply';

/** What /metrics asks the database for on every scrape (shared by every process on it). */
export interface OperationalStats {
  readonly outboxDepth: number;
  readonly outboxOldestAgeSeconds: number;
  /** Connector calls so far, by integration block type and outcome. */
  readonly outcomes: ReadonlyArray<{ readonly action: string; readonly outcome: string; readonly count: number }>;
}

export interface Metrics {
  readonly registry: Registry;
  /** Times one visitor turn (start or reply); `result` is the status answered or the error code. */
  observeTurn(kind: TurnKind, seconds: number, result: string): void;
  streamOpened(): void;
  streamClosed(): void;
}

/**
 * The server's Prometheus series, in a registry of its own (two servers in one process — tests —
 * do not share counters). Turn counts and latency are this process's; outbox and integration
 * figures come from the database, so any process reports the installation's state.
 */
export function createMetrics(stats: () => Promise<OperationalStats>): Metrics {
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
  const streams = new Gauge({
    name: 'renkei_event_streams',
    help: 'Server-Sent Event streams open in this process',
    registers: [registry],
  });

  // One database read per scrape feeds every database-backed series below.
  let pending: Promise<OperationalStats> | undefined;
  const current = (): Promise<OperationalStats> => {
    pending ??= stats().finally(() => {
      setImmediate(() => (pending = undefined));
    });
    return pending;
  };

  new Gauge({
    name: 'renkei_outbox_depth',
    help: 'Integration calls waiting or running (not yet done)',
    registers: [registry],
    async collect() {
      this.set((await current()).outboxDepth);
    },
  });
  new Gauge({
    name: 'renkei_outbox_oldest_age_seconds',
    help: 'Age of the oldest integration call not yet done (0 when none)',
    registers: [registry],
    async collect() {
      this.set((await current()).outboxOldestAgeSeconds);
    },
  });
  new Counter({
    name: 'renkei_integration_outcomes_total',
    help: 'Integration calls (attempts) by block type and outcome',
    labelNames: ['block_type', 'outcome'] as const,
    registers: [registry],
    async collect() {
      const { outcomes } = await current();
      this.reset();
      for (const o of outcomes) this.inc({ block_type: o.action, outcome: o.outcome }, o.count);
    },
  });

  return {
    registry,
    observeTurn(kind, seconds, result) {
      turns.inc({ kind, result });
      turnSeconds.observe({ kind }, seconds);
    },
    streamOpened: () => streams.inc(),
    streamClosed: () => streams.dec(),
  };
}
