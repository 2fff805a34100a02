import type { Kysely } from 'kysely';
import { z } from 'zod';
import { BLOCKS } from '../../blocks/index.ts';
import type { BlockType } from '../../blocks/types.ts';
import type { Database } from '../schema.ts';
import type { Found, Section } from './holder.ts';
import { HOLDERS } from './holders.ts';
import { describeSubject, SUBJECT_KINDS, type Subject } from './subject.ts';

/**
 * Everything Renkei holds about a person: every holder's rows about them. The search reads the
 * tables a page at a time, so it never holds the database for long, however large it is.
 */
export async function findPerson(db: Kysely<Database>, subject: Subject): Promise<Found> {
  const conversations = new Set<string>();
  for (const holder of HOLDERS) {
    if (!holder.conversationsMentioning) continue;
    for (const id of await holder.conversationsMentioning(db, subject)) conversations.add(id);
  }
  const sections = new Map<string, Section>();
  const found: Found = { subject, conversations: [...conversations].sort(), sections };
  for (const holder of HOLDERS) sections.set(holder.section, await holder.collect(db, found));
  return found;
}

/** A record the person's conversations created in another service: to be erased there too. */
export const externalRecord = z
  .object({
    provider: z.string().describe("The service it was sent to: a provider's name (GET /api/v1/admin/providers) or `webhook`."),
    role: z.string().describe('`crm`, `helpdesk`, `mailing` or `webhook`.'),
    action: z.string().describe('The integration block type, e.g. `crm.lead`.'),
    outcome: z.enum(['success', 'already_exists']).describe('`already_exists`: the service had the record before; it is theirs all the same.'),
    recordId: z.string().nullable().describe("The record's id in the service (null for a webhook)."),
    number: z.string().nullable().describe("A ticket's number, when the service gave one."),
    destination: z.string().nullable().describe("A webhook's origin (scheme, host and port)."),
    conversationId: z.string(),
    effectId: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'ExternalRecord' });
export type ExternalRecord = z.infer<typeof externalRecord>;

export const subjectView = z
  .object({ kind: z.enum(SUBJECT_KINDS), value: z.string().describe("The email as compared (NFKC, lower-cased), or the phone number's digits.") })
  .meta({ id: 'PersonalDataSubject' });

export const personalDataDocument = z
  .object({
    subject: subjectView,
    generatedAt: z.string(),
    counts: z.record(z.string(), z.number().int()).describe('Rows per section of `data`.'),
    externalRecords: z.array(externalRecord),
    data: z
      .record(z.string(), z.array(z.record(z.string(), z.unknown())))
      .describe(
        'One section per table: conversations (with their variables), transcript, effects (integration calls with their requests and outcomes), ' +
          'effectAttempts, leads, contacts, deals, tickets, subscribers.',
      ),
  })
  .meta({ id: 'PersonalDataDocument' });
export type PersonalDataDocument = z.infer<typeof personalDataDocument>;

/** The export document: every section, its count, and the records to erase in other services. */
export function exportDocument(found: Found, at: Date = new Date()): PersonalDataDocument {
  const data: Record<string, Record<string, unknown>[]> = {};
  const counts: Record<string, number> = {};
  for (const holder of HOLDERS) {
    const rows = found.sections.get(holder.section)?.rows ?? [];
    data[holder.section] = [...rows];
    counts[holder.section] = rows.length;
  }
  return { subject: describeSubject(found.subject), generatedAt: at.toISOString(), counts, externalRecords: externalRecordsOf(found), data };
}

/**
 * The integration calls that succeeded against another service than the built-in store. The
 * provider is the one that served the call (its attempt log), not today's configuration.
 */
export function externalRecordsOf(found: Found): ExternalRecord[] {
  const providers = new Map<string, string>();
  for (const attempt of found.sections.get('effectAttempts')?.rows ?? []) {
    providers.set(attempt['effectId'] as string, attempt['provider'] as string);
  }
  const out: ExternalRecord[] = [];
  for (const effect of found.sections.get('effects')?.rows ?? []) {
    const outcome = effect['outcome'] as { outcome?: unknown; outputs?: Record<string, unknown> } | null;
    if (outcome?.outcome !== 'success' && outcome?.outcome !== 'already_exists') continue;
    const id = effect['id'] as string;
    const action = effect['action'] as string;
    const provider = providers.get(id) ?? 'unknown';
    if (provider === 'builtin') continue;
    const role = BLOCKS[action as BlockType]?.integration?.role ?? 'unknown';
    const outputs = outcome.outputs ?? {};
    const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
    out.push({
      provider,
      role,
      action,
      outcome: outcome.outcome,
      recordId: role === 'webhook' ? null : text(outputs['id']),
      number: text(outputs['number']),
      destination: role === 'webhook' ? originOf((effect['request'] as { url?: unknown } | null)?.url) : null,
      conversationId: effect['conversationId'] as string,
      effectId: id,
      createdAt: effect['createdAt'] as string,
    });
  }
  return out;
}

/** Only the origin: a webhook's path or query may carry the visitor's details. */
function originOf(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
