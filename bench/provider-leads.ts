import type { IntegrationRecord } from '../src/vocabulary/integration.ts';
import type { ProviderFake } from '../test/helpers/provider-fake.ts';

const LEADS = 1_000;

/**
 * 1,000 concurrent lead creations against a provider's fake right after every access token
 * expired, with 20% of API calls answering 5xx and 10% answering the service's rate-limit answer
 * (Retry-After: 1): how many token refreshes that causes (the single-flight target is 1), how many
 * leads exist afterwards, and how many were lost or duplicated. Figures are named
 * `<provider>_token_refreshes`, `_leads_created`, `_duplicates`, `_lost`, `_burst_seconds`.
 */
export async function benchProviderLeads(target: ProviderFake): Promise<Record<string, number>> {
  const fake = await target.start({ seed: 1 });
  try {
    const provider = target.benchProvider();
    const { settings, secrets } = fake.integration('crm');
    const record: IntegrationRecord = { role: 'crm', provider: target.provider, enabled: true, status: 'ok', settings, secrets };
    const crm = provider.connect('crm', record, { markInvalid: async () => {} });
    const ctx = (i: number) => ({ effectId: `bench:${i}`, botId: 'bench', locale: 'en' as const });
    const lead = (i: number) => ({ name: `Visitor ${i}`, email: `visitor${i}@example.com`, phone: '', company: 'Bench KK', fields: {} });

    // Warm the token cache, then expire every token: the burst below starts on a stale token.
    const warm = await crm.createLead(lead(-1), ctx(-1));
    if (warm.outcome !== 'success') throw new Error(`${target.provider}: the warm-up lead was ${warm.outcome}: ${'message' in warm ? warm.message : ''}`);
    fake.reset();
    fake.expireAccessTokens();
    const refreshesBefore = fake.tokenRefreshes;
    fake.randomFaults({ rate5xx: 0.2, rate429: 0.1, retryAfterSeconds: 1 });

    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: LEADS }, (_, i) => crm.createLead(lead(i), ctx(i))));
    const seconds = (performance.now() - started) / 1000;
    fake.randomFaults(undefined);

    const emails = fake.records.leads().map((l) => l.email.toLowerCase());
    const distinct = new Set(emails);
    const created = Array.from({ length: LEADS }, (_, i) => `visitor${i}@example.com`).filter((e) => distinct.has(e)).length;
    const succeeded = outcomes.filter((o) => o.outcome === 'success').length;
    const p = target.provider.replace(/-/g, '_');
    return {
      [`${p}_token_refreshes`]: fake.tokenRefreshes - refreshesBefore,
      [`${p}_leads_created`]: created,
      [`${p}_duplicates`]: emails.length - distinct.size,
      [`${p}_lost`]: LEADS - Math.min(created, succeeded),
      [`${p}_burst_seconds`]: Math.round(seconds * 100) / 100,
    };
  } finally {
    await fake.close();
  }
}
