import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PostgresCursor, PostgresPool, PostgresPoolClient } from 'kysely';

/** Distinct statements a process prepares at most; rarer shapes (admin searches) run unprepared. */
const MAX_PREPARED = 256;

/** What PostgreSQL says when a prepared `select *` outlives a change to its table (another process migrated). */
const PLAN_CHANGED = '0A000';

/** Transaction control: statements without parameters, as Kysely sends them. */
export const TRANSACTION_START = /^\s*(begin|start transaction)\b/i;
/** `rollback to savepoint` leaves the transaction open. */
export const TRANSACTION_END = /^\s*(commit|end|rollback(?!\s+to\b))\b/i;

/**
 * Which statements run prepared, by name. Kysely sends the same text for the same query shape,
 * so a name derived from the text is the same on every connection, and pg prepares it once per
 * connection: PostgreSQL then neither parses nor plans a visitor's turn again.
 */
class StatementNames {
  readonly #names = new Map<string, string | null>();

  nameOf(sql: string, parameters: readonly unknown[]): string | undefined {
    // Parameterless statements are transaction control and DDL: cheap to parse, and DDL must
    // never be cached.
    if (parameters.length === 0) return undefined;
    const known = this.#names.get(sql);
    if (known !== undefined) return known ?? undefined;
    if (this.#names.size >= MAX_PREPARED) return undefined;
    const name = `renkei_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    this.#names.set(sql, name);
    return name;
  }

  /** A statement whose prepared plan broke stays unprepared from now on. */
  forget(sql: string): void {
    this.#names.set(sql, null);
  }
}

type Query = PostgresPoolClient['query'];

/** A statement's rows, as pg returns them (Kysely returns the same objects). */
export type DirectQuery = (sql: string, parameters: readonly unknown[]) => Promise<{ readonly rows: readonly Record<string, unknown>[] }>;

export interface PreparedStatements {
  /** The pool Kysely's PostgresDialect takes: its statements run prepared (see preparedStatementPool). */
  readonly pool: PostgresPool;
  /**
   * One statement on a pooled connection, outside any transaction, prepared by the same name as
   * Kysely would prepare it, without Kysely's executor: its layers of promises and objects
   * around a statement cost more CPU than pg's own (about 25 against 21 us a statement).
   */
  readonly query: DirectQuery;
}

/**
 * Wraps a pg pool for Kysely so that the store's statements run as named prepared statements.
 * Each pg client gets one wrapper, kept as long as the client lives, so Kysely keeps one
 * connection object per client as it does with the bare pool.
 */
export function preparedStatementPool(pool: pg.Pool): PostgresPool {
  return preparedStatements(pool).pool;
}

/** preparedStatementPool, and direct statements sharing its names (one prepared statement per text and connection). */
export function preparedStatements(pool: pg.Pool): PreparedStatements {
  const names = new StatementNames();
  const query: DirectQuery = async (sql, parameters) => {
    // pg only reads the values; the array is readonly by type alone.
    const values = parameters as unknown[];
    const name = names.nameOf(sql, values);
    if (name === undefined) return pool.query(sql, values);
    try {
      return await pool.query({ name, text: sql, values });
    } catch (error) {
      if ((error as { code?: unknown }).code !== PLAN_CHANGED) throw error;
      names.forget(sql);
      // Outside a transaction the refused statement changed nothing: run it again, unprepared.
      return pool.query(sql, values);
    }
  };
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapper = wrappers.get(client);
    if (!wrapper) {
      let inTransaction = false;
      const query = ((statement: string | PostgresCursor<unknown>, parameters?: readonly unknown[]) => {
        if (typeof statement !== 'string') return client.query(statement as unknown as pg.Submittable);
        // pg only reads the values; Kysely's array is readonly by type alone.
        const values = (parameters ?? []) as unknown[];
        if (values.length === 0) {
          if (TRANSACTION_START.test(statement)) inTransaction = true;
          else if (TRANSACTION_END.test(statement)) inTransaction = false;
        }
        const name = names.nameOf(statement, values);
        if (name === undefined) return client.query(statement, values);
        return client.query({ name, text: statement, values }).catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== PLAN_CHANGED) throw error;
          names.forget(statement);
          // Outside a transaction the refused statement changed nothing: run it again, unprepared.
          // Inside one, the transaction is already aborted and its caller gets the error.
          if (inTransaction) throw error;
          return client.query(statement, values);
        });
      }) as unknown as Query;
      wrapper = {
        query,
        release: (destroy?: boolean) => client.release(destroy),
        get processID() {
          return (client as unknown as { processID?: number }).processID;
        },
      };
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  return {
    pool: {
      // Kysely opens a separate connection of this class to cancel a query.
      Client: pg.Client as unknown as PostgresPool['Client'],
      options: pool.options,
      connect: async () => wrap(await pool.connect()),
      end: () => pool.end(),
    },
    query,
  };
}
