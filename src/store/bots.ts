import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Kysely } from 'kysely';
import { botSchema, type Bot } from '../flow/bot-schema.ts';
import { formatProblem, loadBotText } from '../flow/index.ts';
import { StoreError, reasonOf } from './errors.ts';
import { nowIso } from './keys.ts';
import type { BotVersionsTable, Database } from './schema.ts';

export type BotFormat = BotVersionsTable['format'];

export interface BotSummary {
  readonly id: string;
  readonly name: string;
  readonly publishedVersion: number | null;
  readonly latestVersion: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface BotVersionSummary {
  readonly botId: string;
  readonly version: number;
  readonly format: BotFormat;
  readonly createdAt: string;
  /** When this version was last published; null if it never was. */
  readonly publishedAt: string | null;
  /** It is the version visitors get now. */
  readonly published: boolean;
}

export interface BotVersion extends BotVersionSummary {
  /** The file exactly as uploaded. */
  readonly source: string;
  readonly bot: Bot;
}

export interface PublishedBot {
  readonly version: number;
  readonly bot: Bot;
  readonly source: string;
  readonly format: BotFormat;
}

/** The stored definition back as a Bot; it was validated when saved, so a failure means a damaged row. */
export function parseDefinition(botId: string, version: number, definition: string): Bot {
  try {
    return botSchema.parse(JSON.parse(definition));
  } catch (error) {
    throw new StoreError('corrupt', `version ${version} of bot "${botId}" is unreadable: ${reasonOf(error)}`, { cause: error });
  }
}

/**
 * Saves an upload as the bot's next version (a draft until published); the first upload creates
 * the bot. The caller has validated `bot` and checked that its id is `botId`.
 */
export async function saveDraft(
  db: Kysely<Database>,
  botId: string,
  draft: { readonly source: string; readonly format: BotFormat; readonly bot: Bot },
): Promise<{ readonly version: number }> {
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('bots')
      .values({ id: botId, name: draft.bot.name, published_version: null, latest_version: 0, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const bumped = await trx
      .updateTable('bots')
      .set((eb) => ({ latest_version: eb('latest_version', '+', 1), name: draft.bot.name, updated_at: now }))
      .where('id', '=', botId)
      .returning('latest_version')
      .executeTakeFirstOrThrow();
    const version = bumped.latest_version;
    await trx
      .insertInto('bot_versions')
      .values({
        bot_id: botId,
        version,
        source: draft.source,
        format: draft.format,
        definition: JSON.stringify(draft.bot),
        created_at: now,
        published_at: null,
      })
      .execute();
    return { version };
  });
}

export async function listBots(db: Kysely<Database>): Promise<BotSummary[]> {
  const rows = await db.selectFrom('bots').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    publishedVersion: r.published_version,
    latestVersion: r.latest_version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** The bot's versions, newest first; empty when there is no such bot. */
export async function listVersions(db: Kysely<Database>, botId: string): Promise<BotVersionSummary[]> {
  const rows = await db
    .selectFrom('bot_versions')
    .innerJoin('bots', 'bots.id', 'bot_versions.bot_id')
    .select(['bot_versions.version', 'bot_versions.format', 'bot_versions.created_at', 'bot_versions.published_at', 'bots.published_version'])
    .where('bot_versions.bot_id', '=', botId)
    .orderBy('bot_versions.version', 'desc')
    .execute();
  return rows.map((r) => ({
    botId,
    version: r.version,
    format: r.format,
    createdAt: r.created_at,
    publishedAt: r.published_at,
    published: r.published_version === r.version,
  }));
}

export async function getVersion(db: Kysely<Database>, botId: string, version: number): Promise<BotVersion | undefined> {
  const row = await db
    .selectFrom('bot_versions')
    .innerJoin('bots', 'bots.id', 'bot_versions.bot_id')
    .selectAll('bot_versions')
    .select('bots.published_version')
    .where('bot_versions.bot_id', '=', botId)
    .where('bot_versions.version', '=', version)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    botId,
    version: row.version,
    format: row.format,
    createdAt: row.created_at,
    publishedAt: row.published_at,
    published: row.published_version === row.version,
    source: row.source,
    bot: parseDefinition(botId, row.version, row.definition),
  };
}

/** Makes `version` (default: the latest) the one new conversations get. Running conversations keep theirs. */
export async function publish(db: Kysely<Database>, botId: string, version?: number): Promise<{ readonly version: number }> {
  return db.transaction().execute(async (trx) => {
    const bot = await trx.selectFrom('bots').select(['latest_version']).where('id', '=', botId).executeTakeFirst();
    if (!bot || bot.latest_version === 0) throw new StoreError('not_found', `bot "${botId}" has no version to publish`);
    const chosen = version ?? bot.latest_version;
    const now = nowIso();
    const marked = await trx
      .updateTable('bot_versions')
      .set({ published_at: now })
      .where('bot_id', '=', botId)
      .where('version', '=', chosen)
      .executeTakeFirst();
    if (marked.numUpdatedRows === 0n) throw new StoreError('not_found', `bot "${botId}" has no version ${chosen}`);
    await trx.updateTable('bots').set({ published_version: chosen, updated_at: now }).where('id', '=', botId).execute();
    return { version: chosen };
  });
}

/** Publishes an earlier version again (one older than the version published now). */
export async function rollback(db: Kysely<Database>, botId: string, version: number): Promise<{ readonly version: number }> {
  await checkRollback(db, botId, version);
  return publish(db, botId, version);
}

/**
 * Refuses a rollback to a version that does not exist or is not older than the published one
 * (the same StoreError as rollback), so a caller can check it before its own, slower checks.
 */
export async function checkRollback(db: Kysely<Database>, botId: string, version: number): Promise<void> {
  const row = await db
    .selectFrom('bot_versions')
    .innerJoin('bots', 'bots.id', 'bot_versions.bot_id')
    .select('bots.published_version')
    .where('bot_versions.bot_id', '=', botId)
    .where('bot_versions.version', '=', version)
    .executeTakeFirst();
  if (!row) throw new StoreError('not_found', `bot "${botId}" has no version ${version}`);
  if (row.published_version !== null && version >= row.published_version) {
    throw new StoreError(
      'invalid',
      `version ${version} of bot "${botId}" is not earlier than the published version ${row.published_version}; publish it instead`,
    );
  }
}

export async function getPublished(db: Kysely<Database>, botId: string): Promise<PublishedBot | undefined> {
  const row = await db
    .selectFrom('bots')
    .innerJoin('bot_versions', (join) => join.onRef('bot_versions.bot_id', '=', 'bots.id').onRef('bot_versions.version', '=', 'bots.published_version'))
    .select(['bot_versions.version', 'bot_versions.source', 'bot_versions.format', 'bot_versions.definition'])
    .where('bots.id', '=', botId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { version: row.version, bot: parseDefinition(botId, row.version, row.definition), source: row.source, format: row.format };
}

/** `.json` files are JSON; anything else is read as YAML (the loader reads both either way). */
export function formatOfPath(path: string): BotFormat {
  return extname(path).toLowerCase() === '.json' ? 'json' : 'yaml';
}

/**
 * Loads, validates, saves and publishes a bot file (the server publishes the example bots on
 * first start). A file identical to the published version publishes nothing new. An invalid
 * file is a StoreError (`invalid`) listing its problems.
 */
export async function publishFile(
  db: Kysely<Database>,
  path: string,
): Promise<{ readonly botId: string; readonly version: number; readonly created: boolean }> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    throw new StoreError('not_found', `cannot read bot file ${path}: ${reasonOf(error)}`, { cause: error });
  }
  const { bot, problems } = loadBotText(source, path);
  if (!bot) {
    const errors = problems.filter((p) => p.severity === 'error').map((p) => formatProblem(p));
    throw new StoreError('invalid', `bot file ${path} is invalid:\n${errors.join('\n')}`);
  }
  return publishDraft(db, { source, format: formatOfPath(path), bot });
}

/**
 * Saves a validated bot file as a new version and publishes it; a file identical to the
 * published version publishes nothing new (`created` false).
 */
export async function publishDraft(
  db: Kysely<Database>,
  draft: { readonly source: string; readonly format: BotFormat; readonly bot: Bot },
): Promise<{ readonly botId: string; readonly version: number; readonly created: boolean }> {
  const { bot } = draft;
  const published = await getPublished(db, bot.id);
  if (published && published.source === draft.source) return { botId: bot.id, version: published.version, created: false };
  const { version } = await saveDraft(db, bot.id, draft);
  await publish(db, bot.id, version);
  return { botId: bot.id, version, created: true };
}
