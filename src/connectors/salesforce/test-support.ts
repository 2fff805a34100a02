import { afterAll, beforeEach } from 'vitest';
import { startFakeSalesforce, type Client, type FakeSalesforce } from '../../../test/fake-salesforce/index.ts';
import type { IntegrationRecord } from '../../vocabulary/integration.ts';
import type { CallContext, Role, RoleConnectors } from '../../vocabulary/roles.ts';
import type { IntegrationHooks } from '../provider.ts';
import { createSalesforceProvider, type SalesforceProvider, type SalesforceProviderOptions } from './provider.ts';

/** Fast retries so fault tests take milliseconds; the deadline still bounds them. */
export const FAST: SalesforceProviderOptions = { timeoutMs: 2_000, retry: { baseMs: 5, capMs: 40 }, deadlineMs: 8_000 };

export const ctx = (over: Partial<CallContext> = {}): CallContext => ({ effectId: 'conv-1:1', botId: 'support', locale: 'en', ...over });

/** A running fake Salesforce and a provider pointed at it, the way `integrations set … --login-url` would. */
export interface SalesforceHarness {
  readonly fake: FakeSalesforce;
  provider: SalesforceProvider;
  readonly invalid: string[];
  readonly hooks: IntegrationHooks;
  record(role: Role, over?: { settings?: Record<string, string>; client?: Client }): IntegrationRecord;
  connect<R extends Role>(role: R, record?: IntegrationRecord): RoleConnectors[R];
  useProvider(options: SalesforceProviderOptions): void;
}

/**
 * The harness for a whole test file (top-level await): closed after the file; before each test a
 * clean org, fresh fast provider caches and no invalid marks.
 */
export async function salesforceSuite(options: SalesforceProviderOptions = FAST): Promise<SalesforceHarness> {
  const fake = await startFakeSalesforce();
  const invalid: string[] = [];
  const hooks: IntegrationHooks = {
    markInvalid: async (message) => {
      invalid.push(message);
    },
  };
  const harness: SalesforceHarness = {
    fake,
    provider: createSalesforceProvider(options),
    invalid,
    hooks,
    record(role, over = {}) {
      const client = over.client ?? fake.client;
      return {
        role,
        provider: 'salesforce',
        enabled: true,
        status: 'ok',
        settings: { clientId: client.clientId, loginUrl: fake.url, ...over.settings },
        secrets: { clientSecret: client.clientSecret, refreshToken: client.refreshToken },
      };
    },
    connect(role, record) {
      return harness.provider.connect(role, record ?? harness.record(role), hooks);
    },
    useProvider(o) {
      harness.provider = createSalesforceProvider(o);
    },
  };
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    harness.useProvider(options);
    invalid.length = 0;
  });
  return harness;
}
