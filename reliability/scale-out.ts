import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { newTestTarget, TEST_POSTGRES_URL } from '../src/store/test-support.ts';
import { providerFake as zoho } from '../test/fake-zoho/provider-fake.ts';
import type { RunningServer } from '../test/helpers/server.ts';
import { publishBot } from './lib/admin.ts';
import { audit } from './lib/audit.ts';
import { drive, newTraffic, settle, type Script, type Target, type Traffic } from './lib/driver.ts';
import { cpuQuotas } from './lib/cpu-quota.ts';
import { Router, type Routing } from './lib/router.ts';
import { Fleet } from './lib/fleet.ts';
import { runVisitors } from './lib/load.ts';
import { SCALE, type ScenarioResult } from './lib/provider-run.ts';
import { configureRoles, roleSecrets } from './lib/roles.ts';
import { echoBot } from '../test/helpers/echo-bot.ts';
import { cpuSecondsOf } from '../bench/load.ts';

/**
 * Three `renkei serve` processes on one PostgreSQL schema, every request of every visitor sent to
 * one of them at random: the integration visitors' records are counted as in the crash scenario,
 * and visitor turns per second are measured with one process and then three, in the same run,
 * with the same load generator: uncapped with the same visitors (for information: on a small
 * machine the servers share its cores with PostgreSQL and the load generator), then with each
 * process capped at CAPPED_CORES and the same visitors per process (`scaleout_ratio`).
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
const ROUNDS = 3;
const WARM_ROUNDS = 2;
/**
 * The capped rounds: each process limited to CAPPED_CORES of CPU (its own cgroup), so that the
 * process and not this machine — whose cores the load generator and PostgreSQL share — is what
 * limits one process.
 *
 * Each round keeps CAPPED_VISITORS_PER_PROCESS visitors per process replying at once for
 * CAPPED_SECONDS (a visitor that finishes is replaced at once) and counts the turns of that
 * window only, after CAPPED_RAMP_SECONDS: a round of a fixed number of visitors ends with
 * fewer and fewer of them, when three capped processes wait on each other's throttled periods
 * while one process alone does not. Three processes get three times the visitors, as a cluster
 * grows with its traffic: spread over three, the visitors of one process left each process
 * about 21 requests at a time, which measured how busy each process was, not whether processes
 * add capacity. That figure is still reported, for information.
 *
 * The three processes' requests go to the process with the fewest of them in flight, as a
 * cluster's load balancer sends them (see Routing), not to one at random: with random routing
 * each process gets a third of the turns whatever its speed, so the process slowest at the moment
 * (a garbage collection, a throttled period) holds more and more of the visitors — measured here:
 * on average 107, 67 and 18 of 192, at times 190 at one process — while the other two starve below
 * their cap and take their requests one or two per wake-up, at more CPU per turn (a fifth to a
 * third more, and rounds at 0.6 of the cap). That measured the slowest process of each round
 * three times, not three processes. The random figure is still reported, for information. With
 * one process the routing changes nothing: its visitors have nowhere else to go.
 *
 * The one-process round is run on each process in turn (round r on process r mod 3), so that all
 * three have served the same rounds when measured together: a process that served more turns
 * earlier has compiled more of its code and is cheaper per turn.
 */
export const CAPPED_CORES = 0.2;
/** Rounds of one process and of three, taking turns; the median of each counts. */
const CAPPED_ROUNDS = 5;
const CAPPED_VISITORS_PER_PROCESS = 64;
const CAPPED_SECONDS = 5 * SCALE;
const CAPPED_RAMP_SECONDS = 1;
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

interface Window {
  readonly turnsPerSecond: number;
  /** CPU time of each server during the window, per turn served by all of them, in microseconds. */
  readonly cpuUsPerTurn: number;
  /** Each server's CPU time during the window over what its cap allows: 1 means it was held at its cap throughout. */
  readonly busy: readonly number[];
  /** The largest share of the requests in flight held by one server, averaged over the window (1/3 when three share them evenly). */
  readonly crowded: number;
}

/**
 * `visitors` visitors at once, each replaced by a new one when it is done, for `seconds` after a
 * ramp of CAPPED_RAMP_SECONDS, their requests routed over `servers` by `routing`: the turns (and
 * the servers' CPU time) of that window.
 */
