import { randomBytes } from 'node:crypto';
import { afterAll, beforeEach } from 'vitest';
import { startFakeZoho, type FakeZoho } from '../../../test/fake-zoho/index.ts';
import type { IntegrationHooks } from '../provider.ts';
import type { IntegrationRecord } from '../../vocabulary/integration.ts';
import type { CallContext, Role, RoleConnectors } from '../../vocabulary/roles.ts';
import { createZohoProvider, type ZohoProvider, type ZohoProviderOptions } from './provider.ts';

/** Fast retries so fault tests take milliseconds; the deadline still bounds them. */
export const FAST: ZohoProviderOptions = { timeoutMs: 2_000, retry: { baseMs: 5, capMs: 40 }, deadlineMs: 8_000 };

export const ctx = (over: Partial<CallContext> = {}): CallContext => ({ effectId: 'conv-1:1', botId: 'support', locale: 'en', ...over });

export interface Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
}

/** A connected fake Zoho and a provider pointed at it, the way `integrations set … --api-url` would. */
export interface ZohoHarness {
  readonly fake: FakeZoho;
  provider: ZohoProvider;
  /** Messages the provider marked the integration invalid with. */
  readonly invalid: string[];
  readonly hooks: IntegrationHooks;
  record(role: Role, over?: { settings?: Record<string, string>; secrets?: Record<string, string>; client?: Credentials }): IntegrationRecord;
  connect<R extends Role>(role: R, record?: IntegrationRecord): RoleConnectors[R];
  /** New credentials registered with the fake, so a test can revoke them without touching others' tokens. */
  newClient(scopes?: string[]): Credentials;
  /** A provider with other timings (fresh caches). */
  useProvider(options: ZohoProviderOptions): void;
  close(): Promise<void>;
}

export async function zohoHarness(options: ZohoProviderOptions = FAST): Promise<ZohoHarness> {
  const fake = await startFakeZoho();
  const invalid: string[] = [];
  const hooks: IntegrationHooks = {
    markInvalid: async (message) => {
      invalid.push(message);
    },
  };
  const harness: ZohoHarness = {
    fake,
    provider: createZohoProvider(options),
    invalid,
    hooks,
    record(role, over = {}) {
      const client = over.client ?? fake.client;
      return {
        role,
        provider: 'zoho',
        enabled: true,
        status: 'ok',
        settings: {
          dc: 'com',
          clientId: client.clientId,
          accountsUrl: fake.url,
          apiUrl: fake.url,
          ...(role === 'helpdesk' ? { orgId: fake.orgId } : {}),
          ...over.settings,
        },
        secrets: { clientSecret: client.clientSecret, refreshToken: client.refreshToken, ...over.secrets },
      };
    },
    connect(role, record) {
      return harness.provider.connect(role, record ?? harness.record(role), hooks);
    },
    newClient(scopes) {
      const c = {
        clientId: `1000.${randomBytes(15).toString('hex').toUpperCase()}`,
        clientSecret: randomBytes(21).toString('hex'),
        refreshToken: `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`,
      };
      fake.addClient({ ...c, ...(scopes ? { scopes } : {}) });
      return c;
    },
    useProvider(o) {
      harness.provider = createZohoProvider(o);
    },
    close: () => fake.close(),
  };
  return harness;
}

/**
 * The harness for a whole test file: started once (call it with top-level await), closed after
 * the file, and before each test back to a clean fake, fresh fast provider caches and no invalid marks.
 */
export async function zohoSuite(options: ZohoProviderOptions = FAST): Promise<ZohoHarness> {
  const harness = await zohoHarness(options);
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.fake.reset();
    harness.useProvider(options);
    harness.invalid.length = 0;
  });
  return harness;
}
