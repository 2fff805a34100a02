import { randomBytes } from 'node:crypto';
import Table from 'cli-table3';
import { crashScenario } from './crash.ts';
import { faultsScenario } from './faults.ts';
import { hostileScenario } from './hostile.ts';
import { Fleet } from './lib/fleet.ts';
import type { ScenarioResult } from './lib/zoho-run.ts';
import { PG_URL, SCALEOUT_TARGET, scaleOutScenario } from './scale-out.ts';
import { scanSecrets, type SecretScan } from './secrets.ts';

/**
 * `npm run reliability`: crash, faults, scale-out, hostile input and secrets, one after the
 * other, all on 127.0.0.1; a table per scenario, then one JSON line of the figures. Exits 1 when
 * a figure misses its target (`lost`, `duplicates`, `stuck`, `http_5xx`, `unauthorized_access`,
 * `unbounded_connections`, `formula_cells`, `secret_leaks` all 0; `scaleout_ratio` — three processes capped at 0.2 core each over one —
 * ≥ 2.4, when the scale-out scenario ran) or could not be measured (`skipped` says why: cgroups
 * cannot be made here). `npm run reliability -- scale-out` (or any of crash, faults, scale-out,
 * hostile) runs only those.
 */

/** Whole-run guard: the suite must stop by itself even if something hangs. */
const RUN_LIMIT_MS = 10 * 60_000;
const guard = setTimeout(() => {
  console.error(`reliability: still running after ${RUN_LIMIT_MS / 60_000} minutes; giving up`);
  void Promise.all([...Fleet.running].map((f) => f.stopAll())).finally(() => process.exit(2));
}, RUN_LIMIT_MS);
guard.unref();
// Interrupted (Ctrl-C, a CI timeout): no server is left running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([...Fleet.running].map((f) => f.stopAll())).finally(() => process.exit(130));
  });
}

const tag = randomBytes(3).toString('hex');
const began = performance.now();
const results: ScenarioResult[] = [];
const scans: SecretScan[] = [];

function print(r: ScenarioResult, scan: SecretScan, seconds: number): void {
  const table = new Table({ head: [`${r.name} (${seconds.toFixed(0)} s)`, ''], wordWrap: true, colWidths: [38, 80], style: { head: [], border: [] } });
  const a = r.audit;
  if (r.name !== 'hostile') {
    table.push(
      ['conversations', a.conversations],
      ['records created', a.records],
      ['lost', a.lost],
      ['duplicates', a.duplicates],
      ['stuck', a.stuck],
      ['wrong port', a.wrongPort],
    );
  }
  table.push(
    ...r.rows,
    ['HTTP requests (no answer: retried)', `${r.traffic.requests} (${r.traffic.noAnswer})`],
    ['HTTP 5xx', r.traffic.http5xx],
    ['secret leaks (places scanned)', `${scan.leaks.length} (${scan.places})`],
  );
  console.log(table.toString());
  for (const s of [...a.samples, ...r.traffic.fiveXx, ...r.gaveUp.slice(0, 5), ...scan.leaks.slice(0, 10)]) console.log(`  ! ${s}`);
}

const SCENARIOS: Readonly<Record<string, () => Promise<ScenarioResult>>> = {
  crash: () => crashScenario(`c${tag}`),
  faults: () => faultsScenario(`f${tag}`),
  'scale-out': () => scaleOutScenario(`s${tag}`),
  hostile: () => hostileScenario(),
};
// `npm run reliability -- scale-out` runs the named scenarios alone (the scale-out round on a
// quiet machine, three times in a row, without the other scenarios' load around it).
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !Object.hasOwn(SCENARIOS, name));
if (unknown.length > 0) {
  console.error(`reliability: no scenario ${unknown.map((n) => `"${n}"`).join(', ')}; there are ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}
const scenarios = Object.entries(SCENARIOS)
  .filter(([name]) => chosen.length === 0 || chosen.includes(name))
  .map(([, run]) => run);

let failedToRun = 0;
for (const run of scenarios) {
  const t0 = performance.now();
  let result: ScenarioResult;
  try {
    result = await run();
  } catch (error) {
    failedToRun++;
    console.error(`reliability: a scenario could not run: ${(error as Error).stack ?? String(error)}`);
    continue;
  }
  try {
    // The secrets scan reads the databases and logs before the scenario's servers stop (the -wal is still there).
    const scan = await scanSecrets(result.exposure, PG_URL);
    results.push(result);
    scans.push(scan);
    print(result, scan, (performance.now() - t0) / 1000);
  } catch (error) {
    failedToRun++;
    console.error(`reliability: the secrets scan after ${result.name} failed: ${(error as Error).stack ?? String(error)}`);
  } finally {
    await result.cleanup();
  }
}

const sum = (f: (r: ScenarioResult) => number): number => results.reduce((n, r) => n + f(r), 0);
const extra = (key: string): number => sum((r) => r.extra?.[key] ?? 0);
const scaleOut = results.find((r) => r.name === 'scale-out');
const figure = (value: number | undefined, digits = 0): number | null => (value === undefined ? null : Number(value.toFixed(digits)));
const figures = {
  lost: sum((r) => r.audit.lost),
  duplicates: sum((r) => r.audit.duplicates),
  stuck: sum((r) => r.audit.stuck),
  wrong_port: sum((r) => r.audit.wrongPort),
  http_5xx: sum((r) => r.traffic.http5xx),
  unauthorized_access: extra('unauthorizedAccess'),
  unbounded_connections: extra('unboundedConnections'),
  formula_cells: extra('formulaCells'),
  crashed: extra('crashed'),
  secret_leaks: scans.reduce((n, s) => n + s.leaks.length, 0),
  scaleout_ratio: figure(scaleOut?.extra?.['scaleoutRatio'], 2),
  scaleout_ratio_uncapped: figure(scaleOut?.extra?.['scaleoutRatioUncapped'], 2),
  scaleout_ratio_same_visitors: figure(scaleOut?.extra?.['scaleoutRatioSameVisitors'], 2),
  turns_per_second_one: figure(scaleOut?.extra?.['turnsPerSecondOne']),
  turns_per_second_three: figure(scaleOut?.extra?.['turnsPerSecondThree']),
  turns_per_second_one_capped: figure(scaleOut?.extra?.['turnsPerSecondOneCapped']),
  turns_per_second_three_capped: figure(scaleOut?.extra?.['turnsPerSecondThreeCapped']),
  skipped: Object.assign({}, ...results.map((r) => r.skipped ?? {})) as Record<string, string>,
  records: sum((r) => r.audit.records),
  conversations: sum((r) => (r.name === 'hostile' ? 0 : r.audit.conversations)),
  scenarios_failed_to_run: failedToRun,
  seconds: Math.round((performance.now() - began) / 1000),
};
console.log(JSON.stringify(figures));
const ok =
  failedToRun === 0 &&
  [
    figures.lost,
    figures.duplicates,
    figures.stuck,
    figures.wrong_port,
    figures.http_5xx,
    figures.unauthorized_access,
    figures.unbounded_connections,
    figures.formula_cells,
    figures.crashed,
    figures.secret_leaks,
  ].every((n) => n === 0) &&
  Object.keys(figures.skipped).length === 0 &&
  (scaleOut === undefined || (figures.scaleout_ratio ?? 0) >= SCALEOUT_TARGET);
clearTimeout(guard);
process.exit(ok ? 0 : 1);
