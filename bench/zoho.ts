import { createZohoProvider } from '../src/connectors/zoho/provider.ts';
import type { IntegrationRecord } from '../src/vocabulary/integration.ts';
import { startFakeZoho } from '../test/fake-zoho/index.ts';

const LEADS = 1_000;

/**
 * 1,000 concurrent lead creations against the fake Zoho right after every access token expired,
 * with 20% of API calls answering 5xx and 10% answering 429 (Retry-After: 1): how many token
 * refreshes that causes (the single-flight target is 1), how many leads exist afterwards, and
 * how many were lost or duplicated.
 */
export async function benchZoho(): Promise<Record<string, number>> {
  const fake = await startFakeZoho({ seed: 1 });
  try {
    // Production timings, but a quicker backoff start so the run stays short; Retry-After is honoured.
    const provider = createZohoProvider({ retry: { baseMs: 50, capMs: 2_000 }, connectionsPerHost: 50 });
    const record: IntegrationRecord = {
      role: 'crm',
      provider: 'zoho',
      enabled: true,
      status: 'ok',
      settings: { dc: 'com', clientId: fake.client.clientId, accountsUrl: fake.url, apiUrl: fake.url },
      secrets: { clientSecret: fake.client.clientSecret, refreshToken: fake.client.refreshToken },
    };
    const crm = provider.connect('crm', record, { markInvalid: async () => {} });
    const ctx = (i: number) => ({ effectId: `bench:${i}`, botId: 'bench', locale: 'en' as const });
    const lead = (i: number) => ({ name: `Visitor ${i}`, email: `visitor${i}@example.com`, phone: '', company: 'Bench KK', fields: {} });

    // Warm the token cache, then expire every token: the burst below starts on a stale token.
    await crm.createLead(lead(-1), ctx(-1));
    fake.reset();
    fake.expireAccessTokens();
    const refreshesBefore = fake.stats.tokenRefreshes;
    fake.faults.set({ rate5xx: 0.2, rate429: 0.1, retryAfterSeconds: 1 });

    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: LEADS }, (_, i) => crm.createLead(lead(i), ctx(i))));
    const seconds = (performance.now() - started) / 1000;

    const emails = fake.crm.leads.map((l) => String(l['Email']));
    const distinct = new Set(emails);
    const created = Array.from({ length: LEADS }, (_, i) => `visitor${i}@example.com`).filter((e) => distinct.has(e)).length;
    const succeeded = outcomes.filter((o) => o.outcome === 'success').length;
    return {
      zoho_token_refreshes: fake.stats.tokenRefreshes - refreshesBefore,
      zoho_leads_created: created,
      zoho_duplicates: emails.length - distinct.size,
      zoho_lost: LEADS - Math.min(created, succeeded),
      zoho_burst_seconds: Math.round(seconds * 100) / 100,
    };
  } finally {
    await fake.close();
  }
}
