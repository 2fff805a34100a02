import { setTimeout as sleep } from 'node:timers/promises';
import { PROVIDERS } from '../../src/connectors/registry.ts';
import { tempDir } from '../../test/helpers/cli.ts';
import type { ProviderFake, RunningProviderFake } from '../../test/helpers/provider-fake.ts';
import type { RunningServer } from '../../test/helpers/server.ts';
import { audit, deservesSuccess, type Audit, type Expectation } from './audit.ts';
import { newTraffic, settle, type Traffic } from './driver.ts';
import { Fleet, type Exposure } from './fleet.ts';
import { runVisitors } from './load.ts';
import type { Plan } from './plans.ts';
import { configureRoles, roleSecrets, type RoleCredentials } from './roles.ts';

/** A scenario's figures, what it leaves for the secrets scan, and how to clean up after it. */
export interface ScenarioResult {
  readonly name: string;
  /** The provider behind every role, for the scenarios run once per provider fake. */
  readonly provider?: string;
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

/** What a scenario does around one server on one SQLite database with one provider's fake behind every role. */
export interface ProviderRunOptions {
  readonly name: string;
  readonly tag: string;
  readonly visitors: number;
  readonly concurrency: number;
  readonly env: Readonly<Record<string, string>>;
  /** Bounded wait for every conversation to get past its integration blocks, after the load. */
  readonly settleMs: number;
  /** Before any visitor: set faults, revoke, upload bots. */
  readonly prepare?: (ctx: { fake: RunningProviderFake; roles: RoleCredentials; server: RunningServer }) => Promise<void>;
  /** Visitor-progress points (count of visitors done) and what happens there. */
  readonly events?: ReadonlyArray<{ at: number; what: string; run: (ctx: { fake: RunningProviderFake; restart: () => Promise<void> }) => Promise<void> }>;
  readonly expect?: (plan: Plan) => Expectation;
}

/** The variable that sets `provider`'s call timeout (RENKEI_ZOHO_TIMEOUT_MS …), from its declaration. */
export function callTimeoutEnv(provider: string): string {
  const env = PROVIDERS.find((p) => p.name === provider)?.callTimeout?.env;
  if (env === undefined) throw new Error(`provider ${provider} declares no call timeout`);
  return env;
}

export async function providerRun(target: ProviderFake, o: ProviderRunOptions): Promise<ScenarioResult> {
  const fake = await target.start({ seed: 11 });
  const t = tempDir();
  const fleet = new Fleet();
  const cleanup = async (): Promise<void> => {
    await fleet.stopAll();
    await fake.close();
    // RELIABILITY_KEEP=1 leaves the database (effect_attempts says what each call answered) for a look afterwards.
    if (process.env['RELIABILITY_KEEP']) console.log(`${o.name} · ${target.provider}: database kept at ${t.db}`);
    else t.cleanup();
  };
  try {
    const roles = await configureRoles(target, fake, t.db);
    let current: RunningServer = await fleet.start(t.db, o.env);
    await o.prepare?.({ fake, roles, server: current });
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
    const settleBegan = performance.now();
    const settled = await settle(traffic, () => current.url, load.conversations, o.settleMs);
    const a = audit(fake.records, settled, o.expect ?? deservesSuccess);
    a.lost += load.gaveUp.length;
    return {
      name: o.name,
      provider: target.provider,
      audit: a,
      traffic,
      gaveUp: load.gaveUp,
      rows: [
        ['events', happened.join('; ') || '—'],
        ['visitor load (s)', load.seconds.toFixed(1)],
        ['settled after the load (s)', ((performance.now() - settleBegan) / 1000).toFixed(1)],
        // On the service's side: each process refreshes once per role, again after an expiry.
        [`token refreshes on the fake ${target.provider}`, fake.tokenRefreshes],
      ],
      exposure: {
        files: [t.db, `${t.db}-wal`],
        pgSchemas: [],
        logs: fleet.logs(),
        secrets: [...roleSecrets(roles), ...fleet.adminTokens, ...load.conversations.map((c) => c.token)],
        personal: load.conversations.flatMap((c) => [c.plan.person.email, c.plan.person.phone]),
      },
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
