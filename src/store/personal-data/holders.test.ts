import { describe, expect, it } from 'vitest';
import { STORE_TARGETS, tempStore } from '../test-support.ts';
import { HOLDERS, HOLDS_NO_VISITOR_DATA } from './holders.ts';
import { POSTGRES_ONLY_TABLES } from '../schema.ts';

describe.each(STORE_TARGETS)('the holders of personal data (%s)', (kind) => {
  it('cover every table of the database: a new one is either a holder or said to hold nothing of a visitor', async () => {
    const store = await tempStore(kind);
    const tables = (await store.db.introspection.getTables()).map((t) => t.name).filter((name) => !name.startsWith('kysely_'));
    const classified = [...HOLDERS.map((h) => h.table), ...HOLDS_NO_VISITOR_DATA].filter((t) => kind === 'postgres' || !POSTGRES_ONLY_TABLES.includes(t));
    expect([...tables].sort()).toEqual([...new Set(classified)].sort());
    expect(new Set(HOLDERS.map((h) => h.section)).size).toBe(HOLDERS.length);
  });
});
