import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { allAudit, listAudit, recordAudit } from './audit.ts';
import { STORE_TARGETS, tempStore } from './test-support.ts';

describe.each(STORE_TARGETS)('the audit log (%s)', (kind) => {
  it('takes new entries and refuses every change and deletion, in the database itself', async () => {
    const store = await tempStore(kind);
    const entry = await recordAudit(store.db, {
      actor: { kind: 'token', name: 'admin token' },
      address: '127.0.0.1',
      action: 'bot.publish',
      target: 'bot:support',
      details: { version: 3 },
    });
    await expect(store.db.updateTable('audit_log').set({ action: 'bot.rollback' }).where('id', '=', entry.id).execute()).rejects.toThrow(/append-only/);
    await expect(store.db.deleteFrom('audit_log').where('id', '=', entry.id).execute()).rejects.toThrow(/append-only/);
    await expect(store.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    if (kind === 'postgres') await expect(sql`truncate audit_log`.execute(store.db)).rejects.toThrow(/append-only/);
    // Inside a transaction too: the refusal rolls the whole transaction back.
    await expect(
      store.transact(async (trx) => {
        await recordAudit(trx, { actor: { kind: 'system' }, action: 'retention.change' });
        await trx.deleteFrom('audit_log').where('id', '=', entry.id).execute();
      }),
    ).rejects.toThrow(/append-only/);
    const { items, total } = await listAudit(store.db);
    expect(total).toBe(1);
    expect(items[0]).toEqual({ ...entry, details: { version: 3 } });
  });

  it('lists newest first, filtered by action, actor and time, and reads a long log a page at a time', async () => {
    const store = await tempStore(kind);
    const t0 = Date.parse('2026-03-01T00:00:00Z');
    for (let i = 0; i < 12; i++) {
      await recordAudit(
        store.db,
        {
          actor: i % 3 === 0 ? { kind: 'account', id: `u${i}`, name: `Agent_${i}@example.com` } : { kind: 'token', name: 'admin token' },
          action: i % 2 === 0 ? 'bot.publish' : 'integration.change',
          target: `n${i}`,
        },
        new Date(t0 + i * 60_000),
      );
    }
    const all = await listAudit(store.db, { limit: 5 });
    expect(all.total).toBe(12);
    expect(all.items.map((e) => e.target)).toEqual(['n11', 'n10', 'n9', 'n8', 'n7']);
    expect((await listAudit(store.db, { action: 'bot.publish' })).total).toBe(6);
    expect((await listAudit(store.db, { actorKind: 'account' })).items.map((e) => e.target)).toEqual(['n9', 'n6', 'n3', 'n0']);
    // The actor's name or id, case-insensitively; `_` is a letter, not a wildcard.
    expect((await listAudit(store.db, { actor: 'AGENT_9' })).items.map((e) => e.target)).toEqual(['n9']);
    expect((await listAudit(store.db, { actor: 'agent%' })).total).toBe(0);
    const window = await listAudit(store.db, { since: new Date(t0 + 2 * 60_000).toISOString(), until: new Date(t0 + 5 * 60_000).toISOString() });
    expect(window.items.map((e) => e.target)).toEqual(['n4', 'n3', 'n2']);

    const paged = [];
    for await (const e of allAudit(store.db, { actorKind: 'token' }, 3)) paged.push(e.target);
    expect(paged).toEqual(['n11', 'n10', 'n8', 'n7', 'n5', 'n4', 'n2', 'n1']);
  });
});
