import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../errors.ts';
import { parsePostgresTarget } from './postgres-dialect.ts';
import { openStore } from '../store.ts';
import { describePostgres, newTestTarget, tempStore } from '../test-support.ts';

describe('parsePostgresTarget', () => {
  it('leaves a URL without ?schema= as it is', () => {
    expect(parsePostgresTarget('postgres://u:p@db.example:5432/renkei?sslmode=require')).toEqual({
      connectionString: 'postgres://u:p@db.example:5432/renkei?sslmode=require',
      schema: undefined,
    });
  });

  it('turns ?schema= into the search_path of every connection, keeping other startup options', () => {
    const { connectionString, schema } = parsePostgresTarget('postgresql://h/renkei?schema=tenant_1&options=-c%20statement_timeout%3D5000&application_name=x');
    expect(schema).toBe('tenant_1');
    const params = new URL(connectionString).searchParams;
    expect(params.get('schema')).toBeNull();
    expect(params.get('options')).toBe('-c statement_timeout=5000 -c search_path=tenant_1');
    expect(params.get('application_name')).toBe('x');
  });

  it.each(['Tenant', '1tenant', 'a-b', 'a b', `x${'y'.repeat(63)}`, ''])('refuses the schema name "%s"', (name) => {
    expect(() => parsePostgresTarget(`postgres://h/db?schema=${encodeURIComponent(name)}`)).toThrow(StoreError);
  });

  it('refuses what is not a URL', () => {
    expect(() => parsePostgresTarget('postgres://[oops')).toThrow('it is not a valid URL');
  });
});

describePostgres('a PostgreSQL store with startup options', () => {
  it('applies both the URL options and the schema to its connections', async () => {
    const { target, remove } = newTestTarget('postgres');
    const url = new URL(target);
    url.searchParams.set('options', '-c statement_timeout=4321');
    const store = await openStore(url.toString());
    try {
      const row = await sql<{ timeout: string; schema: string }>`
        select current_setting('statement_timeout') as timeout, current_schema() as schema
      `.execute(store.db);
      expect(row.rows[0]).toEqual({ timeout: '4321ms', schema: url.searchParams.get('schema') });
    } finally {
      await store.close();
      await remove();
    }
  });
});

describePostgres('introspecting a PostgreSQL store', () => {
  it("sees its own schema's tables only, with their columns", async () => {
    const one = await tempStore('postgres');
    const other = await tempStore('postgres');
    const schema = new URL(one.target).searchParams.get('schema');
    await sql`create table extra (id bigserial primary key, note text)`.execute(other.db);
    const tables = await one.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['leads', 'tickets', 'conversations']));
    expect(tables.map((t) => t.name)).not.toContain('extra');
    expect(tables.map((t) => t.name)).not.toContain('kysely_migration');
    expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([schema]));
    const leads = tables.find((t) => t.name === 'leads');
    expect(leads?.columns.find((c) => c.name === 'email')).toEqual({
      name: 'email',
      dataType: 'text',
      dataTypeSchema: 'pg_catalog',
      isNullable: true,
      hasDefaultValue: false,
      isAutoIncrementing: false,
    });
    expect(leads?.columns.find((c) => c.name === 'fields')).toMatchObject({ isNullable: false, hasDefaultValue: true });
    const withInternal = await one.db.introspection.getTables({ withInternalKyselyTables: true });
    expect(withInternal.map((t) => t.name)).toEqual(expect.arrayContaining(['kysely_migration', 'kysely_migration_lock']));
    const extra = (await other.db.introspection.getTables()).find((t) => t.name === 'extra');
    expect(extra?.columns.map((c) => [c.name, c.isAutoIncrementing])).toEqual([
      ['id', true],
      ['note', false],
    ]);
  });
});
