import { CommanderError } from 'commander';
import { buildProgram } from './program.ts';
import { CliError, messageOf } from './errors.ts';
import { processIO, type CliIO } from './io.ts';

/** Runs the CLI and returns the exit code. Every failure ends in one line on stderr. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const run = { exitCode: 0 };
  const program = buildProgram(io, run);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return run.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its one-line message (unknown option, missing argument …)
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : err.exitCode || 2;
    }
    io.stderr.write(`renkei: ${messageOf(err)}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}
