import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { Exposure } from './lib/fleet.ts';

/**
 * Scans what the scenarios left — SQLite files (with their -wal), PostgreSQL schemas, every log
 * line of every server process — for the configured Zoho client secrets and refresh tokens, admin
 * and visitor tokens (never in plain text anywhere), and visitors' emails and phones (never in a
 * log; the built-in store's record tables hold them by design, so they are not looked for there).
 */

export interface SecretScan {
  /** Places × values scanned. */
  readonly places: number;
  readonly values: number;
  readonly leaks: string[];
}

/** Every row of every table of a schema, as text. */
async function schemaText(url: string, schema: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [schema]);
    const parts: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query<{ t: string }>(
        `select row_to_json(x)::text as t from ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table_name)} x`,
      );
      for (const r of rows.rows) parts.push(r.t);
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}

/** `pgUrl`: the server the schemas live on. */
export async function scanSecrets(exposure: Exposure, pgUrl: string): Promise<SecretScan> {
  const leaks: string[] = [];
  const secrets = [...new Set(exposure.secrets.filter((s) => s.length >= 8))];
  const personal = [...new Set(exposure.personal.filter((s) => s.length >= 6))];
  const look = (where: string, text: string, values: readonly string[], what: string): void => {
    for (const v of values) if (text.includes(v)) leaks.push(`${what} ${v.slice(0, 6)}… in ${where}`);
  };
  let places = 0;
  for (const file of exposure.files) {
    if (!existsSync(file)) continue;
    places++;
    // latin1 keeps every byte as one character: a UTF-8 secret appears as its bytes would.
    look(file, readFileSync(file).toString('latin1'), secrets, 'secret');
  }
  for (const schema of exposure.pgSchemas) {
    places++;
    look(`schema ${schema}`, await schemaText(pgUrl, schema), secrets, 'secret');
  }
  for (const [i, log] of exposure.logs.entries()) {
    places++;
    look(`log of server ${i + 1}`, log, secrets, 'secret');
    look(`log of server ${i + 1}`, log, personal, 'visitor detail');
  }
  return { places, values: secrets.length + personal.length, leaks };
}
