import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { BLOCKS } from '../../blocks/index.ts';
import type { BlockType } from '../../blocks/types.ts';
import { OUTCOMES, type OutcomeName } from '../../vocabulary/outcome.ts';
import { runEffect } from '../../runtime/run-effect.ts';
import { simulatedOutcome } from '../../engine/simulated.ts';
import { formatProblem, loadBotFile, type Bot } from '../../flow/index.ts';
import { CliError } from '../errors.ts';
import { writeLine, type CliIO } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { runChat, type ChatEvent } from '../chat-session.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { openConnectors } from '../connectors.ts';

interface ChatOptions {
  db?: string;
  outcome: string[];
  json?: boolean;
}

export function registerChat(program: Command, ctx: CommandContext): void {
  withDbOption(
    program
      .command('chat')
      .description('talk to a bot in the terminal; with piped input, one visitor reply per line')
      .argument('<file>', 'bot file (YAML or JSON)'),
  )
    .option(
      '--outcome <block=port>',
      "force an integration block's outcome without calling the connector (repeatable)",
      (value: string, prev: string[]) => [...prev, value],
      [] as string[],
    )
    .option('--json', 'print one JSON object per line')
    .action(async (file: string, opts: ChatOptions) => {
      ctx.run.exitCode = await chat(file, opts, ctx.io);
    });
}

export async function chat(file: string, opts: ChatOptions, io: CliIO): Promise<number> {
  const { bot, problems } = await loadBotFile(file);
  if (!bot) {
    for (const p of problems.filter((q) => q.severity === 'error')) writeLine(io.stderr, formatProblem(p));
    return 1;
  }
  const forced = parseForcedOutcomes(bot, opts.outcome);
  const connectors = openConnectors(dbTarget(opts.db, io.env), io.env);
  const json = opts.json === true;
  const lines = createInterface({ input: io.stdin, terminal: false, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const interactive = io.stdin.isTTY === true && !json;
  try {
    const result = await runChat(bot, {
      emit: (event) => (json ? writeLine(io.stdout, JSON.stringify(event)) : printEvent(io, event)),
      readReply: async () => {
        if (interactive) io.stdout.write('> ');
        const line = await lines.next();
        if (line.done) return null;
        // Piped replies are not echoed by a terminal: show them so the transcript reads as a chat.
        if (!interactive && !json) writeLine(io.stdout, `> ${line.value}`);
        return line.value;
      },
      runEffect: async (effect) => {
        const port = forced.get(effect.blockId);
        return port ? simulatedOutcome(effect, port) : runEffect(effect, await connectors.get());
      },
    });
    if (result === 'input_closed') writeLine(io.stderr, 'renkei: input ended while the bot was waiting for an answer');
    return result === 'error' ? 1 : 0;
  } finally {
    await connectors.close();
  }
}

/** `--outcome BLOCK=PORT`: BLOCK must be an integration block of the bot and PORT one of its outcomes. */
function parseForcedOutcomes(bot: Bot, specs: readonly string[]): Map<string, OutcomeName> {
  const forced = new Map<string, OutcomeName>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const blockId = spec.slice(0, eq);
    const port = spec.slice(eq + 1);
    if (eq <= 0 || !port) throw new CliError(`--outcome "${spec}": expected BLOCK=PORT, e.g. create_lead=failure`, 2);
    const block = bot.blocks[blockId];
    if (!block) throw new CliError(`--outcome "${spec}": the bot has no block "${blockId}"`, 2);
    const integration = BLOCKS[block.type as BlockType].integration;
    if (!integration) throw new CliError(`--outcome "${spec}": block "${blockId}" is a ${block.type} block, not an integration`, 2);
    const allowed: readonly string[] = ['success', 'failure', ...integration.specificPorts];
    if (!(OUTCOMES as readonly string[]).includes(port) || !allowed.includes(port)) {
      throw new CliError(`--outcome "${spec}": ${block.type} has no outcome "${port}" (it has ${allowed.join(', ')})`, 2);
    }
    forced.set(blockId, port as OutcomeName);
  }
  return forced;
}

function printEvent(io: CliIO, event: ChatEvent): void {
  switch (event.type) {
    case 'message':
      writeLine(io.stdout, event.link ? `${event.text}\n  ${event.link.label ?? event.link.url}: ${event.link.url}` : event.text);
      if (event.image) writeLine(io.stdout, `  [image] ${event.image}`);
      return;
    case 'input':
      if (event.options) event.options.forEach((o, i) => writeLine(io.stdout, `  ${i + 1}) ${o.label}`));
      return;
    case 'integration': {
      const outputs = Object.entries(event.outputs)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      const detail = event.message ? ` — ${event.message}` : '';
      writeLine(io.stderr, `[${event.block}: ${event.action} → ${event.outcome}, port ${event.port}${outputs ? `; ${outputs}` : ''}${detail}]`);
      return;
    }
    case 'end':
      writeLine(io.stderr, event.status === 'handoff' ? `[handed off to a human: ${event.reason ?? 'no reason given'}]` : '[conversation ended]');
      return;
    case 'error':
      writeLine(io.stderr, `renkei: ${event.message}`);
      return;
  }
}
