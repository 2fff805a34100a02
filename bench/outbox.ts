import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnectors } from '../src/connectors/registry.ts';
import { createWebhookConnector } from '../src/connectors/webhook/webhook.ts';
import { createRuntime } from '../src/runtime/index.ts';
import { publishFile } from '../src/store/bots.ts';
import { openStore, type Store } from '../src/store/store.ts';

const CONVERSATIONS = 3_000;
/** Starts in flight at once while the outbox fills. */
const STARTING = 50;

/** Its start goes straight into a built-in `crm.lead` with what the site knows of the visitor. */
const INSTANT_LEAD_BOT = `
renkei: 1
id: bench-instant-lead
name: Lead from a signed-in visitor
locale: en
start: create_lead
blocks:
  create_lead:
    type: crm.lead
    name: "%visitor.name%"
    email: "%visitor.email%"
    save: { id: lead_id }
    ports:
      success: thanks
      failure: sorry
  thanks:
    type: end
    text: "Thank you, %visitor.name%! Your reference is %lead_id%."
  sorry:
    type: handoff
    reason: lead_failed
    text: "Sorry, something went wrong saving your details."
`;

/**
 * Built-in lead creation through the outbox: 3,000 conversations are started with no worker
 * running (their effects wait in the outbox), then the runtime's workers are started as
 * `renkei serve` starts them (default concurrency) and timed until the outbox is empty.
 */
export async function benchOutbox(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-bench-outbox-'));
  const store = await openStore(join(dir, 'renkei.db'));
  // Every effect reports its final attempt after it settled: the outbox is drained at the N-th.
  let settled = 0;
  let allSettled = (): void => undefined;
  const drained = new Promise<void>((resolve) => (allSettled = resolve));
  const runtime = createRuntime({
    store,
    connectors: createConnectors(store, { webhook: createWebhookConnector({ allowPrivate: false }) }),
    turnWaitMs: 0,
    onAttempt: (attempt) => {
      if (attempt.final && ++settled === CONVERSATIONS) allSettled();
    },
  });
  try {
    const file = join(dir, 'bot.yaml');
    writeFileSync(file, INSTANT_LEAD_BOT);
    const { botId } = await publishFile(store.db, file);

    let nextVisitor = 0;
    const starter = async (): Promise<void> => {
      for (let i = nextVisitor++; i < CONVERSATIONS; i = nextVisitor++) {
        const started = await runtime.start(botId, { visitor: { name: `Visitor ${i}`, email: `visitor${i}@example.com` } });
        if (started.status !== 'working') throw new Error(`conversation ${i} is ${started.status}, not working on its lead`);
      }
    };
    await Promise.all(Array.from({ length: STARTING }, starter));
    const queued = await pendingEffects(store.db);
    if (queued !== CONVERSATIONS) throw new Error(`${queued} effects wait in the outbox, ${CONVERSATIONS} were expected`);

    const t0 = performance.now();
    runtime.startWorkers();
    await drained;
    const seconds = (performance.now() - t0) / 1000;
    const left = await unfinishedEffects(store.db);
    if (left > 0) throw new Error(`${left} effects are unfinished after ${CONVERSATIONS} final attempts`);

    const leads = await store.db
      .selectFrom('leads')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('email_key').distinct().as('emails')])
      .executeTakeFirstOrThrow();
    const ended = await store.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'ended')
      .executeTakeFirstOrThrow();
    if (Number(leads.n) !== CONVERSATIONS || Number(leads.emails) !== CONVERSATIONS || Number(ended.n) !== CONVERSATIONS) {
      throw new Error(
        `after the outbox drained: ${leads.n} leads, ${leads.emails} distinct emails, ${ended.n} conversations ended; ${CONVERSATIONS} each were expected`,
      );
    }
    return { outbox_leads: CONVERSATIONS, outbox_leads_per_s: Math.round(CONVERSATIONS / seconds) };
  } finally {
    await runtime.stop({ graceMs: 0 });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pendingEffects(db: Store['db']): Promise<number> {
  const row = await db
    .selectFrom('effects')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function unfinishedEffects(db: Store['db']): Promise<number> {
  const row = await db
    .selectFrom('effects')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '!=', 'done')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
