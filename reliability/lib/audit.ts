import type { RunningProviderFake } from '../../test/helpers/provider-fake.ts';
import type { Settled } from './driver.ts';
import { SUCCESS_TEXT, type BotId, type Plan } from './plans.ts';

/**
 * Counts, for scripted conversations that have settled, what the business would notice: records
 * missing or created twice in the service (read on its fake, in the blocks' words, so one count
 * holds for every provider), conversations that never got past their integration block,
 * and conversations that ended on a port their case did not deserve.
 */

export interface Audit {
  conversations: number;
  /** Records in the service that the conversations should have made. */
  records: number;
  /** Conversations whose record(s) are missing although their case deserves them. */
  lost: number;
  /** Records beyond the one each conversation deserves. */
  duplicates: number;
  /** Conversations still working (or waiting) when the bounded wait ended. */
  stuck: number;
  wrongPort: number;
  /** A few examples of what went wrong, for the report. */
  samples: string[];
}

export interface Expectation {
  /** The final message's accepted beginnings. */
  readonly texts: readonly string[];
  /** Whether the case deserves records (false: the role's integration is invalid). */
  readonly records: boolean;
}

/** Default: every case deserves its records and a success message. */
export const deservesSuccess = (plan: Plan): Expectation => ({ texts: SUCCESS_TEXT[plan.bot], records: true });

type Records = RunningProviderFake['records'];

/** How many records carry each key, counted once for the whole audit. */
function tally<T>(items: readonly T[], key: (item: T) => string): (k: string) => number {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return (k) => counts.get(k) ?? 0;
}

/** Each bot's records of one plan, in the order the bot makes them. */
function recordCounter(records: Records): (plan: Plan) => number[] {
  const email = (p: { email: string }) => p.email.toLowerCase();
  const leads = tally(records.leads(), email);
  const contacts = tally(records.contacts(), email);
  const deals = tally(records.deals(), (d) => d.name);
  const tickets = tally(records.tickets(), (t) => t.subject);
  const subscribers = tally(records.subscribers(), email);
  return (plan) => {
    const e = plan.person.email.toLowerCase();
    const { name } = plan.person;
    const byBot: Record<BotId, () => number[]> = {
      lead: () => [leads(e)],
      deal: () => [contacts(e), deals(`Chat quote: ${name}`)],
      support: () => [tickets(`チャットからの問い合わせ: ${name}`)],
      newsletter: () => [subscribers(e)],
    };
    return byBot[plan.bot]();
  };
}

export function audit(records: Records, settled: readonly Settled<Plan>[], expect: (plan: Plan) => Expectation = deservesSuccess): Audit {
  const a: Audit = { conversations: settled.length, records: 0, lost: 0, duplicates: 0, stuck: 0, wrongPort: 0, samples: [] };
  const note = (what: string): void => void (a.samples.length < 10 && a.samples.push(what));
  const recordCounts = recordCounter(records);
  for (const { conversation, transcript } of settled) {
    const { plan } = conversation;
    const wanted = expect(plan);
    const counts = recordCounts(plan);
    a.records += counts.reduce((x, y) => x + y, 0);
    const who = `visitor ${plan.index} (${plan.bot}, conversation ${conversation.id})`;
    if (wanted.records && counts.some((n) => n === 0)) {
      a.lost++;
      note(`${who}: records ${JSON.stringify(counts)}, expected one each`);
    }
    if (!wanted.records && counts.some((n) => n > 0)) note(`${who}: records ${JSON.stringify(counts)} although its integration is invalid`);
    const extra = counts.reduce((x, n) => x + Math.max(0, n - (wanted.records ? 1 : 0)), 0);
    if (extra > 0) {
      a.duplicates += extra;
      note(`${who}: records ${JSON.stringify(counts)}`);
    }
    if (transcript.status === 'working' || transcript.status === 'waiting_input') {
      a.stuck++;
      note(`${who}: still ${transcript.status}`);
      continue;
    }
    const last = transcript.events.flatMap((e) => (e.type === 'message' ? [e.message.text] : [])).at(-1) ?? '';
    if (!wanted.texts.some((t) => last.startsWith(t))) {
      a.wrongPort++;
      note(`${who}: ended (${transcript.status}) with "${last}"`);
    }
  }
  return a;
}