async function steadyWindow(
  traffic: Traffic,
  routing: Routing,
  tag: string,
  visitors: number,
  seconds: number,
  servers: readonly RunningServer[],
): Promise<Window> {
  const router = new Router(
    servers.map((s) => s.url),
    routing,
  );
  let stopping = false;
  let next = 0;
  const loops = Array.from({ length: visitors }, async () => {
    const { target, done } = router.visitor();
    try {
      while (!stopping) await drive(traffic, target, echoScript(next++, tag));
    } finally {
      done();
    }
  });
  try {
    await sleep(CAPPED_RAMP_SECONDS * 1000);
    const began = performance.now();
    const before = traffic.turns;
    const cpuBefore = servers.map((s) => cpuSecondsOf(s.pid));
    const shares: number[] = [];
    while (performance.now() - began < seconds * 1000) {
      await sleep(Math.min(100, seconds * 1000 - (performance.now() - began)));
      const inFlight = router.inFlight();
      const all = inFlight.reduce((a, b) => a + b, 0);
      if (all > 0) shares.push(Math.max(...inFlight) / all);
    }
    const elapsed = (performance.now() - began) / 1000;
    const turns = traffic.turns - before;
    const cpu = servers.map((s, i) => cpuSecondsOf(s.pid) - cpuBefore[i]!);
    return {
      turnsPerSecond: turns / elapsed,
      cpuUsPerTurn: (cpu.reduce((a, b) => a + b, 0) * 1e6) / Math.max(1, turns),
      busy: cpu.map((c) => c / elapsed / CAPPED_CORES),
      crowded: shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length),
    };
  } finally {
    stopping = true;
    await Promise.all(loops);
  }
}

/** A freshly started Node process is slower until its code is compiled: each gets the same warm-up, alone. */
async function warm(server: RunningServer, tag: string): Promise<void> {
  for (let r = 0; r < WARM_ROUNDS; r++) await turnsPerSecond(newTraffic(), () => server.url, `${tag}-${r}`);
}

/** The middle value; of an even count (the figures for information), the mean of the middle two. */
const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((x, y) => x - y);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
};

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
interface Capped {
  readonly one: Rounds;
  readonly three: Rounds;
  /** Three processes sharing the visitors of one, each request to a process at random (for information: see CAPPED_VISITORS_PER_PROCESS). */
  readonly threeSameVisitors: Rounds;
  /** Three processes, each request to a process at random (for information: see the capped rounds' comment). */
  readonly threeRandom: Rounds;
  readonly cpuUsPerTurnOne: number;
  readonly cpuUsPerTurnThree: number;
  readonly cpuUsPerTurnThreeSameVisitors: number;
  readonly cpuUsPerTurnThreeRandom: number;
  /** The largest share of the visitors' requests in flight at one process, median over rounds: routed to the least busy / at random. */
  readonly crowdedThree: number;
  readonly crowdedThreeRandom: number;
  /** The lowest busy figure of each configuration's rounds (see Window.busy). */
  readonly busyOne: number;
  readonly busyThree: number;
  readonly throttled: number[];
  readonly remove: () => void;
}

async function capped(traffic: Traffic, servers: readonly RunningServer[], tag: string): Promise<Capped | { readonly skipped: string }> {
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
    const perProcess = CAPPED_VISITORS_PER_PROCESS;
    // Capped, each process first runs a round alone: the same start for all three.
    for (const [i, s] of servers.entries()) await steadyWindow(newTraffic(), 'random', `${tag}-capped-warm-${i}`, perProcess, 2, [s]);
    const one: Window[] = [];
    const three: Window[] = [];
    const same: Window[] = [];
    const random: Window[] = [];
    // Taking turns, so that whatever else the machine does weighs on each alike; the figures for
    // information take turns with each other (every other round each), to keep the run short.
    for (let r = 0; r < CAPPED_ROUNDS; r++) {
      const alone = servers[r % servers.length]!;
      one.push(await steadyWindow(traffic, 'random', `${tag}-capped-one-${r}`, perProcess, CAPPED_SECONDS, [alone]));
      three.push(await steadyWindow(traffic, 'least', `${tag}-capped-three-${r}`, perProcess * servers.length, CAPPED_SECONDS, servers));
      if (r % 2 === 0) same.push(await steadyWindow(traffic, 'random', `${tag}-capped-same-${r}`, perProcess, CAPPED_SECONDS, servers));
      else random.push(await steadyWindow(traffic, 'random', `${tag}-capped-random-${r}`, perProcess * servers.length, CAPPED_SECONDS, servers));
    }
    const rounds = (ws: Window[]): Rounds => {
      const xs = ws.map((w) => w.turnsPerSecond);
      return { rounds: xs, median: median(xs) };
    };
    const cpu = (ws: Window[]): number => median(ws.map((w) => w.cpuUsPerTurn));
    const busy = (ws: Window[]): number => Math.min(...ws.flatMap((w) => w.busy));
    return {
      one: rounds(one),
      three: rounds(three),
      threeSameVisitors: rounds(same),
      threeRandom: rounds(random),
      cpuUsPerTurnOne: cpu(one),
      cpuUsPerTurnThree: cpu(three),
      cpuUsPerTurnThreeSameVisitors: cpu(same),
      cpuUsPerTurnThreeRandom: cpu(random),
      crowdedThree: median(three.map((w) => w.crowded)),
      crowdedThreeRandom: median(random.map((w) => w.crowded)),
      busyOne: busy(one),
      busyThree: busy(three),
      throttled: quotas.map((q) => q.throttledSeconds()),
      remove,
    };
  } finally {
    servers.forEach((s, i) => quotas[i]!.release(s.pid));
  }
}

