import { Counter, Gauge, type Registry } from 'prom-client';
import type { Purged } from '../store/personal-data/index.ts';

export interface RetentionMetrics {
  /** The retention worker's `onPurged`: one batch's deletions. */
  readonly purged: (rows: Purged) => void;
  /** Its `onClosed`: idle conversations closed. */
  readonly closed: (count: number) => void;
}

/** The retention worker's series, in the server's registry. */
export function retentionMetrics(registry: Registry): RetentionMetrics {
  const deleted = new Counter({
    name: 'renkei_retention_deleted_rows_total',
    help: 'Rows the retention worker of this process deleted, by table (conversations past their retention period and what hangs off them; built-in records)',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const closed = new Counter({
    name: 'renkei_retention_closed_conversations_total',
    help: 'Conversations this process closed for waiting longer than the idle period for their visitor',
    registers: [registry],
  });
  const last = new Gauge({
    name: 'renkei_retention_last_batch_timestamp_seconds',
    help: 'When this process last deleted or closed anything for retention (Unix time)',
    registers: [registry],
  });
  return {
    purged(rows) {
      let any = false;
      for (const [table, n] of Object.entries(rows)) {
        if (n <= 0) continue;
        deleted.inc({ table }, n);
        any = true;
      }
      if (any) last.setToCurrentTime();
    },
    closed(count) {
      if (count <= 0) return;
      closed.inc(count);
      last.setToCurrentTime();
    },
  };
}
