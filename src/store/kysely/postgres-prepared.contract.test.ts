import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../schema.ts';
import { TRANSACTION_END, TRANSACTION_START } from './postgres-prepared.ts';

/*
 * What postgres-prepared.ts takes from Kysely's PostgresDriver: it borrows a client with
 * `pool.connect()` and gives it back with `release()`, sends each statement as its text and an
 * array of parameters, and sends transaction control (which must not be prepared, and tells the
 * pool whether a refused plan can be retried) as parameterless statements the pool recognises.
 */
interface Sent {
  readonly text: string;
  readonly values: readonly unknown[];
}

function recordingPool() {
  const sent: Sent[] = [];
  const counts = { connects: 0, releases: 0 };
  const client = {
    query: async (text: string, values: readonly unknown[]) => {
      sent.push({ text, values });
      return { command: 'SELECT', rowCount: 0, rows: [] };
    },
    release: () => void counts.releases++,
  };
  const pool = {
    options: {},
    connect: async () => (counts.connects++, client),
    end: async () => {},
  } as unknown as PostgresPool;
  return { pool, sent, counts };
}

const select = (db: Kysely<Database>, id: string) => db.selectFrom('bots').select('id').where('id', '=', id).execute();

describe("Kysely's PostgresDriver, as the prepared-statement pool relies on", () => {
  it('borrows a client for each piece of work and sends every statement as text and an array of parameters', async () => {
    const { pool, sent, counts } = recordingPool();
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await select(db, 'a');
    await db.transaction().execute((trx) => select(trx, 'b'));
    await db
      .transaction()
      .setIsolationLevel('serializable')
      .execute((trx) => select(trx, 'c'));
    const trx = await db.startTransaction().execute();
    const inSavepoint = await trx.savepoint('job').execute();
    await select(inSavepoint, 'd');
    await inSavepoint.rollbackToSavepoint('job').execute();
    await inSavepoint.releaseSavepoint('job').execute();
    await trx.rollback().execute();

    const query = 'select "id" from "bots" where "id" = $1';
    expect(sent).toEqual([
      { text: query, values: ['a'] },
      { text: 'begin', values: [] },
      { text: query, values: ['b'] },
      { text: 'commit', values: [] },
      { text: 'start transaction isolation level serializable', values: [] },
      { text: query, values: ['c'] },
      { text: 'commit', values: [] },
      { text: 'begin', values: [] },
      { text: 'savepoint "job"', values: [] },
      { text: query, values: ['d'] },
      { text: 'rollback to "job"', values: [] },
      { text: 'release "job"', values: [] },
      { text: 'rollback', values: [] },
    ]);
    expect(counts).toEqual({ connects: 4, releases: 4 });
  });

  it('sends transaction control the pool tells apart: a start, an end, or neither (savepoints)', async () => {
    const { pool, sent } = recordingPool();
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await db.transaction().execute(async () => {});
    await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async () => {});
    const trx = await db.startTransaction().execute();
    const inSavepoint = await trx.savepoint('job').execute();
    await inSavepoint.rollbackToSavepoint('job').execute();
    await inSavepoint.releaseSavepoint('job').execute();
    await trx.rollback().execute();

    const kindOf = (text: string) => (TRANSACTION_START.test(text) ? 'start' : TRANSACTION_END.test(text) ? 'end' : 'neither');
    expect(sent.map(({ text, values }) => [text, values.length, kindOf(text)])).toEqual([
      ['begin', 0, 'start'],
      ['commit', 0, 'end'],
      ['start transaction isolation level repeatable read read only', 0, 'start'],
      ['commit', 0, 'end'],
      ['begin', 0, 'start'],
      ['savepoint "job"', 0, 'neither'],
      ['rollback to "job"', 0, 'neither'],
      ['release "job"', 0, 'neither'],
      ['rollback', 0, 'end'],
    ]);
  });
});
