import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CommandContext } from '../program.ts';
import { withDbOption } from '../db-target.ts';
import { chat } from './chat.ts';

export const DEMO_BOT = fileURLToPath(new URL('../../../examples/lead.yaml', import.meta.url));

export function registerDemo(program: Command, ctx: CommandContext): void {
  withDbOption(program.command('demo').description('chat with the demo bot (examples/lead.yaml): it creates a real lead in the database')).action(
    async (opts: { db?: string }) => {
      ctx.io.stdout.write('Renkei demo — you are the visitor. The lead the bot creates lands in the database; see it with `renkei records leads`.\n\n');
      ctx.run.exitCode = await chat(DEMO_BOT, { db: opts.db, outcome: [] }, ctx.io);
    },
  );
}
