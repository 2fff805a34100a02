import type { Command } from 'commander';

export const DEFAULT_DB = './renkei.db';

/** Adds the `--db` option every store-using command shares. */
export const withDbOption = (cmd: Command): Command =>
  cmd.option('--db <file-or-url>', `SQLite file or postgres:// URL (default: $RENKEI_DB, else $DATABASE_URL, else ${DEFAULT_DB})`);

/**
 * `--db`, else `RENKEI_DB`, else `DATABASE_URL` (the name hosting platforms set for PostgreSQL),
 * else ./renkei.db. An empty variable counts as unset.
 */
export function dbTarget(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return flag ?? (env['RENKEI_DB'] || env['DATABASE_URL'] || DEFAULT_DB);
}
