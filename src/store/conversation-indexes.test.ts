import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.ts';
import { newTestTarget, STORE_TARGETS } from './test-support.ts';
import * as postgresTurn from './migrations/003-postgres-turn.ts';

async function conversationIndexes(store: Store): Promise<string[]> {
  const { rows } =
    store.dialect === 'postgres'
      ? await sql<{ def: string }>`select indexdef as def from pg_indexes where schemaname = current_schema() and tablename = 'conversations'`.execute(store.db)
      : await sql<{ def: string }>`select sql as def from sqlite_master where type = 'index' and tbl_name = 'conversations' and sql is not null`.execute(
          store.db,
        );
  return rows.map((r) => r.def).sort();
}

describe.each(STORE_TARGETS)('migration 003 on %s', (kind) => {
  it('leaves no index holding updated_at, whether it runs first or after 006 and 007 (a database older than it)', async () => {
    const { target, remove } = newTestTarget(kind);
    try {
      const fresh = await openStore(target);
      const indexes = await conversationIndexes(fresh);
      expect(indexes.join('\n')).not.toMatch(/updated_at/);
      expect(indexes.filter((d) => /updated_hour/.test(d))).toHaveLength(3);

      // A database migrated before 003 existed: 006 and 007 ran, 003 did not.
      await postgresTurn.down(fresh.db);
      await sql`delete from kysely_migration where name = '003-postgres-turn'`.execute(fresh.db);
      expect((await conversationIndexes(fresh)).join('\n')).toMatch(/updated_at/);
      await fresh.close();

      const upgraded = await openStore(target);
      try {
        expect(upgraded.migrationsApplied).toEqual(['003-postgres-turn']);
        expect(await conversationIndexes(upgraded)).toEqual(indexes);
        const now = new Date().toISOString();
        await upgraded.db
          .insertInto('conversations')
          .values({
            id: 'c',
            bot_id: 'b',
            bot_version: 1,
            token_hash: 'h',
            state: '{}',
            status: 'ended',
            row_version: 1,
            last_seq: 0,
            locale: 'en',
            created_at: now,
            updated_at: now,
          })
          .execute();
        const row = await upgraded.db.selectFrom('conversations').select('updated_hour').executeTakeFirstOrThrow();
        expect(row.updated_hour).toBe(now.slice(0, 13));
      } finally {
        await upgraded.close();
      }
    } finally {
      await remove();
    }
  });
});
