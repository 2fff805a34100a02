import pg from 'pg';
import { PostgresAdapter, PostgresDialect, sql, type DialectAdapter, type Kysely, type MigrationLockOptions } from 'kysely';
import { StoreError } from './errors.ts';

/** Connections a store's pool opens at most, unless told otherwise. */
export const DEFAULT_POOL_SIZE = 10;
/** How long opening a connection may take before the query that needed it fails. */
const CONNECT_TIMEOUT_MS = 10_000;

/** A schema name given in `?schema=`: plain lower-case, so it needs no quoting anywhere. */
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresTarget {
  /** The URL as `pg` reads it, `search_path` included when a schema was asked for. */
  readonly connectionString: string;
  /** The `?schema=` of the target, when it has one. */
  readonly schema: string | undefined;
}

export function isPostgresTarget(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * Reads a `postgres://` or `postgresql://` URL. A `?schema=NAME` parameter puts the store in
 * that schema (created when missing): it becomes the `search_path` of every connection, through
 * the startup `options`, so it holds for pooled connections before their first query.
 */
export function parsePostgresTarget(target: string): PostgresTarget {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new StoreError('invalid', 'it is not a valid URL');
  }
  const schema = url.searchParams.get('schema') ?? undefined;
  if (schema === undefined) return { connectionString: target, schema };
  if (!SCHEMA.test(schema)) {
    throw new StoreError(
      'invalid',
      `the schema "${schema}" is not a plain name (lower-case letters, digits and "_", not starting with a digit)`,
    );
  }
  url.searchParams.delete('schema');
  const options = url.searchParams.get('options');
  url.searchParams.set('options', `${options === null ? '' : `${options} `}-c search_path=${schema}`);
  return { connectionString: url.toString(), schema };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * `pg` returns bigint (`count(*)`, `sum()` of integers) and numeric as strings, to keep their
 * precision; SQLite returns numbers, and the store's row types say number. Counts and sums of
 * the store stay far below 2^53, where a JavaScript number is exact. Per pool, not pg's global
 * table, so nothing else in the process is affected.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    (oid === INT8_OID || oid === NUMERIC_OID) && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format),
};

/** Settings shared by the pool and the notification listener's own connection. */
export function clientConfig(target: PostgresTarget): pg.ClientConfig {
  return { connectionString: target.connectionString, types: TYPES, connectionTimeoutMillis: CONNECT_TIMEOUT_MS };
}

/**
 * Kysely's PostgreSQL adapter takes one advisory lock for every migration of the database,
 * whatever the schema. Each store (schema) has its own migration tables, so the lock is taken
 * per schema: processes opening one schema still migrate one at a time, while stores in other
 * schemas (tests, other installations) do not wait for each other.
 */
class SchemaMigrationLockAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    await sql`select pg_advisory_lock(hashtextextended(${lockName(options)}, 0))`.execute(db);
  }

  override async releaseMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    await sql`select pg_advisory_unlock(hashtextextended(${lockName(options)}, 0))`.execute(db);
  }
}

const lockName = (options: MigrationLockOptions): string =>
  `renkei.migrate.${options.lockTableSchema ?? ''}.${options.lockTable}`;

class RenkeiPostgresDialect extends PostgresDialect {
  override createAdapter(): DialectAdapter {
    return new SchemaMigrationLockAdapter();
  }
}

export interface OpenedPostgres {
  readonly dialect: PostgresDialect;
  /** The schema the store's tables live in: `?schema=`, else the first of the server's search_path. */
  readonly schema: string;
  readonly target: PostgresTarget;
}

/**
 * Connects (so a wrong URL, a refused connection or a missing database fail here, with pg's
 * own words), creates the `?schema=` when missing, and finds the schema the tables go to.
 */
export async function openPostgres(target: PostgresTarget, poolSize = DEFAULT_POOL_SIZE): Promise<OpenedPostgres> {
  const pool = new pg.Pool({ ...clientConfig(target), max: poolSize });
  // An idle pooled connection that drops (a server restart) is an 'error' event; unhandled it
  // would end the process. The pool discards that connection and opens a new one when needed.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      if (target.schema !== undefined) await createSchema(client, target.schema);
      const { rows } = await client.query<{ schema: string | null }>('select current_schema() as schema');
      const schema = rows[0]?.schema ?? null;
      if (schema === null) {
        throw new StoreError('open', 'no schema of the search_path exists: name one with ?schema=NAME');
      }
      return { dialect: new RenkeiPostgresDialect({ pool }), schema, target };
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** `if not exists` does not stop two sessions creating one schema at once from colliding. */
async function createSchema(client: pg.PoolClient, schema: string): Promise<void> {
  try {
    await client.query(`create schema if not exists ${schema}`);
  } catch (error) {
    const { rows } = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
    if (rows.length === 0) throw error;
  }
}
