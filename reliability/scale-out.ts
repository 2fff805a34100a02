import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { newTestTarget, TEST_POSTGRES_URL } from '../src/store/test-support.ts';
import { startFakeZoho } from '../test/fake-zoho/index.ts';
import type { RunningServer } from '../test/helpers/server.ts';
import { publishBot } from './lib/admin.ts';
import { audit } from './lib/audit.ts';
import { drive, newTraffic, settle, type Script, type Target, type Traffic } from './lib/driver.ts';
import { cpuQuotas } from './lib/cpu-quota.ts';
import { Fleet } from './lib/fleet.ts';
import { runVisitors } from './lib/load.ts';
import { clientSecrets, configureZoho } from './lib/zoho.ts';
import { SCALE, type ScenarioResult } from './lib/zoho-run.ts';
import { echoBot } from '../test/helpers/echo-bot.ts';

/**
 * Three `renkei serve` processes on one PostgreSQL schema, every request of every visitor sent to
 * one of them at random: the integration visitors' records are counted as in the crash scenario,
 * and visitor turns per second are measured with one process and then three, in the same run,
 * with the same load generator, visitors and concurrency.
 */

const VISITORS = Math.round(400 * SCALE);
/** Visitors of one throughput round, each a start and TURNS replies, CONCURRENCY at once: enough to keep one process busy. */
const ROUND_VISITORS = Math.round(500 * SCALE);
const TURNS = 6;
const CONCURRENCY = 64;
/**
 * Measured rounds per configuration, one and three processes taking turns so that whatever else
 * the machine does weighs on both alike; the median counts. Every process is first warmed by
 * WARM_ROUNDS of its own.
 */
const ROUNDS = 5;
const WARM_ROUNDS = 2;
/**
 * The capped rounds: each process limited to CAPPED_CORES of CPU (its own cgroup), so that the
 * process and not this machine — whose cores the load generator and PostgreSQL share — is what
 * limits one process; fewer visitors per round, since a capped process serves fewer turns a second.
 */
export const CAPPED_CORES = 0.2;
const CAPPED_ROUNDS = 3;
const CAPPED_ROUND_VISITORS = Math.round(120 * SCALE);
/** What `scaleout_ratio` (three capped processes / one) must reach. */
export const SCALEOUT_TARGET = 2.4;
export const PG_URL = TEST_POSTGRES_URL;

const ECHO_BOT = echoBot();

const echoScript = (index: number, tag: string): Script => ({
  index,
  bot: 'echo',
  answers: Array.from({ length: TURNS }, (_, k) => `${tag} turn ${k} of ${index}`),
});

async function turnsPerSecond(traffic: Traffic, target: Target, tag: string, visitors = ROUND_VISITORS): Promise<number> {
  const limit = pLimit(CONCURRENCY);
  const began = performance.now();
  const before = traffic.turns;
  await Promise.all(Array.from({ length: visitors }, (_, i) => limit(() => drive(traffic, target, echoScript(i, tag)))));
  return (traffic.turns - before) / ((performance.now() - began) / 1000);
}

/** A freshly started Node process is slower until its code is compiled: each gets the same warm-up, alone. */
async function warm(server: RunningServer, tag: string): Promise<void> {
  for (let r = 0; r < WARM_ROUNDS; r++) await turnsPerSecond(newTraffic(), () => server.url, `${tag}-${r}`);
}

