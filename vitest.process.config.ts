import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.ts';
import { needsPostgresOrChromium, PROCESS_TESTS } from './vitest.unit.config.ts';

/**
 * `npm run test:process`: the files named *.process.test.ts — tests of what only a `renkei` process
 * shows (a kill -9 and the restart, signals, the binary's exit, the documentation's shell
 * examples) — on SQLite, without PostgreSQL or Chromium. With `npm run test:unit` it is every test
 * that needs neither; `npm test` runs them all (docs/contributing.md, "Tests").
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // Replaces the base's include (mergeConfig would add to it).
    include: [PROCESS_TESTS],
    exclude: [...configDefaults.exclude, ...needsPostgresOrChromium],
    env: { RENKEI_TEST_UNIT: '1' },
  },
});
