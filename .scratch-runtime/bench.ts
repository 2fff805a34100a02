import { DatabaseSync } from 'node:sqlite';
const stats = new Map<string, { n: number; ms: number }>();
const origPrepare = DatabaseSync.prototype.prepare;
if (process.env.STATS) (DatabaseSync.prototype as any).prepare = function (sqlText: string) {
  const t0 = performance.now();
  const stmt = origPrepare.call(this, sqlText);
  const key = sqlText.slice(0, 70) + " … " + sqlText.slice(-60);
  const add = (t: number) => { const s = stats.get(key) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t; stats.set(key, s); };
  add(t0);
  const wrap = (name: 'run' | 'all' | 'iterate') => { const f = (stmt as any)[name].bind(stmt); (stmt as any)[name] = (...a: any[]) => { const t = performance.now(); try { return f(...a); } finally { add(t); } }; };
  wrap('run'); wrap('all');
  return stmt;
};
process.on('exit', () => { console.log('sql total', Math.round([...stats.values()].reduce((a, v) => a + v.ms, 0))); for (const [k, v] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(Math.round(v.ms), v.n, k); });
import { createRuntime } from '/work/main/src/runtime/index.ts';
import { createConnectors } from '/work/main/src/connectors/registry.ts';
import { createWebhookConnector } from '/work/main/src/connectors/webhook/webhook.ts';
import { readFileSync } from 'node:fs';
const realConnectors = (s: any) => createConnectors(s, { webhook: createWebhookConnector({ allowPrivate: true }) });
const src = readFileSync('/work/main/src/runtime/test-support.ts', 'utf8');
const BOTS = { lead: src.slice(src.indexOf('lead: `') + 7, src.indexOf('`,', src.indexOf('lead: `'))) };
import { openStore } from '/work/main/src/store/store.ts';
import { loadBotText } from '/work/main/src/flow/index.ts';
import { saveDraft, publish } from '/work/main/src/store/bots.ts';
import { sql } from 'kysely';
import { rmSync, mkdtempSync } from 'node:fs';

const target = process.argv[2] ?? mkdtempSync('/tmp/rt/db-') + '/r.db';
const store = await openStore(target);
const bot = loadBotText(BOTS.lead, 'x').bot!;
await saveDraft(store.db, bot.id, { source: BOTS.lead, format: 'yaml', bot });
await publish(store.db, bot.id);
const rt = createRuntime({ store, connectors: realConnectors(store) });
const N = Number(process.argv[3] ?? 2000);
let t = performance.now();
const convs = [];
for (let i = 0; i < N; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, N - i) }, async (_, j) => {
    const c = await rt.start('quick-lead', { visitor: { name: `V${i + j}` } });
    await rt.reply(c.conversationId, c.token, { text: `v${i + j}@example.com` }, { waitMs: 0 });
  }));
}
console.log('turns', N * 2, 'in', Math.round(performance.now() - t), 'ms');
if (store.dialect === 'sqlite') {
  const plan = await sql.raw(`explain query plan update effects set status='running' where id in (select id from effects where (status='pending' and next_attempt_at <= 'z') or (status='running' and lease_until <= 'z') order by next_attempt_at limit 10)`).execute(store.db);
  console.log(plan.rows);
}
stats.clear();
t = performance.now();
rt.startWorkers(Number(process.argv[4] ?? 32));
for (;;) {
  const r = await store.db.selectFrom('effects').select((eb) => eb.fn.countAll().as('n')).where('status', '!=', 'done').executeTakeFirstOrThrow();
  if (Number(r.n) === 0) break;
  await new Promise((r) => setTimeout(r, 10));
}
const ms = performance.now() - t;
console.log('effects', N, 'in', Math.round(ms), 'ms =', Math.round(N / ms * 1000), '/s');
await rt.stop();
await store.close();
