import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { newTestTarget, TEST_POSTGRES_URL } from '../src/store/test-support.ts';
import { startFakeZoho } from '../test/fake-zoho/index.ts';
import type { RunningServer } from '../test/helpers/server.ts';
import { publishBot } from './lib/admin.ts';
import { audit } from './lib/audit.ts';
import { drive, newTraffic, settle, type Script, type Target, type Traffic } from './lib/driver.ts';
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
export const PG_URL = TEST_POSTGRES_URL;

const ECHO_BOT = echoBot();

const echoScript = (index: number, tag: string): Script => ({
  index,
  bot: 'echo',
  answers: Array.from({ length: TURNS }, (_, k) => `${tag} turn ${k} of ${index}`),
});

async function turnsPerSecond(traffic: Traffic, target: Target, tag: string): Promise<number> {
  const limit = pLimit(CONCURRENCY);
  const began = performance.now();
  const before = traffic.turns;
  await Promise.all(Array.from({ length: ROUND_VISITORS }, (_, i) => limit(() => drive(traffic, target, echoScript(i, tag)))));
  return (traffic.turns - before) / ((performance.now() - began) / 1000);
}

/** A freshly started Node process is slower until its code is compiled: each gets the same warm-up, alone. */
async function warm(server: RunningServer, tag: string): Promise<void> {
  for (let r = 0; r < WARM_ROUNDS; r++) await turnsPerSecond(newTraffic(), () => server.url, `${tag}-${r}`);
}

const median = (xs: readonly number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

export async function scaleOutScenario(tag: string): Promise<ScenarioResult> {
  const fake = await startFakeZoho({ seed: 13 });
  const { target, remove } = newTestTarget('postgres');
  const schema = new URL(target).searchParams.get('schema') ?? '';
  const fleet = new Fleet();
  const cleanup = async (): Promise<void> => {
    await fleet.stopAll();
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
    const one = { rounds: [] as number[], median: 0 };
    const three = { rounds: [] as number[], median: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      one.rounds.push(await turnsPerSecond(traffic, () => first.url, `${tag}-one-${r}`));
      three.rounds.push(await turnsPerSecond(traffic, any, `${tag}-three-${r}`));
    }
    one.median = median(one.rounds);
    three.median = median(three.rounds);

    const load = await runVisitors({ count: VISITORS, concurrency: 40, tag, traffic, target: any });
    const settled = await settle(traffic, any, load.conversations, 100_000);
    const a = audit(fake, settled);
    a.lost += load.gaveUp.length;
    const ratio = three.median / one.median;
    return {
      name: 'scale-out',
      audit: a,
      traffic,
      gaveUp: load.gaveUp,
      rows: [
        ['processes', `3 on PostgreSQL schema ${schema}`],
        ['turns/s, one process (median of rounds)', `${one.median.toFixed(0)} (${one.rounds.map((r) => r.toFixed(0)).join(', ')})`],
        ['turns/s, three processes (median of rounds)', `${three.median.toFixed(0)} (${three.rounds.map((r) => r.toFixed(0)).join(', ')})`],
        ['scale-out ratio', ratio.toFixed(2)],
      ],
      extra: { scaleoutRatio: ratio, turnsPerSecondOne: one.median, turnsPerSecondThree: three.median },
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
