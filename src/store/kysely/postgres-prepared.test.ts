import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describePostgres, tempStore } from '../test-support.ts';

describePostgres('prepared statements on postgres', () => {
  it('prepares a repeated query once per connection, and not what has no parameters', async () => {
    const store = await tempStore('postgres');
    const prepared = await store.db.connection().execute(async (conn) => {
      for (let i = 0; i < 3; i++) await conn.selectFrom('bots').select('id').where('id', '=', `bot-${i}`).execute();
      await sql`select count(*) from bots`.execute(conn);
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements where name like ${'renkei_%'}`.execute(conn);
      return rows.map((r) => r.statement);
    });
    expect(prepared.filter((s) => s === 'select "id" from "bots" where "id" = $1')).toHaveLength(1);
    expect(prepared.filter((s) => s.includes('count(*)'))).toEqual([]);
  });

  it('keeps working when a migration changes a table under a prepared select *', async () => {
    const store = await tempStore('postgres');
    const read = () => store.db.connection().execute((conn) => conn.selectFrom('bots').selectAll().where('id', '=', 'x').execute());
    await read();
    await sql`alter table bots add column extra text`.execute(store.db);
    // PostgreSQL refuses a prepared plan whose columns changed: outside a transaction the
    // statement is run again unprepared, and stays unprepared.
    for (let i = 0; i < 3; i++) expect(await read()).toEqual([]);
    await expect(store.db.transaction().execute((trx) => trx.selectFrom('bots').selectAll().where('id', '=', 'x').execute())).resolves.toEqual([]);
  });

  it("runs a turn's statements straight on the pool (queryNow), prepared under the name Kysely's get", async () => {
    // One connection: the session that ran the direct statements is the one asked what it prepared.
    const store = await tempStore('postgres', { poolSize: 1 });
    const query = store.queryNow!;
    await store.db.insertInto('bots').values({ id: 'direct', name: 'Direct', latest_version: 0, created_at: 'now', updated_at: 'now' }).execute();
    const text = 'select "id", "name" from "bots" where "id" = $1';
    // Each row is its columns' text, in the statement's order.
    for (let i = 0; i < 3; i++) expect(await query(text, ['direct'])).toEqual([['direct', 'Direct']]);
    expect(await query(text, ['nobody'])).toEqual([]);
    const prepared = async () =>
      (await sql<{ name: string }>`select name from pg_prepared_statements where statement = ${text}`.execute(store.db)).rows.map((r) => r.name);
    const names = await prepared();
    expect(names).toEqual([expect.stringMatching(/^renkei_/)]);
    // Kysely's statement of the same text runs under that name: nothing is prepared twice.
    expect(await store.db.selectFrom('bots').select(['id', 'name']).where('id', '=', 'direct').execute()).toEqual([{ id: 'direct', name: 'Direct' }]);
    expect(await prepared()).toEqual(names);
    await expect(query('select "nope" from "bots" where "id" = $1', ['x'])).rejects.toThrow('column "nope" does not exist');
  });

  it('answers SQL null as null, and a connection that got an error serves the next direct statement', async () => {
    const store = await tempStore('postgres', { poolSize: 1 });
    const query = store.queryNow!;
    expect(await query('select $1::text as a, null::text as b, 2 as c', ['x'])).toEqual([['x', null, '2']]);
    expect(await query('select $1::text is null as missing', [null])).toEqual([['t']]);
    await expect(query('select 1 / $1::int', ['0'])).rejects.toThrow('division by zero');
    const pid = (await query('select pg_backend_pid()::text where $1', ['true']))[0]?.[0];
    expect(await query('select pg_backend_pid()::text where $1', ['true'])).toEqual([[pid]]);
    await expect(query('select 1 / $1::int', ['0'])).rejects.toThrow('division by zero');
    expect(await query('select pg_backend_pid()::text where $1', ['true'])).toEqual([[pid]]);
  });

  it('runs a direct statement again unprepared when a migration changed its table', async () => {
    const store = await tempStore('postgres');
    const query = store.queryNow!;
    const text = 'select * from "bots" where "id" = $1';
    await query(text, ['x']);
    await sql`alter table bots add column extra text`.execute(store.db);
    for (let i = 0; i < 3; i++) expect(await query(text, ['x'])).toEqual([]);
  });
});
