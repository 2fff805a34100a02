import pg from 'pg';
import {
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  sql,
  type ColumnMetadata,
  type DatabaseIntrospector,
  type DatabaseMetadataOptions,
  type DialectAdapter,
  type Kysely,
  type MigrationLockOptions,
  type PostgresDialectConfig,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import { DEFAULT_MIGRATION_LOCK_TABLE, DEFAULT_MIGRATION_TABLE } from 'kysely/migration';
import { StoreError } from '../errors.ts';
import { preparedStatements, type DirectQuery } from './postgres-prepared.ts';

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
    throw new StoreError('invalid', `the schema "${schema}" is not a plain name (lower-case letters, digits and "_", not starting with a digit)`);
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
    (oid === INT8_OID || oid === NUMERIC_OID) && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

/**
 * Settings shared by the pool and the notification listener's own connection. TCP keep-alive
 * lets the listener, idle for long stretches, notice a connection that died without a word.
 */
export function clientConfig(target: PostgresTarget): pg.ClientConfig {
  return {
    connectionString: target.connectionString,
    types: TYPES,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  };
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

const lockName = (options: MigrationLockOptions): string => `renkei.migrate.${options.lockTableSchema ?? ''}.${options.lockTable}`;

interface ColumnRow {
  table: string;
  kind: string;
  column: string;
  not_null: boolean;
  has_default: boolean;
  type: string;
  type_schema: string;
  comment: string | null;
  serial: string | null;
}

/**
 * Kysely's PostgreSQL introspector lists the tables of every schema of the database, and its
 * Migrator asks it whether the migration tables exist. That query fails when another schema is
 * dropped while it runs (another installation, or a test cleaning up: `schema "…" does not
 * exist`), and grows with every schema. A store only cares about its own schema, so its tables
 * are read from that one alone — otherwise the same metadata as Kysely's.
 */
class StoreSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;
  readonly #schema: string;

  constructor(db: Kysely<unknown>, schema: string) {
    this.#db = db;
    this.#schema = schema;
  }

  getSchemas(): Promise<SchemaMetadata[]> {
    return new PostgresIntrospector(this.#db).getSchemas();
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const internal = [DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE];
    const { rows } = await sql<ColumnRow>`
      select c.relname as table, c.relkind as kind, a.attname as column, a.attnotnull as not_null,
        a.atthasdef as has_default, typ.typname as type, dtns.nspname as type_schema,
        col_description(a.attrelid, a.attnum) as comment,
        pg_get_serial_sequence(format('%I.%I', ns.nspname, c.relname), a.attname) as serial
      from pg_catalog.pg_attribute a
      join pg_catalog.pg_class c on a.attrelid = c.oid
      join pg_catalog.pg_namespace ns on c.relnamespace = ns.oid
      join pg_catalog.pg_type typ on a.atttypid = typ.oid
      join pg_catalog.pg_namespace dtns on typ.typnamespace = dtns.oid
      where ns.nspname = ${this.#schema} and c.relkind in ('r', 'v', 'p', 'f')
        and a.attnum >= 0 and not a.attisdropped
        and (${options.withInternalKyselyTables} or c.relname <> all(${internal}))
      order by c.relname, a.attnum
    `.execute(this.#db);
    const tables = new Map<string, TableMetadata & { columns: ColumnMetadata[] }>();
    for (const row of rows) {
      let table = tables.get(row.table);
      if (!table) {
        table = { name: row.table, schema: this.#schema, isView: row.kind === 'v', isForeign: row.kind === 'f', columns: [] };
        tables.set(row.table, table);
      }
      table.columns.push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isNullable: !row.not_null,
        hasDefaultValue: row.has_default,
        isAutoIncrementing: row.serial !== null,
        ...(row.comment === null ? {} : { comment: row.comment }),
      });
    }
    return [...tables.values()];
  }
}

class RenkeiPostgresDialect extends PostgresDialect {
  readonly #schema: string;

  constructor(config: PostgresDialectConfig, schema: string) {
    super(config);
    this.#schema = schema;
  }

  override createAdapter(): DialectAdapter {
    return new SchemaMigrationLockAdapter();
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new StoreSchemaIntrospector(db, this.#schema);
  }
}

export interface OpenedPostgres {
  readonly dialect: PostgresDialect;
  /** The schema the store's tables live in: `?schema=`, else the first of the server's search_path. */
  readonly schema: string;
  readonly target: PostgresTarget;
  /** A statement run at once on the pool, prepared, without Kysely (see PreparedStatements.query). */
  readonly query: DirectQuery;
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
      const prepared = preparedStatements(pool);
      return { dialect: new RenkeiPostgresDialect({ pool: prepared.pool }, schema), schema, target, query: prepared.query };
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
