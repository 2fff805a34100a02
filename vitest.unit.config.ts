import { globSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `npm run test:unit`: every test that needs neither PostgreSQL nor Chromium nor a `renkei`
 * process, found without a list (docs/contributing.md, "Tests"):
 * - a file that imports test/helpers/browser.ts starts Chromium and is left out;
 * - a file named *postgres.test.ts needs PostgreSQL throughout and is left out;
 * - a file named *.process.test.ts starts `renkei` as a process and runs in `npm run test:process`;
 * - in the other files RENKEI_TEST_UNIT=1 runs `describe.each(STORE_TARGETS)` on SQLite only and
 *   skips `describePostgres` / `itPostgres`, and RENKEI_TEST_NO_PROCESS=1 makes the helpers that
 *   start `renkei` fail; opening PostgreSQL or Chromium anywhere else fails.
 */
const include = base.test?.include ?? [];
const startsChromium = globSync(include, { cwd: import.meta.dirname }).filter((file) =>
  /helpers\/browser\.ts['"]/.test(readFileSync(new URL(file, import.meta.url), 'utf8')),
);

/** What neither test:unit nor test:process runs: the files that need PostgreSQL throughout or Chromium. */
export const needsPostgresOrChromium = ['**/*postgres.test.ts', ...startsChromium];
export const PROCESS_TESTS = '**/*.process.test.ts';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [...configDefaults.exclude, ...needsPostgresOrChromium, PROCESS_TESTS],
      env: { RENKEI_TEST_UNIT: '1', RENKEI_TEST_NO_PROCESS: '1' },
      // Files share their worker and its loaded modules instead of a fresh one each: starting a
      // worker and loading src/ again cost more CPU than most files' tests (152 → 54 CPU s for the
      // files that start no process). Tests here mock no module and stub no global; one that must
      // leaves it as it found it (docs/contributing.md, "Tests").
      isolate: false,
      // Vitest's default, one worker fewer than cores, is one worker on 2 cores; many tests here
      // wait (a retry's backoff against a closed port, a stream's timeout) rather than compute, and
      // a second worker fills that time (112 s against 148 s wall on the same loaded machine).
      maxWorkers: Math.max(2, availableParallelism() - 1),
    },
  }),
);
