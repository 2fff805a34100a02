import { describe, expect, it } from 'vitest';
import { listAudit } from '../store/audit.ts';
import { exportDocument, findPerson, subjectOf } from '../store/personal-data/index.ts';
import { STORE_TARGETS } from '../store/test-support.ts';
import type { DurableRuntime } from './index.ts';
import { CONSENT_BOT, LEAD_BOT, TICKET_BOT } from './personal-data-fixtures.ts';
import { erasePersonNow } from './personal-data.ts';
import { harness, type Harness } from './test-support.ts';

async function talk(runtime: DurableRuntime, botId: string, answers: readonly string[]): Promise<string> {
  const started = await runtime.start(botId);
  for (const text of answers) await runtime.reply(started.conversationId, started.token, { text }, { waitMs: 5_000 });
  return started.conversationId;
}

/** A visitor who left a lead and a ticket, and another who must not be touched. */
async function twoVisitors(h: Harness): Promise<{ taro: string[]; hanako: string }> {
  await h.publishBot(LEAD_BOT);
  await h.publishBot(TICKET_BOT);
  h.runtime.startWorkers(2);
  const lead = await talk(h.runtime, 'pd-lead', ['Taro Yamada', 'Taro@Example.com', '０９０－１２３４－５６７８']);
  const ticket = await talk(h.runtime, 'pd-ticket', ['taro@example.com', '折り返しは 090 1234 5678 にお願いします']);
  const hanako = await talk(h.runtime, 'pd-lead', ['Hanako', 'hanako@example.com', '03-9999-0000']);
  return { taro: [lead, ticket], hanako };
}

const ACTOR = { actor: { kind: 'cli' as const, name: 'tester' } };

