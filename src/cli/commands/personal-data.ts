import type { Command } from 'commander';
import { erasePersonNow } from '../../runtime/personal-data.ts';
import { recordAudit } from '../../store/audit.ts';
import { cliActor } from '../actor.ts';
import {
  exportDocument,
  findPerson,
  subjectOf,
  SubjectError,
  type ExternalRecord,
  type PersonalDataDocument,
  type Subject,
} from '../../store/personal-data/index.ts';
import { withStore } from '../connectors.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { CliError } from '../errors.ts';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { table } from '../table.ts';

interface PersonOptions {
  db?: string;
  email?: string;
  phone?: string;
  json?: boolean;
}

/** The person the options name; a mistake names the flag. */
function subjectFrom(opts: PersonOptions): Subject {
  try {
    return subjectOf({ email: opts.email, phone: opts.phone });
  } catch (error) {
    if (!(error instanceof SubjectError)) throw error;
    const both = opts.email?.trim() && opts.phone?.trim();
    const message =
      error.field !== 'query'
        ? `--${error.field}: ${error.message.replace(/^\w+ /, '')}`
        : both
          ? 'give --email or --phone, not both'
          : 'give the person: --email <address> or --phone <number>';
    throw new CliError(message, 2);
  }
}

const personOptions = (cmd: Command): Command =>
  withDbOption(cmd)
    .option('--email <address>', 'the email address the visitor gave (compared case- and width-insensitively)')
    .option('--phone <number>', 'the phone number the visitor gave (compared by its digits: 090-1234-5678 = ０９０１２３４５６７８ = +81 90 1234 5678)');

export function registerPersonalData(program: Command, { io }: CommandContext): void {
  const group = program
    .command('personal-data')
    .description('find, export or erase everything Renkei holds about a person, by email or phone (APPI, GDPR); each is recorded in the audit log');

  personOptions(
    group.command('find').description('what Renkei holds about the person: how many rows where, their conversations, and records made in other services'),
  )
    .option('--json', 'print the summary as JSON')
    .action(async (opts: PersonOptions) => {
      const subject = subjectFrom(opts);
      await withStore(dbTarget(opts.db, io.env), async (store) => {
        const document = exportDocument(await findPerson(store.db, subject));
        await recordAudit(store.db, {
          actor: cliActor(),
          action: 'personal_data.find',
          target: `person:${subject.kind}`,
          details: { by: subject.kind, counts: document.counts },
        });
        if (opts.json) {
          const { data, ...summary } = document;
          writeLine(io.stdout, JSON.stringify({ ...summary, conversations: data['conversations'] ?? [] }, null, 2));
        } else {
          writeLine(io.stdout, summaryText(document));
        }
      });
    });

  personOptions(group.command('export').description('print everything Renkei holds about the person as one JSON document')).action(
    async (opts: PersonOptions) => {
      const subject = subjectFrom(opts);
      await withStore(dbTarget(opts.db, io.env), async (store) => {
        const document = exportDocument(await findPerson(store.db, subject));
        await recordAudit(store.db, {
          actor: cliActor(),
          action: 'personal_data.export',
          target: `person:${subject.kind}`,
          details: { by: subject.kind, counts: document.counts },
        });
        writeLine(io.stdout, JSON.stringify(document, null, 2));
      });
    },
  );

  personOptions(
    group
      .command('erase')
      .description(
        'erase everything Renkei holds about the person, in one transaction (conversations are emptied, transcripts and built-in records ' +
          'deleted; analytics keep their counts); prints what it removed and the records to erase in other services',
      ),
  )
    .option('--json', 'print what was removed as JSON')
    .action(async (opts: PersonOptions) => {
      const subject = subjectFrom(opts);
      await withStore(dbTarget(opts.db, io.env), async (store) => {
        const { filesScrubbed, ...erased } = await erasePersonNow(store, subject, { actor: cliActor() });
        if (opts.json) {
          writeLine(io.stdout, JSON.stringify(erased, null, 2));
        } else {
          const removed = Object.entries(erased.removed).filter(([, n]) => n > 0);
          writeLine(io.stdout, removed.length === 0 ? 'nothing held about them: nothing erased' : `erased: ${removed.map(([k, n]) => `${k} ${n}`).join(', ')}`);
          if (erased.externalRecords.length > 0) writeLine(io.stdout, `\nerase these in the services too:\n${externalTable(erased.externalRecords)}`);
        }
        if (!filesScrubbed) {
          writeLine(
            io.stderr,
            'renkei: the write-ahead log could not be emptied (another process is reading the database); SQLite empties it at its next checkpoint',
          );
        }
      });
    });
}

function summaryText(document: PersonalDataDocument): string {
  const counts = Object.entries(document.counts).filter(([, n]) => n > 0);
  if (counts.length === 0) return `nothing held about ${document.subject.kind} ${document.subject.value}`;
  const lines = [`held about ${document.subject.kind} ${document.subject.value}: ${counts.map(([k, n]) => `${k} ${n}`).join(', ')}`];
  const conversations = document.data['conversations'] ?? [];
  if (conversations.length > 0) {
    lines.push(
      '',
      table(
        ['conversation', 'bot', 'status', 'last active'],
        conversations.map((c) => [String(c['id']), String(c['botId']), String(c['status']), String(c['updatedAt']).slice(0, 19).replace('T', ' ')]),
      ),
    );
  }
  if (document.externalRecords.length > 0) lines.push('', 'made in other services:', externalTable(document.externalRecords));
  return lines.join('\n');
}

function externalTable(records: readonly ExternalRecord[]): string {
  return table(
    ['provider', 'role', 'block', 'record', 'number', 'destination'],
    records.map((r) => [r.provider, r.role, r.action, r.recordId, r.number, r.destination]),
  );
}
