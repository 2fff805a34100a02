import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from '../test/helpers/cli.ts';
import type { ProviderFake } from '../test/helpers/provider-fake.ts';
import { publishBot } from './lib/admin.ts';
import { deservesSuccess } from './lib/audit.ts';
import { callTimeoutEnv, providerRun, type ScenarioResult } from './lib/provider-run.ts';

/**
 * The crash scenario's visitors, with one provider's fake misbehaving instead: 20% 5xx, 10% its
 * rate-limit answer (Zoho's 429 with Retry-After, HubSpot's 429 without, Salesforce's 403
 * REQUEST_LIMIT_EXCEEDED), 5% answers slower than the server's call timeout, 2% of creates
 * committed but answered by a dropped connection, search trailing creates by 2 s (where the
 * service's does), every access token expired once mid-run, and the mailing role's refresh token
 * revoked → the newsletter conversations take the integration_invalid port, every other one
 * succeeds; nothing lost, nothing twice.
 */

const CALL_TIMEOUT_MS = 1_500;
/** Where the service's search trails its creates (HubSpot's, Zoho's), by "a few seconds". */
const SEARCH_LAG_MS = 2_000;
/** What the newsletter bot says on its integration_invalid port (the example wires it to the same block as failure). */
export const OFFLINE_TEXT = 'Our mailing system is not connected right now.';

/** examples/newsletter.yaml with integration_invalid on a port of its own, so the transcript tells the two apart. */
function newsletterWithOwnInvalidPort(): string {
  const bot = parse(readFileSync(join(ROOT, 'examples/newsletter.yaml'), 'utf8')) as {
    blocks: Record<string, Record<string, unknown> & { ports?: Record<string, string> }>;
  };
  bot.blocks['subscribe']!.ports!['integration_invalid'] = 'offline';
  bot.blocks['offline'] = { type: 'end', text: OFFLINE_TEXT };
  return stringify(bot);
}

export function faultsScenario(target: ProviderFake, tag: string, visitors: number): Promise<ScenarioResult> {
  return providerRun(target, {
    name: 'faults',
    tag,
    visitors,
    concurrency: 40,
    env: { RENKEI_TURN_WAIT_MS: '0', [callTimeoutEnv(target.provider)]: String(CALL_TIMEOUT_MS) },
    settleMs: 120_000,
    prepare: async ({ fake, roles, server }) => {
      await publishBot(server, 'newsletter', newsletterWithOwnInvalidPort());
      fake.revoke(roles.mailing!);
      fake.randomFaults({
        rate5xx: 0.2,
        rate429: 0.1,
        retryAfterSeconds: 1,
        rateSlow: 0.05,
        slowMs: CALL_TIMEOUT_MS + 1_000,
        rateLostResponse: 0.02,
        searchLagMs: SEARCH_LAG_MS,
      });
    },
    events: [
      { at: 0, what: "mailing's refresh token revoked (before the first visitor)", run: async () => undefined },
      { at: Math.floor(visitors / 2), what: 'every access token expired', run: async ({ fake }) => fake.expireAccessTokens() },
    ],
    expect: (plan) => (plan.bot === 'newsletter' ? { texts: [OFFLINE_TEXT], records: false } : deservesSuccess(plan)),
  });
}
