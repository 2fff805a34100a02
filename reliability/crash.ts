import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderFake } from '../test/helpers/provider-fake.ts';
import { providerRun, type ScenarioResult } from './lib/provider-run.ts';

/**
 * `visitors` scripted visitors through the four example bots' integration blocks against one
 * provider's fake (all three roles), the server SIGKILLed three times at random moments and
 * restarted on the same database each time. Run once per provider fake.
 */
export function crashScenario(target: ProviderFake, tag: string, visitors: number): Promise<ScenarioResult> {
  // Three kill points at random among the visitors' progress, one in each stretch of the run.
  const at = [0, 1, 2].map((k) => Math.floor(visitors * (0.1 + 0.27 * k + Math.random() * 0.2)));
  return providerRun(target, {
    name: 'crash',
    tag,
    visitors,
    concurrency: 40,
    env: { RENKEI_TURN_WAIT_MS: '0' },
    // The killed process's claims come back after their 30 s lease; then a 40 s block deadline at most.
    settleMs: 100_000,
    events: at.map((point) => ({
      at: point,
      what: 'SIGKILL + restart',
      run: async ({ restart }) => {
        await sleep(Math.random() * 300);
        await restart();
      },
    })),
  });
}
