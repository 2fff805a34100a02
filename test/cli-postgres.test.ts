import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/store/migrations/index.ts';
import { newTestTarget } from '../src/store/test-support.ts';
import { renkei } from './helpers/cli.ts';

/** The CLI against the real PostgreSQL of the test suite, each test in a schema of its own. */
let target: string;
let remove: () => Promise<void>;
beforeEach(() => {
  ({ target, remove } = newTestTarget('postgres'));
});
afterEach(() => remove());

const names = (stdout: string) => (JSON.parse(stdout) as Array<{ name: string }>).map((l) => l.name).sort();

describe('renkei on PostgreSQL', () => {
  it('migrates a new schema, then finds it up to date', async () => {
    const first = await renkei(['migrate', '--db', target]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`applied ${Object.keys(MIGRATIONS).join(', ')} to ${target}\n`);
    const again = await renkei(['migrate', '--db', target]);
    expect(again.stdout).toBe(`${target} is up to date\n`);
  });

  it('adds a mailing list through DATABASE_URL, and --db and RENKEI_DB come before it', async () => {
    const add = await renkei(['builtin', 'lists', 'add', 'VIP'], { env: { DATABASE_URL: target } });
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^list "VIP" added, id /);
    const list = await renkei(['builtin', 'lists', 'list', '--json', '--db', target]);
    expect(names(list.stdout)).toEqual(['Newsletter', 'VIP']);

    const other = newTestTarget('postgres');
    try {
      await renkei(['builtin', 'lists', 'add', 'Flag only', '--db', other.target], { env: { DATABASE_URL: target } });
      await renkei(['builtin', 'lists', 'add', 'Env only'], { env: { RENKEI_DB: other.target, DATABASE_URL: target } });
      expect(names((await renkei(['builtin', 'lists', 'list', '--json', '--db', other.target])).stdout)).toEqual(['Env only', 'Flag only', 'Newsletter']);
      expect(names((await renkei(['builtin', 'lists', 'list', '--json'], { env: { DATABASE_URL: target } })).stdout)).toEqual(['Newsletter', 'VIP']);
    } finally {
      await other.remove();
    }
  });

  it('says which server refused, in one line, without the password', async () => {
    const run = await renkei(['migrate', '--db', 'postgres://renkei:s3cret@127.0.0.1:1/renkei']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('renkei: cannot open database postgres://renkei:***@127.0.0.1:1/renkei: connect ECONNREFUSED 127.0.0.1:1\n');
  });
});