export async function scaleOutScenario(tag: string): Promise<ScenarioResult> {
  const fake = await zoho.start({ seed: 13 });
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
    const roles = await configureRoles(zoho, fake, target, { RENKEI_SECRET_KEY: env.RENKEI_SECRET_KEY });
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
    const a = audit(fake.records, settled);
    a.lost += load.gaveUp.length;
    const uncappedRatio = uncapped.three.median / uncapped.one.median;
    const cappedRows: [string, string][] =
      'skipped' in cappedRun
        ? [[`scale-out ratio, processes capped at ${CAPPED_CORES} core`, `skipped: ${cappedRun.skipped}`]]
        : [
            [
              `turns/s, one process capped at ${CAPPED_CORES} core, ${CAPPED_VISITORS_PER_PROCESS} visitors at once (each process in turn)`,
              shown(cappedRun.one),
            ],
            [
              `turns/s, three processes capped at ${CAPPED_CORES} core each, ${3 * CAPPED_VISITORS_PER_PROCESS} visitors, each request to the process with the fewest in flight`,
              shown(cappedRun.three),
            ],
            ['CPU per turn, one process / three (µs)', `${cappedRun.cpuUsPerTurnOne.toFixed(0)} / ${cappedRun.cpuUsPerTurnThree.toFixed(0)}`],
            ['least busy process of a round (1: at its cap throughout), one / three', `${cappedRun.busyOne.toFixed(2)} / ${cappedRun.busyThree.toFixed(2)}`],
            ['seconds each process was held back by its cap', cappedRun.throttled.map((t) => t.toFixed(1)).join(', ')],
            [`scale-out ratio, capped (target ≥ ${SCALEOUT_TARGET})`, (cappedRun.three.median / cappedRun.one.median).toFixed(2)],
            [
              `for information: three capped processes, ${3 * CAPPED_VISITORS_PER_PROCESS} visitors, each request to a process at random (turns/s, CPU per turn µs, ratio)`,
              `${shown(cappedRun.threeRandom)}, ${cappedRun.cpuUsPerTurnThreeRandom.toFixed(0)}, ${(cappedRun.threeRandom.median / cappedRun.one.median).toFixed(2)}`,
            ],
            [
              'largest share of the requests in flight at one of three processes (0.33: even), routed to the fewest / at random',
              `${cappedRun.crowdedThree.toFixed(2)} / ${cappedRun.crowdedThreeRandom.toFixed(2)}`,
            ],
            [
              `for information: three capped processes sharing ${CAPPED_VISITORS_PER_PROCESS} visitors, each request to a process at random (turns/s, CPU per turn µs, ratio)`,
              `${shown(cappedRun.threeSameVisitors)}, ${cappedRun.cpuUsPerTurnThreeSameVisitors.toFixed(0)}, ${(cappedRun.threeSameVisitors.median / cappedRun.one.median).toFixed(2)}`,
            ],
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
              scaleoutRatioSameVisitors: cappedRun.threeSameVisitors.median / cappedRun.one.median,
              scaleoutRatioRandom: cappedRun.threeRandom.median / cappedRun.one.median,
              turnsPerSecondOneCapped: cappedRun.one.median,
              turnsPerSecondThreeCapped: cappedRun.three.median,
            }),
      },
      ...('skipped' in cappedRun ? { skipped: { scaleout_ratio: cappedRun.skipped } } : {}),
      exposure: {
        files: [],
        pgSchemas: [schema],
        logs: fleet.logs(),
        secrets: [...roleSecrets(roles), env.RENKEI_ADMIN_TOKEN, env.RENKEI_SECRET_KEY, ...load.conversations.map((c) => c.token)],
        personal: load.conversations.flatMap((c) => [c.plan.person.email, c.plan.person.phone]),
      },
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
