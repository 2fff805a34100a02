import { describe, expect, it } from 'vitest';
import { STORE_TARGETS } from '../store/test-support.ts';
import { getConversationAdmin, listConversations, listEffectAttempts, outboxStats } from './admin.ts';
import { BOTS, harness } from './test-support.ts';

describe.each(STORE_TARGETS)('admin reads on %s', (kind) => {
  it('lists conversations, shows one with its transcript and effects, and never its token', async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.lead);
    await h.publishBot(BOTS.survey());
    const lead = await h.runtime.start('quick-lead');
    const survey = await h.runtime.start('survey');
    await h.runtime.reply(lead.conversationId, lead.token, { text: 'admin@example.com' }, { waitMs: 0 });

    expect((await listConversations(h.store.db)).map((c) => c.id).sort()).toEqual([lead.conversationId, survey.conversationId].sort());
    expect((await listConversations(h.store.db, { status: 'working' })).map((c) => c.id)).toEqual([lead.conversationId]);
    expect((await listConversations(h.store.db, { botId: 'survey' })).map((c) => c.id)).toEqual([survey.conversationId]);
    expect(await listConversations(h.store.db, { limit: 1, offset: 1 })).toHaveLength(1);
    expect(await listConversations(h.store.db, { botId: 'nobody' })).toEqual([]);

    expect(await outboxStats(h.store.db, new Date(Date.now() + 5_000))).toMatchObject({ pending: 1, running: 0 });
    expect((await outboxStats(h.store.db, new Date(Date.now() + 5_000))).oldestPendingAgeMs).toBeGreaterThanOrEqual(5_000);

    await h.runtime.drain();
    expect(await outboxStats(h.store.db)).toEqual({ pending: 0, running: 0, oldestPendingAgeMs: 0 });

    const detail = await getConversationAdmin(h.store.db, lead.conversationId);
    expect(detail).toMatchObject({
      id: lead.conversationId,
      botId: 'quick-lead',
      botVersion: 1,
      status: 'ended',
      input: null,
      state: { status: 'ended', vars: { 'visitor.email': 'admin@example.com' } },
      effects: [{ blockId: 'create', action: 'crm.lead', status: 'done', attempts: 1, outcome: { outcome: 'success' } }],
    });
    expect(detail!.transcript.some((e) => e.type === 'visitor' && e.text === 'admin@example.com')).toBe(true);
    const json = JSON.stringify(detail);
    expect(json).not.toContain(lead.token);
    expect(json).not.toMatch(/token/i);
    expect(await getConversationAdmin(h.store.db, 'missing')).toBeUndefined();

    const log = await listEffectAttempts(h.store.db, { botId: 'quick-lead' });
    expect(log).toMatchObject([{ conversationId: lead.conversationId, blockId: 'create', provider: 'builtin', attempt: 1, outcome: 'success', message: null }]);
    expect(log[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(await listEffectAttempts(h.store.db, { botId: 'survey' })).toEqual([]);
  });

  it('logs the service message of a failed call and the provider that served it', async () => {
    const h = await harness(kind);
    await h.publishBot(BOTS.lead);
    await h.store.db.updateTable('integrations').set({ enabled: 0 }).where('role', '=', 'crm').execute();
    const c = await h.runtime.start('quick-lead');
    await h.runtime.reply(c.conversationId, c.token, { text: 'off@example.com' }, { waitMs: 0 });
    await h.runtime.drain();
    const [attempt] = await listEffectAttempts(h.store.db, { conversationId: c.conversationId });
    expect(attempt).toMatchObject({ outcome: 'integration_invalid', provider: 'builtin', message: 'the crm integration is disabled' });
    expect((await h.runtime.transcript(c.conversationId, c.token)).status).toBe('handoff');
  });
});
