import { InvalidArgumentError, type Command } from 'commander';
import { RECORD_KINDS, type RecordKind, type RecordOf } from '../../store/record-schemas.ts';
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
  withDbOption(
    program
      .command('records')
      .description('list the records of the built-in store, newest first')
      .argument('<kind>', RECORD_KINDS.join(' | ')),
  )
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

function render<K extends RecordKind>(kind: K, rows: ReadonlyArray<RecordOf<K>>): string {
  const r = rows as ReadonlyArray<Record<string, unknown>>;
  const cols = COLUMNS[kind];
  return table(
    cols.map(([title]) => title),
    r.map((row) => cols.map(([, get]) => get(row))),
  );
}

type Column = readonly [string, (row: Record<string, unknown>) => string | number | null];
const field =
  (key: string) =>
  (row: Record<string, unknown>): string | number | null => {
    const v = row[key];
    return v === null || v === undefined ? null : typeof v === 'number' ? v : String(v);
  };
const created: Column = ['created', (row) => String(row['createdAt']).slice(0, 19).replace('T', ' ')];
const person: readonly Column[] = [
  ['name', field('name')],
  ['email', field('email')],
  ['phone', field('phone')],
  ['company', field('company')],
  ['source', field('source')],
  created,
  ['id', field('id')],
];

const COLUMNS: Record<RecordKind, readonly Column[]> = {
  leads: person,
  contacts: person,
  deals: [
    ['name', field('name')],
    ['stage', field('stage')],
    ['closing', field('closingDate')],
    ['amount', field('amount')],
    ['contact', field('contactId')],
    created,
    ['id', field('id')],
  ],
  tickets: [
    ['number', field('number')],
    ['subject', field('subject')],
    ['status', field('status')],
    ['priority', field('priority')],
    ['department', field('department')],
    ['assignee', field('assignee')],
    ['contact', (row) => (row['contact'] as { email?: string | null } | null)?.email ?? null],
    created,
  ],
  subscribers: [
    ['list', field('list')],
    ['name', field('name')],
    ['email', field('email')],
    ['phone', field('phone')],
    created,
  ],
};
