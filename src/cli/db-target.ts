import type { Command } from 'commander';

export const DEFAULT_DB = './renkei.db';

/** Adds the `--db` option every store-using command shares. */
export const withDbOption = (cmd: Command): Command =>
  cmd.option('--db <path>', `database file (default: $RENKEI_DB or ${DEFAULT_DB})`);

/** `--db`, else `RENKEI_DB`, else ./renkei.db. */
export function dbTarget(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return flag ?? (env['RENKEI_DB'] || DEFAULT_DB);
}
