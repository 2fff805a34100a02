import { describe, expect, it } from 'vitest';
import { loadBotText } from '../flow/index.ts';
import type { Bot } from '../flow/bot-schema.ts';
import { saveDraft } from '../store/bots.ts';
import type { Store } from '../store/store.ts';
import { STORE_TARGETS, tempStore } from '../store/test-support.ts';
import { botAnalytics } from './analytics.ts';

const bot = (departmentPort: string): Bot => {
  const loaded = loadBotText(
    `renkei: 1
id: desk
name: Desk
start: open
blocks:
  open:
    type: helpdesk.ticket
    subject: Help
    ports: { success: done, failure: done${departmentPort} }
  done:
    type: end
`,
    'desk.yaml',
  );
  if (!loaded.bot) throw new Error(JSON.stringify(loaded.problems));
  return loaded.bot;
};

const NOW = '2026-12-01T00:00:00.000Z';

async function conversation(store: Store, id: string, version: number): Promise<void> {
  await store.db
    .insertInto('conversations')
    .values({
      id,
      bot_id: 'desk',
      bot_version: version,
      token_hash: id,
      state: '{}',
      status: 'ended',
      row_version: 1,
      last_seq: 0,
      locale: 'en',
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
}

let effects = 0;
async function effect(store: Store, conversationId: string, version: number, outcome: string | null, block = 'open'): Promise<void> {
  await store.db
    .insertInto('effects')
    .values({
      id: `${conversationId}:${++effects}`,
      conversation_id: conversationId,
      bot_id: 'desk',
      bot_version: version,
      block_id: block,
      action: 'helpdesk.ticket',
      locale: 'en',
      request: '{}',
      status: outcome === null ? 'pending' : 'done',
      attempts: 1,
      lease_owner: null,
      lease_until: null,
      next_attempt_at: NOW,
      deadline_at: NOW,
      outcome: outcome === null ? null : JSON.stringify(outcome === 'success' ? { outcome, outputs: { id: '1' } } : { outcome, message: 'no' }),
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
}

describe.each(STORE_TARGETS)('analytics of a bot (%s)', (kind) => {
  it('counts conversations per port as each version settled them, once per conversation, finished calls only', async () => {
    const store = await tempStore(kind);
    // Version 1 wires department_invalid; version 2 does not, so that outcome takes failure there.
    await saveDraft(store.db, 'desk', { source: '', format: 'yaml', bot: bot(', department_invalid: done') });
    await saveDraft(store.db, 'desk', { source: '', format: 'yaml', bot: bot('') });
    for (const [id, version] of [
      ['c1', 1],
      ['c2', 1],
      ['c3', 2],
      ['c4', 2],
      ['c5', 2],
      ['c6', 2],
    ] as const)
      await conversation(store, id, version);
    await effect(store, 'c1', 1, 'success');
    await effect(store, 'c2', 1, 'department_invalid');
    await effect(store, 'c3', 2, 'department_invalid');
    // c4 went round the block twice with two outcomes that both take failure: one conversation.
    await effect(store, 'c4', 2, 'failure');
    await effect(store, 'c4', 2, 'integration_invalid');
    // Still running: not counted yet.
    await effect(store, 'c5', 2, null);
    // A block the version does not have is left out.
    await effect(store, 'c6', 2, 'success', 'gone');

    expect(await botAnalytics(store, 'desk')).toEqual({
      botId: 'desk',
      conversations: 6,
      blocks: [
        {
          block: 'open',
          type: 'helpdesk.ticket',
          ports: [
            { port: 'failure', conversations: 2 },
            { port: 'department_invalid', conversations: 1 },
            { port: 'success', conversations: 1 },
          ],
        },
      ],
    });
  });

  it('is empty for a bot without finished calls, and null for an unknown bot', async () => {
    const store = await tempStore(kind);
    await saveDraft(store.db, 'desk', { source: '', format: 'yaml', bot: bot('') });
    expect(await botAnalytics(store, 'desk')).toEqual({ botId: 'desk', conversations: 0, blocks: [] });
    expect(await botAnalytics(store, 'nobody')).toBeNull();
  });
});
