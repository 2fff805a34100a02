import { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../schema.ts';
import { hotQuery } from './hot-query.ts';
import { recordingDialect, RecordingDriver } from './test-support.ts';

/*
 * What hotQuery takes from Kysely: `getExecutor().adapter` as the key of its cache (an internal
 * method), every value bound as a parameter rather than inlined, and `executeQuery` running a
 * compiled query again with other parameters. A Kysely upgrade that changes one of them fails
 * here, not in a visitor's turn.
 */
describe.each(['sqlite', 'postgres'] as const)('Kysely on %s, as hotQuery uses it', (kind) => {
  const open = () => {
    const driver = new RecordingDriver();
    return { driver, db: new Kysely<Database>({ dialect: recordingDialect(kind, driver) }) };
  };

  it('gives a database, its transactions, savepoints and connections one adapter, and another database another', async () => {
    const { db } = open();
    const adapter = db.getExecutor().adapter;
    expect(db.getExecutor().adapter).toBe(adapter);
    await db.transaction().execute(async (trx) => expect(trx.getExecutor().adapter).toBe(adapter));
    await db.connection().execute(async (conn) => expect(conn.getExecutor().adapter).toBe(adapter));
    // GroupCommit runs each turn in a savepoint of a controlled transaction.
    const trx = await db.startTransaction().execute();
    expect(trx.getExecutor().adapter).toBe(adapter);
    const inSavepoint = await trx.savepoint('job').execute();
    expect(inSavepoint.getExecutor().adapter).toBe(adapter);
    await inSavepoint.releaseSavepoint('job').execute();
    await trx.commit().execute();
    expect(open().db.getExecutor().adapter).not.toBe(adapter);
  });

  it('binds each value of the hot queries as a parameter, so their markers are found on the first build', () => {
    const { db } = open();
    const m = Array.from({ length: 10 }, (_, i) => `\u0000marker-${i}\u0000`);
    const compiled = [
      db.selectFrom('conversations').selectAll().where('id', '=', m[0]!).compile(),
      db
        .updateTable('conversations')
        .set({ state: m[0]!, status: m[1] as never, row_version: m[2] as never, last_seq: m[3] as never, updated_at: m[4]! })
        .where('id', '=', m[5]!)
        .where('row_version', '=', m[6] as never)
        .compile(),
      db
        .insertInto('conversation_events')
        .values([
          { conversation_id: m[0]!, seq: m[1] as never, type: m[2] as never, payload: m[3]!, created_at: m[4]! },
          { conversation_id: m[5]!, seq: m[6] as never, type: m[7] as never, payload: m[8]!, created_at: m[9]! },
        ])
        .compile(),
    ];
    for (const query of compiled) {
      expect(query.sql).not.toContain('marker');
      expect([...query.parameters].sort()).toEqual(m.slice(0, query.parameters.length).sort());
    }
  });

  it('runs a compiled query again with other parameters, on the database and in a transaction', async () => {
    const { db, driver } = open();
    const compiled = db.selectFrom('bots').select('id').where('id', '=', 'first').compile();
    await db.executeQuery({ ...compiled, parameters: ['second'] });
    await db.transaction().execute((trx) => trx.executeQuery({ ...compiled, parameters: ['third'] }));
    expect(driver.queries.map((q) => [q.sql, q.parameters])).toEqual([
      [compiled.sql, ['second']],
      [compiled.sql, ['third']],
    ]);
    expect(driver.calls.slice(3)).toEqual(['acquire', 'begin', compiled.sql, 'commit', 'release']);
  });

  it('so a hot query sends the values of each call, in the compiled order, with the SQL of its first build', async () => {
    const { db, driver } = open();
    const update = hotQuery((qb, [state, id]) =>
      qb
        .updateTable('conversations')
        .set({ state: state as string })
        .where('id', '=', id as string),
    );
    await update(db, ['s1', 'c1']);
    await db.transaction().execute((trx) => update(trx, ['s2', 'c2']));
    const [first, second] = driver.queries;
    expect(second?.sql).toBe(first?.sql);
    expect([first?.parameters, second?.parameters]).toEqual([
      ['s1', 'c1'],
      ['s2', 'c2'],
    ]);
  });
});
