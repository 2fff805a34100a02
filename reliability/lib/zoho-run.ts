import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeZoho, type FakeZoho } from '../../test/fake-zoho/index.ts';
import { tempDir } from '../../test/helpers/cli.ts';
import type { RunningServer } from '../../test/helpers/server.ts';
import { audit, deservesSuccess, type Audit, type Expectation } from './audit.ts';
import { newTraffic, settle, type Traffic } from './driver.ts';
import { Fleet, type Exposure } from './fleet.ts';
import { runVisitors } from './load.ts';
import type { Plan } from './plans.ts';
import { clientSecrets, configureZoho, type RoleClients } from './zoho.ts';

/** A scenario's figures, what it leaves for the secrets scan, and how to clean up after it. */
export interface ScenarioResult {
  readonly name: string;
  readonly audit: Audit;
  readonly traffic: Traffic;
  readonly gaveUp: string[];
  readonly rows: Array<[string, string | number]>;
  readonly exposure: Exposure;
  /** Scenario-specific figures for the final JSON line (unauthorized_access, crashed, scaleout_ratio…). */
  readonly extra?: Readonly<Record<string, number>>;
  /** Figures that could not be measured here, by name, with the reason: never counted as a pass. */
  readonly skipped?: Readonly<Record<string, string>>;
  readonly cleanup: () => Promise<void>;
}

/** Scale of the visitor counts (RELIABILITY_SCALE=0.2 for a quick try; the figures need 1). */
export const SCALE = Number(process.env['RELIABILITY_SCALE'] ?? 1);

/** What a scenario does around one server on one SQLite database with Zoho behind every role. */
export interface ZohoRunOptions {
  readonly name: string;
  readonly tag: string;
  readonly visitors: number;
  readonly concurrency: number;
  readonly env: Readonly<Record<string, string>>;
  /** Bounded wait for every conversation to get past its integration blocks, after the load. */
  readonly settleMs: number;
  /** Before any visitor: set faults, revoke, upload bots. */
  readonly prepare?: (ctx: { fake: FakeZoho; clients: RoleClients; server: RunningServer }) => Promise<void>;
  /** Visitor-progress points (count of visitors done) and what happens there. */
  readonly events?: ReadonlyArray<{ at: number; what: string; run: (ctx: { fake: FakeZoho; restart: () => Promise<void> }) => Promise<void> }>;
  /** Called before the settle wait (e.g. the faults stop so that nothing waits on them forever). */
  readonly afterLoad?: (fake: FakeZoho) => void;
  readonly expect?: (plan: Plan) => Expectation;
}

export async function zohoRun(o: ZohoRunOptions): Promise<ScenarioResult> {
  const fake = await startFakeZoho({ seed: 11 });
  const t = tempDir();
  const fleet = new Fleet();
  const cleanup = async (): Promise<void> => {
    await fleet.stopAll();
    await fake.close();
    t.cleanup();
  };
  try {
    const clients = await configureZoho(fake, t.db);
    let current: RunningServer = await fleet.start(t.db, o.env);
    await o.prepare?.({ fake, clients, server: current });
    const traffic = newTraffic();
    let progress = 0;
    const happened: string[] = [];
    const restart = async (): Promise<void> => {
      await current.kill();
      current = await fleet.start(t.db, o.env);
    };
    const events = [...(o.events ?? [])].sort((a, b) => a.at - b.at);
    const driver = (async () => {
      for (const e of events) {
        const until = Date.now() + 300_000;
        while (progress < e.at && Date.now() < until) await sleep(20);
        happened.push(`${e.what} at ${progress}`);
        await e.run({ fake, restart });
      }
    })();
    const load = await runVisitors({
      count: o.visitors,
      concurrency: o.concurrency,
      tag: o.tag,
      traffic,
      target: () => current.url,
      onProgress: (n) => (progress = n),
    });
    await driver;
    o.afterLoad?.(fake);
    const settleBegan = performance.now();
    const settled = await settle(traffic, () => current.url, load.conversations, o.settleMs);
    const a = audit(fake, settled, o.expect ?? deservesSuccess);
    a.lost += load.gaveUp.length;
    return {
      name: o.name,
      audit: a,
      traffic,
      gaveUp: load.gaveUp,
      rows: [
        ['events', happened.join('; ') || '—'],
        ['visitor load (s)', load.seconds.toFixed(1)],
        ['settled after the load (s)', ((performance.now() - settleBegan) / 1000).toFixed(1)],
      ],
      exposure: {
        files: [t.db, `${t.db}-wal`],
        pgSchemas: [],
        logs: fleet.logs(),
        secrets: [...clientSecrets(clients), ...fleet.adminTokens, ...load.conversations.map((c) => c.token)],
        personal: load.conversations.flatMap((c) => [c.plan.person.email, c.plan.person.phone]),
      },
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
