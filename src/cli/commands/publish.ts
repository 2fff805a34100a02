import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { knownTicketValues } from '../../connectors/builtin/values.ts';
import { BOT_ID } from '../../flow/bot-schema.ts';
import { formatProblem, loadBotText } from '../../flow/index.ts';
import type { Bot } from '../../flow/bot-schema.ts';
import { sourceLines } from '../../flow/lines.ts';
import { checkServiceValues } from '../../runtime/service-values.ts';
import { formatOfPath, getVersion, listVersions, publish, publishDraft } from '../../store/bots.ts';
import type { Store } from '../../store/store.ts';
import { CliError, messageOf } from '../errors.ts';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { lazyDecrypt, sharedProviders, withStore } from '../connectors.ts';

/**
 * `renkei publish <bot-file | id>`: a file is validated, saved as the bot's next version and
 * published, as an upload and a click on Publish would; an id publishes that bot's latest draft.
 */
export function registerPublish(program: Command, { io, run }: CommandContext): void {
  withDbOption(
    program
      .command('publish')
      .description(
        "publish a bot: a bot file is validated, saved as the bot's next version and published (exit 1 with every error, nothing saved); " +
          "a bot id publishes that bot's latest saved version. Literal values of service fields (stage, status, department, list …) are checked " +
          'against the connected service: one it does not have is an error (exit 1, nothing published); a service that cannot be asked, a warning',
      )
      .argument('<bot-file | id>', 'a bot file (YAML or JSON), or the id of a bot in the database'),
  ).action(async (what: string, opts: { db?: string }) => {
    const target = dbTarget(opts.db, io.env);
    if (existsSync(what) || !BOT_ID.test(what)) {
      await publishFile(what, target);
      return;
    }
    await publishLatest(what, target);
  });

  async function publishFile(path: string, target: string): Promise<void> {
    let source: string;
    try {
      source = await readFile(path, 'utf8');
    } catch (error) {
      const hint = BOT_ID.test(path.toLowerCase()) ? ` (a bot id is lower-case letters, digits and -)` : '';
      throw new CliError(`cannot read bot file ${path}: ${messageOf(error)}${hint}`);
    }
    const { bot, problems } = loadBotText(source, path, knownTicketValues);
    for (const p of problems) writeLine(p.severity === 'error' ? io.stderr : io.stdout, formatProblem(p));
    if (!bot) {
      const errors = problems.filter((p) => p.severity === 'error').length;
      writeLine(io.stderr, `${path}: ${errors === 1 ? '1 error' : `${errors} errors`}; nothing was saved or published`);
      run.exitCode = 1;
      return;
    }
    const result = await withStore(target, async (store) => {
      if (!(await serviceValuesAllow(store, bot, source, target, { file: path }))) return null;
      return publishDraft(store.db, { source, format: formatOfPath(path), bot });
    });
    if (!result) return;
    writeLine(
      io.stdout,
      result.created
        ? `published ${result.botId} version ${result.version} from ${path}`
        : `${result.botId}: ${path} is already published as version ${result.version}; nothing changed`,
    );
  }

  async function publishLatest(botId: string, target: string): Promise<void> {
    await withStore(target, async (store) => {
      const { db } = store;
      const [latest] = await listVersions(db, botId);
      if (!latest) throw new CliError(`there is no bot "${botId}" in the database (and no file of that name); to publish a bot file, give its path`);
      if (latest.published) {
        writeLine(io.stdout, `${botId}: version ${latest.version}, its latest, is already published; nothing changed`);
        return;
      }
      const found = await getVersion(db, botId, latest.version);
      if (found && !(await serviceValuesAllow(store, found.bot, found.source, target, { stored: `${botId} version ${latest.version}` }))) return;
      const { version } = await publish(db, botId, latest.version);
      writeLine(io.stdout, `published ${botId} version ${version}`);
    });
  }

  /**
   * Checks the bot's literal service values against the connected services (runtime/service-values.ts):
   * prints every problem with the line of its value (`file:12 block …` as `renkei validate` prints,
   * or `id version 3 line 12 block …` for a stored version), and on an error sets exit 1 and
   * answers false (nothing is saved or published).
   */
  async function serviceValuesAllow(
    store: Store,
    bot: Bot,
    source: string,
    target: string,
    what: { readonly file: string } | { readonly stored: string },
  ): Promise<boolean> {
    const providers = sharedProviders(store, target, io.env, io.clock);
    const problems = await checkServiceValues(bot, { store, providers, decrypt: lazyDecrypt(target, io.env) }, sourceLines(source));
    const name = 'file' in what ? what.file : what.stored;
    for (const p of problems) {
      const at = p.line === null ? name : 'file' in what ? `${name}:${p.line}` : `${name} line ${p.line}`;
      const line = `${at} block "${p.block}" field "${p.field}": ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
      writeLine(p.severity === 'error' ? io.stderr : io.stdout, line);
    }
    const errors = problems.filter((p) => p.severity === 'error').length;
    if (errors === 0) return true;
    writeLine(io.stderr, `${name}: ${errors === 1 ? '1 value' : `${errors} values`} the connected service does not have; nothing was saved or published`);
    run.exitCode = 1;
    return false;
  }
}
