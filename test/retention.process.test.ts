import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.ts';
import { serve, type RunningServer } from './helpers/server.ts';
import { forEachVisitor, reply, startConversation, waitUntil } from './helpers/visitors.ts';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function admin(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${server!.url}/api/v1/admin${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${server!.adminToken}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

const deletedRows = (metrics: string, table: string): number =>
  Number(new RegExp(`^renkei_retention_deleted_rows_total\\{table="${table}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);

describe('retention in renkei serve', () => {
  it(
    'purges the finished conversations past a shortened period at once, closes an idle one, and says how many rows in the log and in /metrics',
    { timeout: 60_000 },
    async () => {
      server = await serve({ env: { RENKEI_SECRET_KEY: randomBytes(32).toString('hex'), RENKEI_RATE_LIMIT: '0', RENKEI_LOG_LEVEL: 'info' } });
      const url = server.url;
      const ids = await forEachVisitor(12, 4, async (i) => {
        const visitor = await startConversation(url, 'lead');
        for (const text of [`Visitor ${i}`, `v${i}@example.com`, '090-0000-0000', 'Co']) await reply(url, visitor, text);
        return visitor.id;
      });
      const open = await startConversation(url, 'lead');
      await waitUntil('every lead is made', async () => (await (await admin('/records/leads')).json()).total === 12, 10_000);

      // Ten of them, and the open one, were last active 200 days ago (another process writes the same file).
      const store = await openStore(server.db);
      const past = new Date(Date.now() - 200 * 86_400_000).toISOString();
      await store.db
        .updateTable('conversations')
        .set({ updated_at: past })
        .where('id', 'in', [...ids.slice(0, 10), open.id])
        .execute();
      // Rows, not events: a turn's events share one.
      const { n: eventRows } = await store.db
        .selectFrom('conversation_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('conversation_id', 'in', ids.slice(0, 10))
        .executeTakeFirstOrThrow();
      await store.close();

      const changed = await admin('/retention', { method: 'PUT', body: { conversations: 100 } });
      expect(changed.status).toBe(200);
      await waitUntil(
        'the purge is counted in /metrics',
        async () => deletedRows(await (await fetch(`${url}/metrics`)).text(), 'conversations') === 10,
        20_000,
      );
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(deletedRows(metrics, 'effects')).toBe(10);
      expect(deletedRows(metrics, 'effect_attempts')).toBe(10);
      expect(Number(eventRows)).toBeGreaterThan(10 * 4);
      expect(deletedRows(metrics, 'conversation_events')).toBe(Number(eventRows));

      const left = (await (await admin('/conversations?limit=100')).json()).items.map((c: { id: string }) => c.id);
      expect(left.sort()).toEqual([...ids.slice(10), open.id].sort());
      expect((await (await admin('/records/leads')).json()).total).toBe(12);
      const retention = await (await admin('/retention')).json();
      expect(retention.conversations).toMatchObject({ days: 100, source: 'admin' });
      // The open one waited 200 days for its visitor: closed (kept for 100 days from now), not deleted.
      expect(retention.lastRun).toMatchObject({ closed: 1, purged: { conversations: 10, effects: 10 }, error: null });
      expect(/^renkei_retention_closed_conversations_total 1$/m.test(metrics)).toBe(true);
      const transcript = await (await fetch(`${url}/api/v1/conversations/${open.id}`, { headers: { authorization: `Bearer ${open.token}` } })).json();
      expect(transcript).toMatchObject({ status: 'ended' });
      await waitUntil('the run is logged', () => /"msg":"retention: deleted \d+ rows, closed 1 idle conversation"/.test(server!.output()), 5_000);
      const line = server
        .output()
        .split('\n')
        .find((l) => l.includes('"msg":"retention: deleted'))!;
      expect(JSON.parse(line)).toMatchObject({ level: 30, closed: 1, purged: { conversations: 10 } });
    },
  );
});
