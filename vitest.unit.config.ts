import { globSync, readFileSync } from 'node:fs';
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `npm run test:unit`: every test that needs neither PostgreSQL nor Chromium, found without a list
 * (docs/contributing.md, "Tests"):
 * - a file that imports test/helpers/browser.ts starts Chromium and is left out;
 * - a file named *postgres.test.ts needs PostgreSQL throughout and is left out;
 * - in the other files RENKEI_TEST_UNIT=1 runs `describe.each(STORE_TARGETS)` on SQLite only and
 *   skips `describePostgres` / `itPostgres`; opening PostgreSQL or Chromium anywhere else fails.
 */
const include = base.test?.include ?? [];
const startsChromium = globSync(include, { cwd: import.meta.dirname }).filter((file) =>
  /helpers\/browser\.ts['"]/.test(readFileSync(new URL(file, import.meta.url), 'utf8')),
);

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [...configDefaults.exclude, '**/*postgres.test.ts', ...startsChromium],
      env: { RENKEI_TEST_UNIT: '1' },
      // Files share their worker and its loaded modules instead of a fresh one each: starting a
      // worker and loading src/ again cost more CPU than most files' tests (152 → 54 CPU s for the
      // files that start no process). Tests here mock no module and stub no global; one that must
      // leaves it as it found it (docs/contributing.md, "Tests").
      isolate: false,
    },
  }),
);
