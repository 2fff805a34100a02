import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { hashToken, newToken } from '../runtime/tokens.ts';
import { ConfigError } from './config.ts';

/** The shortest admin token one may choose: a short one is guessed, however few tries an address gets. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** The `settings` key of the generated admin token's sha-256. */
export const ADMIN_TOKEN_SETTING = 'admin_token_sha256';

export interface AdminToken {
  /** sha-256 (hex) of the token the admin API accepts. */
  readonly hash: string;
  /** The token, only when this call generated it: print it once, it is never shown again. */
  readonly generated: string | null;
  readonly source: 'env' | 'generated' | 'stored';
}

/**
 * The admin API's token: `RENKEI_ADMIN_TOKEN` when set (used as is, never stored or printed; a
 * ConfigError when shorter than MIN_ADMIN_TOKEN_LENGTH); otherwise the one generated on the first start, of which only the hash is kept. Two processes
 * starting at once agree: the first insert wins, and the loser reads the winner's hash.
 */
export async function resolveAdminToken(db: Kysely<Database>, env: Readonly<Record<string, string | undefined>>): Promise<AdminToken> {
  const fromEnv = env['RENKEI_ADMIN_TOKEN']?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_ADMIN_TOKEN_LENGTH) {
      throw new ConfigError(
        `RENKEI_ADMIN_TOKEN is ${fromEnv.length} characters long; an admin token must have at least ${MIN_ADMIN_TOKEN_LENGTH} ` +
          '(make a random one with `openssl rand -base64 32`, or unset it to have one generated)',
      );
    }
    return { hash: hashToken(fromEnv), generated: null, source: 'env' };
  }
  const stored = await readHash(db);
  if (stored !== undefined) return { hash: stored, generated: null, source: 'stored' };
  const token = newToken();
  const hash = hashToken(token);
  await db
    .insertInto('settings')
    .values({ key: ADMIN_TOKEN_SETTING, value: hash })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const winner = await readHash(db);
  return winner === hash ? { hash, generated: token, source: 'generated' } : { hash: winner ?? hash, generated: null, source: 'stored' };
}

async function readHash(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', ADMIN_TOKEN_SETTING).executeTakeFirst();
  return row?.value;
}
