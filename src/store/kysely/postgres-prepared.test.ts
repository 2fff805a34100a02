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
});
