import type { Command } from 'commander';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { withStore } from '../connectors.ts';

export function registerMigrate(program: Command, { io }: CommandContext): void {
  withDbOption(program.command('migrate').description('create the database or bring it up to date with this version of Renkei')).action(
    async (opts: { db?: string }) => {
      // store.path: a URL's password is not printed.
      const { applied, path } = await withStore(dbTarget(opts.db, io.env), async (store) => ({
        applied: store.migrationsApplied,
        path: store.path,
      }));
      writeLine(io.stdout, applied.length ? `applied ${applied.join(', ')} to ${path}` : `${path} is up to date`);
    },
  );
}
