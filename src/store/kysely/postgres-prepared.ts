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

/**
 * A statement's rows as PostgreSQL sends them: each row its columns' text in the statement's
 * order (null for SQL null). The caller names the columns and converts their values itself.
 */
export type TextRows = readonly (readonly (string | null)[])[];

/** A direct statement's parameters: text as PostgreSQL reads it, or null. */
export type TextParameters = readonly (string | null)[];

export type DirectQuery = (sql: string, parameters: TextParameters) => Promise<TextRows>;

export interface PreparedStatements {
  /** The pool Kysely's PostgresDialect takes: its statements run prepared (see preparedStatementPool). */
  readonly pool: PostgresPool;
  /**
   * One statement on a pooled connection, outside any transaction, prepared by the same name as
   * Kysely would prepare it, without Kysely's executor nor pg's query object (DirectStatement):
   * a visitor's turn takes it for both its statements.
   */
  readonly query: DirectQuery;
}

/** What DirectStatement uses of pg's connection: its messages, and which statements it prepared. */
interface ProtocolConnection {
  readonly stream: { cork(): void; uncork(): void };
  readonly parsedStatements: Record<string, string>;
  readonly submittedNamedStatements: Record<string, string>;
  parse(query: { text: string; name: string; types: readonly number[] }): void;
  bind(config: { statement: string; values: TextParameters }): void;
  execute(): void;
  sync(): void;
  sendCopyFail(message: string): void;
}

type Done = (error: Error | undefined, rows: TextRows) => void;

/**
 * A statement run through pg's protocol without pg's Query: Parse (once per connection and
 * name), Bind, Execute, Sync — and no Describe, so PostgreSQL sends no row description and
 * nothing builds type parsers, result objects or events for a statement whose columns the
 * caller knows. pg's Query cost a turn's two statements more CPU than the rest of their trip.
 * pg's client drives it as any Submittable (pg-cursor is one): it calls `submit` when the
 * connection is free, then a handler per message of the answer.
 */
class DirectStatement {
  // pg's client reads `text` and `name` (which statements a connection prepared).
  readonly text: string;
  /** The prepared statement's name; '' for an unnamed one, parsed with every run. */
  readonly name: string;
  readonly values: TextParameters;
  readonly #rows: (string | null)[][] = [];
  #done: Done | undefined;

  constructor(text: string, name: string, values: TextParameters, done: Done) {
    this.text = text;
    this.name = name;
    this.values = values;
    this.#done = done;
  }

  submit(connection: ProtocolConnection): null {
    connection.stream.cork();
    try {
      const { name } = this;
      if (name === '' || (connection.parsedStatements[name] === undefined && connection.submittedNamedStatements[name] === undefined)) {
        connection.parse({ text: this.text, name, types: [] });
        if (name !== '') connection.submittedNamedStatements[name] = this.text;
      }
      connection.bind({ statement: name, values: this.values });
      connection.execute();
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
    return null;
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    this.#rows.push(message.fields);
  }

  /** The answer ends here (after an error too: the error came first, and ended the statement). */
  handleReadyForQuery(): void {
    this.#finish(undefined);
  }

  /** A server's error (the connection stays usable), or the connection's (pg then drops it). */
  handleError(error: Error): void {
    this.#finish(error);
  }

  handleCopyInResponse(connection: ProtocolConnection): void {
    connection.sendCopyFail('a direct statement sends no COPY data');
  }

  // Messages a statement without Describe either never gets or has nothing to do with.
  handleRowDescription(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  #finish(error: Error | undefined): void {
    const done = this.#done;
    this.#done = undefined;
    done?.(error, this.#rows);
  }
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
  const heard = new WeakSet<pg.PoolClient>();
  const run = (text: string, name: string, values: TextParameters): Promise<TextRows> =>
    new Promise((resolve, reject) => {
      pool.connect((connectError, client, release) => {
        if (connectError || !client) {
          reject(connectError ?? new Error('the pool gave no connection'));
          return;
        }
        if (!heard.has(client)) {
          heard.add(client);
          // A connection that fails while a statement runs tells the statement (handleError); its
          // 'error' event, unheard, would end the process. The pool drops it when it comes back.
          client.on('error', () => {});
        }
        const statement = new DirectStatement(text, name, values, (error, rows) => {
          // A server's error leaves the connection as good as before; any other drops it.
          release(error instanceof pg.DatabaseError ? undefined : error);
          if (error) reject(error);
          else resolve(rows);
        });
        client.query(statement as unknown as pg.Submittable);
      });
    });
  const query: DirectQuery = (sql, parameters) => {
    const name = names.nameOf(sql, parameters);
    if (name === undefined) return run(sql, '', parameters);
    return run(sql, name, parameters).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== PLAN_CHANGED) throw error;
      names.forget(sql);
      // Outside a transaction the refused statement changed nothing: run it again, unprepared.
      return run(sql, '', parameters);
    });
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
