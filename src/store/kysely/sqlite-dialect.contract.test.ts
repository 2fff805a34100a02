import { Kysely, SqliteAdapter, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { Migrator } from 'kysely/migration';
import { describe, expect, it } from 'vitest';
import type { Database } from '../schema.ts';
import { openSqlite } from './sqlite-dialect.ts';
import { recordingDialect, RecordingDriver } from './test-support.ts';

/*
 * What sqlite-dialect.ts takes from Kysely. Its ConnectionQueue hands out the one connection in
 * place of Kysely's mutex, which Kysely leaves out when the adapter claims several connections;
 * the queue and the after-commit hooks count on Kysely pairing every acquire with one release
 * and running a transaction inside one of them. Its node:sqlite bridge turns the `begin` Kysely
 * sends into `begin immediate` and spreads the parameter array Kysely passes. Its adapter's
 * transactional DDL makes the Migrator run in one transaction.
 */
class SeveralConnectionsAdapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

const select = (db: Kysely<Database>, id: string) => db.selectFrom('bots').select('id').where('id', '=', id).execute();

describe('Kysely around a connection, as the connection queue relies on', () => {
  it('serialises connections with its own mutex only when the adapter says the database has one', async () => {
    const single = new RecordingDriver();
    const one = new Kysely<Database>({ dialect: recordingDialect('sqlite', single) });
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => select(one, id)));
    expect(single.maxHeld).toBe(1);

    const several = new RecordingDriver();
    const many = new Kysely<Database>({ dialect: recordingDialect('sqlite', several, new SeveralConnectionsAdapter()) });
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => select(many, id)));
    // Every caller reaches the driver at once: the queue is then the only one making them wait.
    expect(several.maxHeld).toBe(4);
  });

  it('releases each connection it acquired exactly once, whether the work succeeds or fails', async () => {
    const driver = new RecordingDriver();
    const db = new Kysely<Database>({ dialect: recordingDialect('sqlite', driver, new SeveralConnectionsAdapter()) });
    driver.failOn = 'refused';
    await select(db, 'ok');
    await expect(select(db, 'refused')).rejects.toThrow();
    await db.transaction().execute((trx) => select(trx, 'ok'));
    await expect(db.transaction().execute((trx) => select(trx, 'refused'))).rejects.toThrow();
    await expect(
      db.transaction().execute(async () => {
        throw new Error('the work gave up');
      }),
    ).rejects.toThrow('the work gave up');
    await db.connection().execute((conn) => select(conn, 'ok'));
    const controlled = await db.startTransaction().execute();
    await controlled.rollback().execute();
    const pairs = driver.calls.filter((c) => c === 'acquire' || c === 'release');
    expect(pairs).toEqual(Array.from({ length: 7 }, () => ['acquire', 'release']).flat());
    expect(driver.held).toBe(0);
  });

  it('runs a transaction, its savepoints and its queries inside one acquire, in the order they were asked for', async () => {
    const driver = new RecordingDriver();
    const db = new Kysely<Database>({ dialect: recordingDialect('sqlite', driver, new SeveralConnectionsAdapter()) });
    const trx = await db.startTransaction().execute();
    const kept = await trx.savepoint('kept').execute();
    await select(kept, 'a');
    await kept.releaseSavepoint('kept').execute();
    const undone = await trx.savepoint('undone').execute();
    await select(undone, 'b');
    await undone.rollbackToSavepoint('undone').execute();
    await trx.commit().execute();
    const query = 'select "id" from "bots" where "id" = ?';
    expect(driver.calls).toEqual([
      'acquire',
      'begin',
      'savepoint kept',
      query,
      'release kept',
      'savepoint undone',
      query,
      'rollback to undone',
      'commit',
      'release',
    ]);
  });
});

describe("Kysely's SqliteDriver, as the node:sqlite bridge relies on", () => {
  it('sends `begin`, `commit` and every query through prepare, with the parameters as one array', async () => {
    const seen: [string, string, readonly unknown[]][] = [];
    const database: SqliteDatabase = {
      close: () => {},
      prepare: (sql): SqliteStatement => ({
        reader: sql.startsWith('select'),
        all: (parameters) => (seen.push(['all', sql, parameters]), []),
        run: (parameters) => (seen.push(['run', sql, parameters]), { changes: 0, lastInsertRowid: 0 }),
        iterate: () => [][Symbol.iterator](),
      }),
    };
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    await db.transaction().execute(async (trx) => {
      await select(trx, 'a');
      await trx.deleteFrom('bots').where('id', '=', 'b').execute();
    });
    expect(seen).toEqual([
      ['run', 'begin', []],
      ['all', 'select "id" from "bots" where "id" = ?', ['a']],
      ['run', 'delete from "bots" where "id" = ?', ['b']],
      ['run', 'commit', []],
    ]);
  });

  it('compiles the same text for the same query shape, so prepared statements can be reused', () => {
    const db = new Kysely<Database>({ dialect: recordingDialect('sqlite', new RecordingDriver()) });
    expect(db.selectFrom('bots').select('id').where('id', '=', 'a').compile().sql).toBe(db.selectFrom('bots').select('id').where('id', '=', 'b').compile().sql);
  });
});

describe("Kysely's Migrator, as the adapter's transactional DDL relies on", () => {
  it('runs the migrations in one transaction, so a migration that fails leaves no table behind', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the database of its time
    const db = new Kysely<any>({ dialect: openSqlite(':memory:').dialect });
    try {
      const migrator = new Migrator({
        db,
        provider: {
          getMigrations: async () => ({
            '001': {
              up: async (trx) => {
                await trx.schema.createTable('half_done').addColumn('id', 'text').execute();
                throw new Error('the migration failed half-way');
              },
            },
          }),
        },
      });
      const { error } = await migrator.migrateToLatest();
      expect(String(error)).toContain('the migration failed half-way');
      expect((await db.introspection.getTables()).map((t) => t.name)).not.toContain('half_done');
    } finally {
      await db.destroy();
    }
  });
});
