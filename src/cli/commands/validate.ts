import type { Command } from 'commander';
import { knownTicketValues } from '../../connectors/builtin/values.ts';
import { formatProblem, loadBotFile } from '../../flow/index.ts';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';

export function registerValidate(program: Command, { io, run }: CommandContext): void {
  program
    .command('validate')
    .description('check bot files; exit 0 when every file is valid (warnings are printed), 1 with every error')
    .argument('<files...>', 'bot files (YAML or JSON)')
    .action(async (files: string[]) => {
      let errors = 0;
      for (const file of files) {
        const { problems } = await loadBotFile(file, knownTicketValues);
        for (const p of problems) writeLine(p.severity === 'error' ? io.stderr : io.stdout, formatProblem(p));
        const fileErrors = problems.filter((p) => p.severity === 'error').length;
        const warnings = problems.length - fileErrors;
        errors += fileErrors;
        if (fileErrors === 0) writeLine(io.stdout, `${file}: valid${warnings ? ` (${plural(warnings, 'warning')})` : ''}`);
        else writeLine(io.stderr, `${file}: ${plural(fileErrors, 'error')}`);
      }
      if (errors > 0) run.exitCode = 1;
    });
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
