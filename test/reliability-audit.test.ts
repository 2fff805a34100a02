import { afterEach, describe, expect, it } from 'vitest';
import type { Transcript, VisitorStatus } from '../src/runtime/api.ts';
import { audit, deservesSuccess } from '../reliability/lib/audit.ts';
import type { Settled } from '../reliability/lib/driver.ts';
import { planFor, type Plan } from '../reliability/lib/plans.ts';
import { providerFakes, type RunningProviderFake } from './helpers/provider-fake.ts';

/**
 * The reliability suite's audit (`npm run reliability`) reads each provider's fake in the blocks'
 * words: on every provider, a record made twice is a duplicate, a missing one is lost, and a
 * conversation that is still working or ended on another port is counted so.
 */
const FAKES = await providerFakes();

function settledAs(plan: Plan, status: VisitorStatus, lastText: string): Settled<Plan> {
  const at = '2026-12-07T00:00:00.000Z';
  const transcript: Transcript = {
    conversationId: `conv-${plan.index}`,
    botId: plan.bot,
    botVersion: 1,
    status,
    input: null,
    events: [
      { seq: 1, at, type: 'visitor', text: plan.answers[0]! },
      { seq: 2, at, type: 'message', message: { text: lastText } },
    ],
  };
  return { conversation: { plan, id: transcript.conversationId, token: 'token' }, transcript };
}

describe.each(FAKES.map((f) => [f.provider, f] as const))('the reliability audit on %s', (_provider, target) => {
  let fake: RunningProviderFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('counts a record made twice as a duplicate, a missing one as lost, a working conversation as stuck, another port as wrong', async () => {
    fake = await target.start({ seed: 3 });
    // planFor(i): visitor i talks to the lead, deal, support and newsletter bots in turn; 1 and 5 are deal visitors.
    const twice = planFor(1, 'audit');
    const missing = planFor(5, 'audit');
    const stuck = planFor(9, 'audit');
    expect([twice.bot, missing.bot, stuck.bot]).toEqual(['deal', 'deal', 'deal']);
    fake.addContact({ name: twice.person.name, email: twice.person.email });
    fake.addContact({ name: twice.person.name, email: twice.person.email.toUpperCase() });
    fake.addContact({ name: stuck.person.name, email: stuck.person.email });

    const a = audit(fake.records, [
      settledAs(twice, 'ended', 'Thanks for your request'),
      settledAs(missing, 'ended', 'Sorry, something went wrong'),
      settledAs(stuck, 'working', ''),
    ]);
    // Contacts only: no deal was made for any of them, so all three are lost as well.
    expect(a).toMatchObject({ conversations: 3, records: 3, lost: 3, duplicates: 1, stuck: 1, wrongPort: 1 });
    expect(a.samples.join('\n')).toContain(`visitor 1 (deal, conversation conv-1): records [2,0]`);
  });

  it('a case that deserves no record (its integration invalid): clean when there is none, a record made anyway is counted', async () => {
    fake = await target.start({ seed: 3 });
    const [clean, made] = [planFor(1, 'audit'), planFor(5, 'audit')];
    fake.addContact({ name: made.person.name, email: made.person.email });
    const offline = (p: Plan) => ({ ...deservesSuccess(p), texts: ['Offline'], records: false });
    const a = audit(fake.records, [settledAs(clean, 'ended', 'Offline now'), settledAs(made, 'ended', 'Offline now')], offline);
    expect(a).toMatchObject({ conversations: 2, records: 1, lost: 0, duplicates: 1, stuck: 0, wrongPort: 0 });
  });
});
