import { InvalidArgumentError, type Command } from 'commander';
import { RECORD_COLUMNS, RECORD_KINDS, type RecordKind, type RecordOf } from '../../store/record-schemas.ts';
import { countRecords, listRecords } from '../../store/records.ts';
import { CliError } from '../errors.ts';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { withStore } from '../connectors.ts';
import { table } from '../table.ts';

interface RecordsOptions {
  db?: string;
  json?: boolean;
  search?: string;
  limit?: number;
}

export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
};

export function registerRecords(program: Command, { io }: CommandContext): void {
  withDbOption(program.command('records').description('list the records of the built-in store, newest first').argument('<kind>', RECORD_KINDS.join(' | ')))
    .option('--json', 'print a JSON array of the records with all their fields')
    .option('--search <text>', 'only records whose name, email or subject contains the text')
    .option('--limit <n>', 'at most this many records (default: all)', positiveInt)
    .action(async (kind: string, opts: RecordsOptions) => {
      if (!(RECORD_KINDS as readonly string[]).includes(kind)) {
        throw new CliError(`unknown record kind "${kind}" (expected ${RECORD_KINDS.join(', ')})`, 2);
      }
      const k = kind as RecordKind;
      await withStore(dbTarget(opts.db, io.env), async ({ db }) => {
        const search = opts.search;
        const limit = opts.limit ?? Math.max(1, await countRecords(db, k, { search }));
        const rows = await listRecords(db, k, { limit, search });
        if (opts.json) writeLine(io.stdout, JSON.stringify(rows, null, 2));
        else writeLine(io.stdout, rows.length ? render(k, rows) : `no ${kind} yet`);
      });
    });
}

/** The records as a table of the columns every list of them shows, and the id. */
export function render<K extends RecordKind>(kind: K, rows: ReadonlyArray<RecordOf<K>>): string {
  const columns: readonly string[] = [...RECORD_COLUMNS[kind], 'id'];
  return table(
    columns.map((key) => HEADERS[key] ?? key),
    (rows as ReadonlyArray<Readonly<Record<string, unknown>>>).map((row) => columns.map((key) => cell(key, row[key]))),
  );
}

/** Short headers for the terminal where the API's key is long. */
const HEADERS: Readonly<Record<string, string>> = { createdAt: 'created', closingDate: 'closing', contactId: 'contact' };

function cell(key: string, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (key === 'createdAt') return String(value).slice(0, 19).replace('T', ' ');
  // A ticket's contact: its email says who it is in one column.
  if (typeof value === 'object') return (value as { email?: string | null }).email ?? null;
  return typeof value === 'number' ? value : String(value);
}
