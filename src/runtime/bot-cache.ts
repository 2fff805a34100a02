import type { Kysely } from 'kysely';
import type { Bot } from '../flow/bot-schema.ts';
import { parseDefinition } from '../store/bots.ts';
import type { Database } from '../store/schema.ts';

/**
 * Bot versions by (id, version). A version never changes once saved, so caching it is safe in
 * every process; only which version is published is read from the database each time.
 */
export class BotCache {
  readonly #db: Kysely<Database>;
  readonly #versions = new Map<string, Promise<Bot | undefined>>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The version new conversations get, or undefined when the bot is not published. */
  async published(botId: string): Promise<{ readonly version: number; readonly bot: Bot } | undefined> {
    const row = await this.#db.selectFrom('bots').select('published_version').where('id', '=', botId).executeTakeFirst();
    const version = row?.published_version;
    if (version === null || version === undefined) return undefined;
    const bot = await this.version(botId, version);
    return bot && { version, bot };
  }

  version(botId: string, version: number): Promise<Bot | undefined> {
    const key = `${botId}\u0000${version}`;
    let loading = this.#versions.get(key);
    if (!loading) {
      loading = this.#load(botId, version);
      this.#versions.set(key, loading);
      // A failed read is not remembered: the next call tries again.
      loading.then(
        (bot) => bot ?? this.#versions.delete(key),
        () => this.#versions.delete(key),
      );
    }
    return loading;
  }

  async #load(botId: string, version: number): Promise<Bot | undefined> {
    const row = await this.#db.selectFrom('bot_versions').select('definition').where('bot_id', '=', botId).where('version', '=', version).executeTakeFirst();
    return row && parseDefinition(botId, version, row.definition);
  }
}
