import {
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/**
 * A Kysely driver that runs nothing and writes down every call Kysely makes to it, so the
 * contract tests can pin what Kysely does around a query: the store's extensions rely on it.
 * Each query waits for the next turn of the event loop, so queries started together overlap.
 */
export class RecordingDriver implements Driver {
  /** `acquire`, `release`, `begin`, `commit`, `rollback`, `savepoint …`, and each query's SQL. */
  readonly calls: string[] = [];
  readonly queries: CompiledQuery[] = [];
  /** Connections acquired and not yet released, now and at most. */
  held = 0;
  maxHeld = 0;
  /** A query with this value among its parameters fails. */
  failOn: string | undefined;

  readonly #connection: DatabaseConnection = {
    executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
      this.calls.push(query.sql);
      this.queries.push(query);
      await new Promise((resolve) => setImmediate(resolve));
      if (this.failOn !== undefined && query.parameters.includes(this.failOn)) throw new Error(`refused: ${query.sql}`);
      return { rows: [] };
    },
    // eslint-disable-next-line require-yield
    streamQuery: async function* () {
      throw new Error('not recorded');
    },
  };

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    this.calls.push('acquire');
    this.held++;
    this.maxHeld = Math.max(this.maxHeld, this.held);
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    this.calls.push('release');
    this.held--;
  }

  async beginTransaction(): Promise<void> {
    this.calls.push('begin');
  }

  async commitTransaction(): Promise<void> {
    this.calls.push('commit');
  }

  async rollbackTransaction(): Promise<void> {
    this.calls.push('rollback');
  }

  async savepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.calls.push(`savepoint ${name}`);
  }

  async rollbackToSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.calls.push(`rollback to ${name}`);
  }

  async releaseSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.calls.push(`release ${name}`);
  }

  async destroy(): Promise<void> {}
}

/** A dialect of the given kind whose driver is a RecordingDriver; `adapter` replaces the kind's own. */
export function recordingDialect(
  kind: 'sqlite' | 'postgres',
  driver: RecordingDriver,
  adapter: DialectAdapter = kind === 'sqlite' ? new SqliteAdapter() : new PostgresAdapter(),
): Dialect {
  return {
    createAdapter: () => adapter,
    createDriver: () => driver,
    createQueryCompiler: (): QueryCompiler => (kind === 'sqlite' ? new SqliteQueryCompiler() : new PostgresQueryCompiler()),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => (kind === 'sqlite' ? new SqliteIntrospector(db) : new PostgresIntrospector(db)),
  };
}
