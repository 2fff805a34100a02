import type { Command } from 'commander';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { withStore } from '../connectors.ts';

export function registerMigrate(program: Command, { io }: CommandContext): void {
  withDbOption(program.command('migrate').description('create the database or bring it up to date with this version of Renkei')).action(
    async (opts: { db?: string }) => {
      const target = dbTarget(opts.db, io.env);
      const applied = await withStore(target, async (store) => store.migrationsApplied);
      writeLine(io.stdout, applied.length ? `applied ${applied.join(', ')} to ${target}` : `${target} is up to date`);
    },
  );
}
