import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { createConnectors } from '../connectors/registry.ts';
import type { RoleConnectors } from '../vocabulary/roles.ts';
import { createWebhookConnector } from '../connectors/webhook/webhook.ts';
import type { DecryptSecrets } from '../store/integrations.ts';
import { loadBotText } from '../flow/index.ts';
import { publish, saveDraft } from '../store/bots.ts';
import { openStore, type Store } from '../store/store.ts';
import { openTestStore, type StoreTarget } from '../store/test-support.ts';
import { createRuntime, type DurableRuntime, type RuntimeOptions } from './index.ts';
import type { ManualClock } from './manual-clock.ts';

export type HarnessOptions = Partial<Omit<RuntimeOptions, 'store'>> & {
  /** How the real connectors open stored secrets (a server's secret key); without it, integrations with secrets are integration_invalid. */
  readonly decrypt?: DecryptSecrets;
};

export interface Harness {
  readonly store: Store;
  /** What openStore opens the same database with (a second "process"). */
  readonly target: string;
  readonly runtime: DurableRuntime;
  readonly connectors: RoleConnectors;
  /** Saves and publishes a bot file; returns its version. */
  publishBot(yaml: string): Promise<number>;
  /**
   * Another runtime (another worker id) on the same database, as a second server process has.
   * PostgreSQL: over a store of its own. SQLite: over the same store, because node:sqlite waits
   * for another connection's write lock synchronously, which in one process blocks the very
   * event loop that would finish the other transaction (separate processes do not have this).
   */
  another(options?: HarnessOptions): Promise<{ readonly store: Store; readonly runtime: DurableRuntime }>;
}

/** The real connectors of a store: the built-in provider, and webhooks allowed to reach 127.0.0.1. */
export function realConnectors(store: Store, decrypt?: DecryptSecrets): RoleConnectors {
  return createConnectors(store, { webhook: createWebhookConnector({ allowPrivate: true }), ...(decrypt ? { decrypt } : {}) });
}

/**
 * A fresh database of `kind` with a runtime on it (real connectors unless given), all stopped,
 * closed and removed when the test finishes.
 */
export async function harness(kind: StoreTarget, harnessOptions: HarnessOptions = {}): Promise<Harness> {
  const { decrypt, ...options } = harnessOptions;
  const { store, target, cleanup } = await openTestStore(kind);
  const extra: { store: Store; runtime: DurableRuntime }[] = [];
  const connectors = options.connectors ?? realConnectors(store, decrypt);
  const runtime = createRuntime({ pollMs: 100, ...options, store, connectors });
  onTestFinished(async () => {
    for (const rt of [runtime, ...extra.map((e) => e.runtime)]) await rt.stop({ graceMs: 0 });
    for (const e of extra) if (e.store !== store) await e.store.close();
    await cleanup();
  });
  return {
    store,
    target,
    runtime,
    connectors,
    async publishBot(yaml) {
      const { bot, problems } = loadBotText(yaml, 'test.yaml');
      if (!bot) throw new Error(`test bot is invalid: ${JSON.stringify(problems)}`);
      const { version } = await saveDraft(store.db, bot.id, { source: yaml, format: 'yaml', bot });
      await publish(store.db, bot.id, version);
      return version;
    },
    async another(more = {}) {
      const second = store.dialect === 'sqlite' ? store : await openStore(target);
      const { decrypt: moreDecrypt, ...moreOptions } = more;
      const rt = createRuntime({
        pollMs: 100,
        ...moreOptions,
        store: second,
        connectors: moreOptions.connectors ?? realConnectors(second, moreDecrypt ?? decrypt),
      });
      extra.push({ store: second, runtime: rt });
      return { store: second, runtime: rt };
    },
  };
}

/** A local HTTP endpoint for webhook blocks, closed when the test finishes; returns its base URL. */
export async function serveHttp(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Runs the runtime on `clock` until `check` holds: lets the real work (the database) finish, then
 * moves the clock to the next sleep or timer waiting on it, and again. The runtime sets a clock
 * timer only while it waits (a retry's wake-up, a block's deadline during a call), so each move
 * lands where it would have woken on the machine's clock, without the test sleeping that long.
 */
export async function onClock<T>(clock: ManualClock, what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  return eventually(
    what,
    async () => {
      const value = await check();
      if (value === undefined || value === false) clock.next();
      return value;
    },
    timeoutMs,
  );
}

/** Bot files the runtime tests share. */
export const BOTS = {
  /** One question, then a built-in CRM lead, then the lead's id. */
  lead: `
renkei: 1
id: quick-lead
name: Quick lead
locale: en
start: ask_email
blocks:
  ask_email:
    type: ask
    kind: email
    prompt: "Your email?"
    save: visitor.email
    next: create
  create:
    type: crm.lead
    save: { id: lead_id }
    ports: { success: thanks, already_exists: known, failure: sorry }
  thanks:
    type: end
    text: "Lead %lead_id% created"
  known:
    type: end
    text: "Known lead %lead_id%"
  sorry:
    type: handoff
    reason: lead_failed
    text: "Sorry"
`,
  /** Name, then a choice; no integrations. */
  survey: (prompt = 'Your name?') => `
renkei: 1
id: survey
name: Survey
locale: en
start: ask_name
blocks:
  ask_name:
    type: ask
    kind: name
    prompt: "${prompt}"
    save: visitor.name
    next: pick
  pick:
    type: choice
    prompt: "Pick a colour, %visitor.name%"
    save: colour
    options:
      - { label: Red, value: red, next: bye }
      - { label: Blue, value: blue, next: bye }
  bye:
    type: end
    text: "You chose %colour%"
`,
  /** One question, then a webhook whose answer's id is shown. */
  webhook: (url: string) => `
renkei: 1
id: hook
name: Hook
locale: en
start: ask
blocks:
  ask:
    type: ask
    kind: text
    prompt: "What shall we send?"
    save: topic
    next: call
  call:
    type: webhook
    url: "${url}"
    body: { topic: "%topic%" }
    save: { ref: "$.id" }
    ports: { success: done, failure: sorry }
  done:
    type: end
    text: "Saved %ref%"
  sorry:
    type: handoff
    reason: webhook_failed
    text: "Could not save"
`,
} as const;
