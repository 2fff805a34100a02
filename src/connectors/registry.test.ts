import { describe, expect, it } from 'vitest';
import { getIntegration, markIntegrationInvalid, removeIntegration, setIntegration, setIntegrationEnabled } from '../store/integrations.ts';
import { listRecords } from '../store/records.ts';
import { STORE_TARGETS, tempStore } from '../store/test-support.ts';
import { createBuiltinProvider } from './builtin/index.ts';
import { callContext, person, subscription, ticket } from './builtin/test-support.ts';
import { failure, integrationInvalid, success, type Outcome } from '../vocabulary/outcome.ts';
import type { IntegrationHooks, Provider } from './provider.ts';
import type { IntegrationRecord } from '../vocabulary/integration.ts';
import { createConnectors, declarationOf, PROVIDER_NAMES, providersFor } from './registry.ts';
import { memoryAccessTokenCache } from './remote/access-token-cache.ts';
import type { Role, RoleConnectors, WebhookConnector } from '../vocabulary/roles.ts';

const webhook: WebhookConnector = { call: async () => success({ status: '200' }) };

type LeadBehaviour = (hooks: IntegrationHooks) => Promise<Outcome>;

/** A stand-in for a remote CRM provider (Zoho arrives later): its leads do what `behaviour` says. */
function remoteProvider(behaviour: LeadBehaviour, seen: IntegrationRecord[] = []): Provider {
  return {
    name: 'zoho',
    roles: ['crm'],
    connect: <R extends Role>(role: R, integration: IntegrationRecord, hooks: IntegrationHooks) => {
      seen.push(integration);
      const unused = async () => failure(`${role} is not served`);
      const connectors: Pick<RoleConnectors, Role> = {
        crm: { createLead: () => behaviour(hooks), createContact: unused, createDeal: unused },
        helpdesk: { createTicket: unused },
        mailing: { subscribe: unused },
      };
      return connectors[role] as RoleConnectors[R];
    },
  };
}

