import { Command } from 'commander';
import type { CliIO } from './io.ts';
import { registerValidate } from './commands/validate.ts';
import { registerPublish } from './commands/publish.ts';
import { registerSchema } from './commands/schema.ts';
import { registerChat } from './commands/chat.ts';
import { registerRecords } from './commands/records.ts';
import { registerIntegrations } from './commands/integrations.ts';
import { registerBuiltin } from './commands/builtin.ts';
import { registerDemo } from './commands/demo.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerServe } from './commands/serve.ts';
import { registerPersonalData } from './commands/personal-data.ts';
import { registerUsers } from './commands/users.ts';
import { version } from '../server/version.ts';

/** Lets an action report a non-zero exit without throwing (e.g. `validate` with errors). */
export interface RunState {
  exitCode: number;
}

/**
 * The whole command tree. It is also the source of the CLI reference in the docs, so every
 * command and option is declared here (through the register functions) with its description.
 */
export function buildProgram(io: CliIO, run: RunState): Command {
  const program = new Command('renkei')
    .description('Renkei — website chatbots whose integration blocks create CRM leads, helpdesk tickets and subscribers')
    .version(version, '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, 'renkei: ')),
    });
  const ctx = { io, run };
  registerServe(program, ctx);
  registerDemo(program, ctx);
  registerValidate(program, ctx);
  registerPublish(program, ctx);
  registerChat(program, ctx);
  registerSchema(program, ctx);
  registerRecords(program, ctx);
  registerIntegrations(program, ctx);
  registerBuiltin(program, ctx);
  registerMigrate(program, ctx);
  registerPersonalData(program, ctx);
  registerUsers(program, ctx);
  return program;
}

export interface CommandContext {
  readonly io: CliIO;
  readonly run: RunState;
}