describe.each(STORE_TARGETS)('a person in Renkei (%s)', (kind) => {
  it('is found by email and by phone: their conversations, transcript, calls, log and records, and nobody else', async () => {
    const h = await harness(kind);
    const { taro, hanako } = await twoVisitors(h);

    const byEmail = exportDocument(await findPerson(h.store.db, subjectOf({ email: 'TARO@example.com' })));
    expect(byEmail.subject).toEqual({ kind: 'email', value: 'taro@example.com' });
    expect(byEmail.data['conversations']!.map((c) => c['id']).sort()).toEqual([...taro].sort());
    expect(byEmail.counts).toMatchObject({ leads: 1, tickets: 1, contacts: 0, subscribers: 0, effects: 2, effectAttempts: 2 });
    const lead = byEmail.data['conversations']!.find((c) => c['id'] === taro[0]);
    expect(lead?.['variables']).toMatchObject({ 'visitor.email': 'Taro@example.com', 'visitor.phone': '090-1234-5678' });
    expect(byEmail.data['transcript']!.some((l) => l['type'] === 'visitor' && l['text'] === '０９０－１２３４－５６７８')).toBe(true);
    expect(byEmail.data['tickets']![0]).toMatchObject({ subject: '問い合わせ taro@example.com', contact: { email: 'taro@example.com' } });
    // The built-in store is Renkei's own: nothing to erase elsewhere.
    expect(byEmail.externalRecords).toEqual([]);

    // The phone was typed full-width into one bot and in a sentence into the other.
    const byPhone = exportDocument(await findPerson(h.store.db, subjectOf({ phone: '+81 90-1234-5678' })));
    expect(byPhone.data['conversations']!.map((c) => c['id']).sort()).toEqual([...taro].sort());
    expect(byPhone.counts).toMatchObject({ leads: 1, tickets: 1 });

    const nobody = exportDocument(await findPerson(h.store.db, subjectOf({ email: 'aro@example.com' })));
    expect(Object.values(nobody.counts).every((n) => n === 0)).toBe(true);
    expect(JSON.stringify(byEmail)).not.toContain('hanako');
    expect(hanako).not.toBe(taro[0]);
  });

  it('shows the consent they gave: the answer and its time, the notice with its link, and the button pressed', async () => {
    const h = await harness(kind);
    await h.publishBot(CONSENT_BOT);
    const started = await h.runtime.start('pd-consent');
    expect(started.input).toMatchObject({
      kind: 'choice',
      options: [
        { label: 'I agree', value: 'yes' },
        { label: 'I do not agree', value: 'no' },
      ],
    });
    const before = Date.now();
    await h.runtime.reply(started.conversationId, started.token, { choice: 'yes' }, { waitMs: 5_000 });
    await h.runtime.reply(started.conversationId, started.token, { text: 'jiro@example.com' }, { waitMs: 5_000 });

    const found = exportDocument(await findPerson(h.store.db, subjectOf({ email: 'jiro@example.com' })));
    const variables = found.data['conversations']![0]!['variables'] as Record<string, string>;
    expect(variables['consent']).toBe('yes');
    expect(Date.parse(variables['consent_at']!)).toBeGreaterThanOrEqual(before - 1_000);
    expect(variables['consent_at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const transcript = found.data['transcript']!;
    expect(transcript).toContainEqual(
      expect.objectContaining({
        type: 'message',
        message: { text: 'We keep your email to answer you.', link: { url: 'https://example.com/privacy', label: 'Privacy policy' } },
      }),
    );
    expect(transcript).toContainEqual(expect.objectContaining({ type: 'visitor', text: 'I agree' }));
  });

  it('is erased in one go: nothing of them is left, the others and the counts stay, and the audit log says so without saying whom', async () => {
    const h = await harness(kind);
    const { taro, hanako } = await twoVisitors(h);
    const count = async (table: 'conversations' | 'effects' | 'effect_attempts'): Promise<number> =>
      Number(
        (
          await h.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = { conversations: await count('conversations'), effects: await count('effects'), attempts: await count('effect_attempts') };

    const erased = await erasePersonNow(h.store, subjectOf({ phone: '090-1234-5678' }), ACTOR);
    expect(erased.removed).toMatchObject({ conversations: 2, effects: 2, effectAttempts: 2, leads: 1, tickets: 1 });
    expect(erased.removed['transcript']).toBeGreaterThan(6);
    expect(erased.filesScrubbed).toBe(true);

    for (const subject of [subjectOf({ email: 'taro@example.com' }), subjectOf({ phone: '09012345678' })]) {
      const after = exportDocument(await findPerson(h.store.db, subject));
      expect(after.counts).toMatchObject({ conversations: 0, transcript: 0, leads: 0, tickets: 0 });
    }
    // Analytics count conversations and the ports their calls took: the rows stay, empty.
    expect({ conversations: await count('conversations'), effects: await count('effects'), attempts: await count('effect_attempts') }).toEqual(before);
    const rows = await h.store.db.selectFrom('conversations').selectAll().where('id', 'in', taro).execute();
    for (const row of rows) {
      expect(row.status).toBe('ended');
      expect(JSON.parse(row.state)).toMatchObject({ vars: {}, status: 'ended', reason: 'erased' });
      const events = await h.store.db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', row.id).execute();
      expect(events.map((e) => [e.type, JSON.parse(e.payload)])).toEqual([['status', { status: 'ended', reason: 'erased' }]]);
    }
    const effects = await h.store.db.selectFrom('effects').select(['request', 'outcome']).where('conversation_id', 'in', taro).execute();
    expect(effects.map((e) => [e.request, JSON.parse(e.outcome!)])).toEqual([
      ['{}', { outcome: 'success', outputs: {} }],
      ['{}', { outcome: 'success', outputs: {} }],
    ]);

    const kept = exportDocument(await findPerson(h.store.db, subjectOf({ email: 'hanako@example.com' })));
    expect(kept.data['conversations']!.map((c) => c['id'])).toEqual([hanako]);
    expect(kept.counts).toMatchObject({ leads: 1 });

    const audit = await listAudit(h.store.db);
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ action: 'personal_data.erase', actor: { kind: 'cli', name: 'tester' }, details: { by: 'phone' } });
    expect(JSON.stringify(audit.items)).not.toMatch(/taro|1234|5678/i);
  });

  it('cancels a call still waiting in the outbox, so the details it carried go nowhere', async () => {
    const h = await harness(kind);
    await h.publishBot(LEAD_BOT);
    // No worker runs: the lead waits in the outbox.
    const started = await h.runtime.start('pd-lead');
    for (const text of ['Jiro', 'jiro@example.com', '080-5555-6666']) {
      await h.runtime.reply(started.conversationId, started.token, { text }, { waitMs: 0 });
    }
    const erased = await erasePersonNow(h.store, subjectOf({ email: 'jiro@example.com' }), ACTOR);
    expect(erased.removed).toMatchObject({ conversations: 1, effects: 1 });
    h.runtime.startWorkers(1);
    await h.runtime.drain();
    const effect = await h.store.db.selectFrom('effects').selectAll().executeTakeFirstOrThrow();
    expect(effect.status).toBe('done');
    expect(JSON.parse(effect.outcome!)).toMatchObject({ outcome: 'failure', retryable: false });
    expect(await h.store.db.selectFrom('leads').selectAll().execute()).toEqual([]);
    expect(await h.store.db.selectFrom('effect_attempts').selectAll().execute()).toEqual([]);
  });
});