describe.each(STORE_TARGETS)('on %s', (kind) => {
  describe('createConnectors', () => {
    it('runs the builtin provider for every role of a new database and records the success', async () => {
      const store = await tempStore(kind);
      const connectors = createConnectors(store, { webhook });
      expect((await connectors.crm.createLead(person({ name: 'Taro' }), callContext())).outcome).toBe('success');
      expect((await connectors.helpdesk.createTicket(ticket({ subject: 'Hi' }), callContext())).outcome).toBe('success');
      expect((await connectors.mailing.subscribe(subscription({ list: 'Newsletter', email: 'a@example.com' }), callContext())).outcome).toBe('success');
      expect(connectors.webhook).toBe(webhook);
      expect(await listRecords(store.db, 'leads')).toHaveLength(1);
      for (const role of ['crm', 'helpdesk', 'mailing'] as const) {
        expect((await getIntegration(store.db, role))?.lastSuccessAt).not.toBeNull();
      }
    });

    it('is integration_invalid for a disabled role, read at call time, and creates nothing', async () => {
      const store = await tempStore(kind);
      const connectors = createConnectors(store, { webhook });
      await setIntegrationEnabled(store.db, 'crm', false);
      expect(await connectors.crm.createLead(person({ name: 'Taro' }), callContext())).toEqual({
        outcome: 'integration_invalid',
        message: 'the crm integration is disabled',
      });
      expect(await listRecords(store.db, 'leads')).toEqual([]);
      await setIntegrationEnabled(store.db, 'crm', true);
      expect((await connectors.crm.createLead(person({ name: 'Taro' }), callContext())).outcome).toBe('success');
    });

    it('is integration_invalid for a role with no integration', async () => {
      const store = await tempStore(kind);
      await removeIntegration(store.db, 'mailing');
      const connectors = createConnectors(store, { webhook });
      expect(await connectors.mailing.subscribe(subscription({ list: 'Newsletter', email: 'a@example.com' }), callContext())).toEqual({
        outcome: 'integration_invalid',
        message: 'no mailing integration is configured',
      });
    });

    it('is integration_invalid while the integration is marked invalid', async () => {
      const store = await tempStore(kind);
      await markIntegrationInvalid(store.db, 'helpdesk', 'refresh token revoked');
      const connectors = createConnectors(store, { webhook });
      expect(await connectors.helpdesk.createTicket(ticket({ subject: 'Hi' }), callContext())).toEqual({
        outcome: 'integration_invalid',
        message: 'the helpdesk integration is invalid: refresh token revoked',
      });
    });

    it('is integration_invalid when the provider is not available', async () => {
      const store = await tempStore(kind);
      await setIntegration(store.db, 'crm', 'zoho', { dc: 'jp' }, null);
      const connectors = createConnectors(store, { webhook, providers: { builtin: createBuiltinProvider(store.db), zoho: undefined } });
      expect(await connectors.crm.createLead(person({ name: 'Taro' }), callContext())).toEqual({
        outcome: 'integration_invalid',
        message: 'the zoho provider cannot serve the crm integration in this installation',
      });
      expect(providersFor(store).builtin?.name).toBe('builtin');
    });

    it('hands the provider its settings and decrypted secrets', async () => {
      const store = await tempStore(kind);
      await setIntegration(store.db, 'crm', 'zoho', { dc: 'jp' }, 'blob:refresh-1');
      const seen: IntegrationRecord[] = [];
      const provider = remoteProvider(async () => success({ id: 'z-1' }), seen);
      const connectors = createConnectors(store, {
        webhook,
        providers: { builtin: undefined, zoho: provider },
        decrypt: (blob) => ({ refreshToken: blob.replace('blob:', '') }),
      });
      expect(await connectors.crm.createLead(person({ name: 'Taro' }), callContext())).toEqual(success({ id: 'z-1' }));
      expect(seen[0]).toMatchObject({ role: 'crm', provider: 'zoho', settings: { dc: 'jp' }, secrets: { refreshToken: 'refresh-1' } });
      expect(await getIntegration(store.db, 'crm')).toMatchObject({ status: 'ok', lastError: null });
    });

    it('is integration_invalid when the secrets cannot be decrypted, or no key is given', async () => {
      const store = await tempStore(kind);
      await setIntegration(store.db, 'crm', 'zoho', {}, 'blob');
      const provider = remoteProvider(async () => success({ id: 'never' }));
      const providers = { builtin: undefined, zoho: provider };
      const wrongKey = createConnectors(store, {
        webhook,
        providers,
        decrypt: () => {
          throw new Error('the secret key does not open this blob');
        },
      });
      expect(await wrongKey.crm.createLead(person({ name: 'Taro' }), callContext())).toEqual({
        outcome: 'integration_invalid',
        message: "the crm integration's credentials cannot be decrypted: the secret key does not open this blob",
      });
      const noKey = createConnectors(store, { webhook, providers });
      expect(await noKey.crm.createLead(person({ name: 'Taro' }), callContext())).toEqual({
        outcome: 'integration_invalid',
        message: "the crm integration's credentials cannot be read: no secret key is configured",
      });
    });

    it('turns a thrown error into a retryable failure and records it on the integration', async () => {
      const store = await tempStore(kind);
      await setIntegration(store.db, 'crm', 'zoho', {}, null);
      const provider = remoteProvider(async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:9');
      });
      const connectors = createConnectors(store, { webhook, providers: { builtin: undefined, zoho: provider } });
      expect(await connectors.crm.createLead(person({ name: 'Taro' }), callContext())).toEqual({
        outcome: 'failure',
        message: 'connect ECONNREFUSED 127.0.0.1:9',
        retryable: true,
      });
      const integration = await getIntegration(store.db, 'crm');
      expect(integration).toMatchObject({ lastError: 'connect ECONNREFUSED 127.0.0.1:9', lastSuccessAt: null, status: 'unchecked' });
      expect(integration?.lastFailureAt).not.toBeNull();
    });

    it('lets a provider mark its integration invalid, which later calls then see', async () => {
      const store = await tempStore(kind);
      await setIntegration(store.db, 'crm', 'zoho', {}, null);
      let calls = 0;
      const provider = remoteProvider(async (hooks) => {
        calls += 1;
        await hooks.markInvalid('invalid_code: the refresh token was revoked');
        return integrationInvalid('the refresh token was revoked');
      });
      const connectors = createConnectors(store, { webhook, providers: { builtin: undefined, zoho: provider } });
      expect((await connectors.crm.createLead(person({ name: 'Taro' }), callContext())).outcome).toBe('integration_invalid');
      expect(await getIntegration(store.db, 'crm')).toMatchObject({
        status: 'invalid',
        statusMessage: 'invalid_code: the refresh token was revoked',
      });
      expect(await connectors.crm.createLead(person({ name: 'Taro' }), callContext())).toEqual({
        outcome: 'integration_invalid',
        message: 'the crm integration is invalid: invalid_code: the refresh token was revoked',
      });
      expect(calls).toBe(1);
    });

    it('records a failure outcome with its message, and a builtin refusal too', async () => {
      const store = await tempStore(kind);
      const connectors = createConnectors(store, { webhook });
      await connectors.crm.createLead(person({}), callContext());
      expect(await getIntegration(store.db, 'crm')).toMatchObject({
        lastError: 'a lead needs a name or an email, and both are empty',
        status: 'ok',
      });
    });
  });
});

describe('providersFor', () => {
  it('makes each provider once per store and token cache, so its caches live on; a cache given is used', async () => {
    const store = await tempStore('sqlite');
    const first = providersFor(store);
    expect(providersFor(store)).toEqual(first);
    expect(Object.keys(first)).toEqual([...PROVIDER_NAMES]);
    const tokens = memoryAccessTokenCache();
    const withCache = providersFor(store, { tokens });
    expect(withCache['zoho']).not.toBe(first['zoho']);
    expect(providersFor(store, { tokens })['zoho']).toBe(withCache['zoho']);
  });
});

describe('where a provider’s service lives (integrations list)', () => {
  it('is a host, never a URL’s user info, path or query', () => {
    const where = (name: string, settings: Record<string, string | undefined>) => declarationOf(name)!.where(settings);
    expect(where('hubspot', {})).toBe('api.hubapi.com');
    expect(where('hubspot', { apiUrl: 'https://user:s3cret@proxy.example:8443/hubspot?key=s3cret' })).toBe('proxy.example:8443');
    expect(where('salesforce', {})).toBe('login.salesforce.com');
    expect(where('salesforce', { loginUrl: 'https://acme.my.salesforce.com' })).toBe('acme.my.salesforce.com');
    expect(where('zoho', { dc: 'jp' })).toBe('jp');
    expect(where('builtin', {})).toBeUndefined();
  });
});
