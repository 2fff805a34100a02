import type { Command } from 'commander';
import { botJsonSchema } from '../../flow/index.ts';
import type { CommandContext } from '../program.ts';

export function registerSchema(program: Command, { io }: CommandContext): void {
  program
    .command('schema')
    .description('print the JSON Schema of the bot file format (for editors)')
    .action(() => {
      io.stdout.write(JSON.stringify(botJsonSchema(), null, 2) + '\n');
    });
}
