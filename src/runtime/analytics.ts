import { sql, type RawBuilder } from 'kysely';
import { definitionOf } from '../blocks/index.ts';
import type { Bot } from '../flow/bot-schema.ts';
import type { Outcome, OutcomeName } from '../vocabulary/outcome.ts';
import { parseDefinition } from '../store/bots.ts';
import type { Store, StoreDialect } from '../store/store.ts';

export interface PortCount {
  readonly port: string;
  readonly conversations: number;
}

export interface BlockAnalytics {
  readonly block: string;
  readonly type: string;
  /** Each port taken at least once, most taken first. */
  readonly ports: PortCount[];
}

export interface BotAnalytics {
  readonly botId: string;
  /** Conversations of the bot, all versions. */
  readonly conversations: number;
  readonly blocks: BlockAnalytics[];
}

/** The outcome's name inside the JSON an effect is settled with. */
const outcomeName = (dialect: StoreDialect): RawBuilder<string | null> =>
  dialect === 'postgres' ? sql<string | null>`(effects.outcome::jsonb ->> 'outcome')` : sql<string | null>`json_extract(effects.outcome, '$.outcome')`;

interface Taken {
  readonly version: number;
  readonly block: string;
  readonly outcome: string;
}

/**
 * Per integration block and port, how many conversations took it — the port each finished call's
 * outcome took, worked out from the version of the bot the conversation ran, exactly as the engine
 * settled it (an unwired specific port is `failure`). Counted in the database: what is read is
 * bounded by versions × integration blocks × outcomes, never by the number of calls. Null when
 * there is no such bot.
 */
export async function botAnalytics(store: Store, botId: string): Promise<BotAnalytics | null> {
  const { db, dialect } = store;
  const known = await db.selectFrom('bots').select('id').where('id', '=', botId).executeTakeFirst();
  if (!known) return null;

  const [{ count } = { count: 0 }] = await db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('bot_id', '=', botId)
    .execute();

  // 1. Which outcomes each block of each version came to (one row per combination).
  const combos: Taken[] = (
    await db
      .selectFrom('effects')
      .select(['bot_version as version', 'block_id as block', outcomeName(dialect).as('outcome')])
      .where('bot_id', '=', botId)
      .where('status', '=', 'done')
      .groupBy(['bot_version', 'block_id', outcomeName(dialect)])
      .execute()
  ).flatMap((r) => (r.outcome === null ? [] : [{ version: Number(r.version), block: r.block, outcome: r.outcome }]));
  if (combos.length === 0) return { botId, conversations: Number(count), blocks: [] };

  // 2. The port each combination takes, from the versions that ran.
  const versions = await definitions(store, botId, [...new Set(combos.map((c) => c.version))]);
  const types = new Map<string, string>();
  const ports: (Taken & { port: string })[] = [];
  for (const combo of combos.sort((a, b) => b.version - a.version)) {
    const config = versions.get(combo.version)?.blocks[combo.block];
    const settle = config && definitionOf(config).settle;
    if (!config || !settle) continue;
    // Only the outcome's name decides the port; the rest of an Outcome is not read by `settle`'s port.
    const { port } = settle(config, { outcome: combo.outcome as OutcomeName, message: '' } as Outcome);
    ports.push({ ...combo, port });
    if (!types.has(combo.block)) types.set(combo.block, config.type);
  }
  if (ports.length === 0) return { botId, conversations: Number(count), blocks: [] };

  // 3. Distinct conversations per block and port, counted by the database with the ports of step 2.
  const branches = ports.map(
    (p) => sql`when effects.bot_version = ${sql.lit(p.version)} and effects.block_id = ${p.block} and ${outcomeName(dialect)} = ${p.outcome} then ${p.port}`,
  );
  const port = sql<string | null>`case ${sql.join(branches, sql` `)} else null end`;
  const rows = await db
    .selectFrom('effects')
    .select((eb) => ['block_id as block', port.as('port'), eb.fn.count<number | string>('conversation_id').distinct().as('conversations')])
    .where('bot_id', '=', botId)
    .where('status', '=', 'done')
    // By position: the port's expression is written once, with its parameters.
    .groupBy([sql.raw('1'), sql.raw('2')])
    .execute();

  const byBlock = new Map<string, PortCount[]>();
  for (const r of rows) {
    if (r.port === null) continue;
    byBlock.set(r.block, [...(byBlock.get(r.block) ?? []), { port: r.port, conversations: Number(r.conversations) }]);
  }
  const blocks = [...byBlock.entries()]
    .map(([block, counts]) => ({
      block,
      type: types.get(block) ?? '',
      ports: counts.sort((a, b) => b.conversations - a.conversations || a.port.localeCompare(b.port)),
    }))
    .sort((a, b) => a.block.localeCompare(b.block));
  return { botId, conversations: Number(count), blocks };
}

async function definitions(store: Store, botId: string, versions: readonly number[]): Promise<Map<number, Bot>> {
  const rows = await store.db
    .selectFrom('bot_versions')
    .select(['version', 'definition'])
    .where('bot_id', '=', botId)
    .where('version', 'in', versions)
    .execute();
  return new Map(rows.map((r) => [Number(r.version), parseDefinition(botId, Number(r.version), r.definition)]));
}
