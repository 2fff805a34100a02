import { describe, expect, it } from 'vitest';
import { DEFAULT_DB, dbTarget } from './db-target.ts';

describe('dbTarget', () => {
  const pg = 'postgres://127.0.0.1:5432/renkei';

  it('takes --db first, then RENKEI_DB, then DATABASE_URL, then ./renkei.db', () => {
    const env = { RENKEI_DB: 'env.db', DATABASE_URL: pg };
    expect(dbTarget('flag.db', env)).toBe('flag.db');
    expect(dbTarget(undefined, env)).toBe('env.db');
    expect(dbTarget(undefined, { DATABASE_URL: pg })).toBe(pg);
    expect(dbTarget(undefined, {})).toBe(DEFAULT_DB);
  });

  it('treats an empty variable as unset', () => {
    expect(dbTarget(undefined, { RENKEI_DB: '', DATABASE_URL: pg })).toBe(pg);
    expect(dbTarget(undefined, { RENKEI_DB: '', DATABASE_URL: '' })).toBe(DEFAULT_DB);
  });
});