const median = (xs: readonly number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

/** One process and three, taking turns ROUNDS times; the median of each. */
async function oneAndThree(
  traffic: Traffic,
  servers: readonly RunningServer[],
  tag: string,
  rounds: number,
  visitors?: number,
): Promise<{ one: Rounds; three: Rounds }> {
  const any: Target = () => servers[Math.floor(Math.random() * servers.length)]!.url;
  const one: number[] = [];
  const three: number[] = [];
  for (let r = 0; r < rounds; r++) {
    one.push(await turnsPerSecond(traffic, () => servers[0]!.url, `${tag}-one-${r}`, visitors));
    three.push(await turnsPerSecond(traffic, any, `${tag}-three-${r}`, visitors));
  }
  return { one: { rounds: one, median: median(one) }, three: { rounds: three, median: median(three) } };
}

interface Rounds {
  readonly rounds: readonly number[];
  readonly median: number;
}

const shown = (r: Rounds): string => `${r.median.toFixed(0)} (${r.rounds.map((x) => x.toFixed(0)).join(', ')})`;

/**
 * The same rounds with each process in a cgroup of its own capped at CAPPED_CORES. The processes
 * leave their cgroups afterwards. Skipped, with the reason, where cgroups cannot be made.
 */
async function capped(
  traffic: Traffic,
  servers: readonly RunningServer[],
  tag: string,
): Promise<{ readonly one: Rounds; readonly three: Rounds; readonly throttled: number[]; readonly remove: () => void } | { readonly skipped: string }> {
  const quotas = cpuQuotas(tag, servers.length, CAPPED_CORES);
  if ('skipped' in quotas) return quotas;
  const remove = (): void => {
    for (const q of quotas) {
      try {
        q.remove();
      } catch {
        // A process still in it (stopped later by cleanup); the empty cgroup goes with the next boot.
      }
    }
  };
  try {
    servers.forEach((s, i) => quotas[i]!.place(s.pid));
    // Capped, each process first runs a round alone: the same start for all three.
    for (const [i, s] of servers.entries()) await turnsPerSecond(newTraffic(), () => s.url, `${tag}-capped-warm-${i}`, CAPPED_ROUND_VISITORS);
    const { one, three } = await oneAndThree(traffic, servers, `${tag}-capped`, CAPPED_ROUNDS, CAPPED_ROUND_VISITORS);
    return { one, three, throttled: quotas.map((q) => q.throttledSeconds()), remove };
  } finally {
    servers.forEach((s, i) => quotas[i]!.release(s.pid));
  }
}

export async function scaleOutScenario(tag: string): Promise<ScenarioResult> {
  const fake = await startFakeZoho({ seed: 13 });
  const { target, remove } = newTestTarget('postgres');
  const schema = new URL(target).searchParams.get('schema') ?? '';
  const fleet = new Fleet();
  let removeQuotas = (): void => undefined;
  const cleanup = async (): Promise<void> => {
    await fleet.stopAll();
    removeQuotas();
    await fake.close();
    await remove();
  };
  const env = {
    RENKEI_SECRET_KEY: randomBytes(32).toString('hex'),
    RENKEI_ADMIN_TOKEN: randomBytes(24).toString('hex'),
    RENKEI_TURN_WAIT_MS: '0',
    // Request logs of three busy processes would cost the run more CPU than the turns themselves.
    RENKEI_LOG_LEVEL: 'warn',
  };
  try {
    const clients = await configureZoho(fake, target, { RENKEI_SECRET_KEY: env.RENKEI_SECRET_KEY });
    // The first one migrates the schema and publishes the examples; the others start on it after.
    const first = await fleet.start(target, env);
    await publishBot(first, 'echo', ECHO_BOT);
    const traffic = newTraffic();

    // The same load generator, visitors per round and concurrency for one process and for three;
    // during a one-process round the other two are up but get no visitor.
    const servers: RunningServer[] = [first, await fleet.start(target, env), await fleet.start(target, env)];
    for (const [i, s] of servers.entries()) await warm(s, `${tag}-warm-${i}`);
    const any: Target = () => servers[Math.floor(Math.random() * servers.length)]!.url;
    const uncapped = await oneAndThree(traffic, servers, tag, ROUNDS);
    const cappedRun = await capped(traffic, servers, tag);
    if ('remove' in cappedRun) removeQuotas = cappedRun.remove;

    const load = await runVisitors({ count: VISITORS, concurrency: 40, tag, traffic, target: any });
    const settled = await settle(traffic, any, load.conversations, 100_000);
    const a = audit(fake, settled);
    a.lost += load.gaveUp.length;
    const uncappedRatio = uncapped.three.median / uncapped.one.median;
    const cappedRows: [string, string][] =
      'skipped' in cappedRun
        ? [[`scale-out ratio, processes capped at ${CAPPED_CORES} core`, `skipped: ${cappedRun.skipped}`]]
        : [
            [`turns/s, one process capped at ${CAPPED_CORES} core`, shown(cappedRun.one)],
            [`turns/s, three processes capped at ${CAPPED_CORES} core each`, shown(cappedRun.three)],
            ['seconds each process was held back by its cap', cappedRun.throttled.map((t) => t.toFixed(1)).join(', ')],
            [`scale-out ratio, capped (target ≥ ${SCALEOUT_TARGET})`, (cappedRun.three.median / cappedRun.one.median).toFixed(2)],
          ];
    return {
      name: 'scale-out',
      audit: a,
      traffic,
      gaveUp: load.gaveUp,
      rows: [
        ['processes', `3 on PostgreSQL schema ${schema}`],
        ['turns/s, one process uncapped (median of rounds)', shown(uncapped.one)],
        ['turns/s, three processes uncapped (median of rounds)', shown(uncapped.three)],
        ['scale-out ratio, uncapped (for information)', uncappedRatio.toFixed(2)],
        ...cappedRows,
      ],
      extra: {
        scaleoutRatioUncapped: uncappedRatio,
        turnsPerSecondOne: uncapped.one.median,
        turnsPerSecondThree: uncapped.three.median,
        ...('skipped' in cappedRun
          ? {}
          : {
              scaleoutRatio: cappedRun.three.median / cappedRun.one.median,
              turnsPerSecondOneCapped: cappedRun.one.median,
              turnsPerSecondThreeCapped: cappedRun.three.median,
            }),
      },
      ...('skipped' in cappedRun ? { skipped: { scaleout_ratio: cappedRun.skipped } } : {}),
      exposure: {
        files: [],
        pgSchemas: [schema],
        logs: fleet.logs(),
        secrets: [...clientSecrets(clients), env.RENKEI_ADMIN_TOKEN, env.RENKEI_SECRET_KEY, ...load.conversations.map((c) => c.token)],
        personal: load.conversations.flatMap((c) => [c.plan.person.email, c.plan.person.phone]),
      },
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
