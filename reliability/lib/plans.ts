/**
 * What each scripted visitor says to which example bot, and what must come of it: the record it
 * creates in Zoho and the message its integration block's success port shows.
 */

export type BotId = 'lead' | 'deal' | 'support' | 'newsletter';
export const BOTS: readonly BotId[] = ['lead', 'deal', 'support', 'newsletter'];

export interface Person {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

export interface Plan {
  readonly index: number;
  readonly bot: BotId;
  readonly person: Person;
  /** Typed answers, in order, up to and including the one that triggers the integration block. */
  readonly answers: readonly string[];
}

/** `tag` keeps runs and scenarios apart in one fake Zoho; visitor i talks to BOTS[i % 4]. */
export function planFor(index: number, tag: string): Plan {
  const bot = BOTS[index % BOTS.length]!;
  const person: Person = {
    name: `Rel ${tag} Visitor ${index}`,
    email: `rel-${tag}-${index}@example.com`,
    phone: `080-${String(2000 + (index % 8000)).padStart(4, '0')}-${String(index % 10_000).padStart(4, '0')}`,
  };
  const answers: Record<BotId, string[]> = {
    lead: [person.name, person.email, person.phone, `Company ${tag} ${index}`],
    deal: [person.name, person.email, `${12_000 + index}`, '2026-12-31'],
    support: [person.name, person.email, `Printer ${index} is broken`, ['低', '中', '高'][index % 3]!],
    newsletter: [person.name, person.email],
  };
  return { index, bot, person, answers: answers[bot] };
}

/** The final message's beginning on each port a conversation may legitimately end on. */
export const SUCCESS_TEXT: Readonly<Record<BotId, readonly string[]>> = {
  // already_exists is a success for a lead: the CRM holds the visitor, and the bot says so.
  lead: ['Thank you, ', 'Welcome back, '],
  deal: ['Thanks '],
  support: ['お問い合わせを受け付けました。'],
  newsletter: ['Done, '],
};
