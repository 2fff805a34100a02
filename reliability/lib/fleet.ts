import { serve, type RunningServer } from '../../test/helpers/server.ts';

/** Environment every reliability server runs with: no per-IP limit (all load comes from one address). */
export const BASE_ENV: Readonly<Record<string, string>> = {
  RENKEI_RATE_LIMIT: '0',
  RENKEI_LOG_LEVEL: 'info',
};

/**
 * Every `renkei serve` a scenario starts, killed or not, so that its logs can be scanned for
 * secrets afterwards and nothing is left running.
 */
export class Fleet {
  readonly #all: RunningServer[] = [];

  /** Every fleet of this process: what an interrupted run stops before it exits. */
  static readonly running = new Set<Fleet>();

  async start(db: string, env: Readonly<Record<string, string>>): Promise<RunningServer> {
    Fleet.running.add(this);
    const server = await serve({ db, env: { ...BASE_ENV, ...env }, timeoutMs: 60_000 });
    this.#all.push(server);
    return server;
  }

  /** Everything every server of this fleet printed. */
  logs(): string[] {
    return this.#all.map((s) => s.output());
  }

  get adminTokens(): string[] {
    return [...new Set(this.#all.map((s) => s.adminToken))];
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#all.map((s) => s.stop()));
    Fleet.running.delete(this);
  }
}

/** What a scenario leaves for the secrets scan: where data and logs are, and what must not be in them. */
export interface Exposure {
  /** SQLite files (the database and its -wal) to scan. */
  readonly files: string[];
  /** PostgreSQL schemas to scan (every row of every table). */
  readonly pgSchemas: string[];
  readonly logs: string[];
  /** Never in plain text anywhere: OAuth client secrets, refresh tokens, admin and visitor tokens. */
  readonly secrets: string[];
  /** Visitors' emails and phones: never in a log (the built-in store's record tables legitimately hold them). */
  readonly personal: string[];
}
