import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { createConnectors, dropUnusedTokens, providersFor } from '../src/connectors/registry.ts';
import { storedAccessTokenCache } from '../src/connectors/remote/stored-access-token-cache.ts';
import { steppedClock } from '../src/connectors/remote/test-clock.ts';
import { createWebhookConnector } from '../src/connectors/webhook/webhook.ts';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { getIntegration, setIntegration } from '../src/store/integrations.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { describePostgres, STORE_TARGETS, tempStore } from '../src/store/test-support.ts';
import type { RoleConnectors } from '../src/vocabulary/roles.ts';
import { startFakeZoho } from './fake-zoho/index.ts';

/**
 * Issue 19, item 2: every process of an installation, and every place that makes providers,
 * shares one Zoho access token per credential through the database. Each "process" here is a
 * store of its own over the same database (its own pool), with Renkei's Zoho provider made by
 * `providersFor` over the stored token cache — what `renkei serve` makes at start.
 */
const fake = await startFakeZoho();
afterAll(() => fake.close());

const HOUR = 3600_000;

function newClient() {
  const client = {
    clientId: `1000.${randomBytes(15).toString('hex').toUpperCase()}`,
    clientSecret: randomBytes(21).toString('hex'),
    refreshToken: `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`,
  };
  fake.addClient(client);
  return client;
}

/** The crm integration as `renkei integrations set crm zoho --api-url …` stores it. */
async function connectCrm(store: Store, box: SecretBox, client = newClient()): Promise<void> {
  const { clientId, clientSecret, refreshToken } = client;
  await setIntegration(store.db, 'crm', 'zoho', { dc: 'com', clientId, accountsUrl: fake.url, apiUrl: fake.url }, box.seal({ clientSecret, refreshToken }));
}

/** One server process's connectors over the database, its clock the test's. */
function processOn(store: Store, box: SecretBox, clock = steppedClock()): RoleConnectors {
  return createConnectors(store, {
    providers: providersFor(store, { tokens: storedAccessTokenCache(store, () => box), clock }),
    decrypt: (blob) => box.open(blob),
    webhook: createWebhookConnector({ allowPrivate: false }),
  });
}

async function createLead(connectors: RoleConnectors): Promise<string> {
  const id = randomBytes(6).toString('hex');
  const outcome = await connectors.crm.createLead(
    { name: `Aoi ${id}`, email: `aoi.${id}@example.com`, phone: '', company: 'Acme', fields: {} },
    { effectId: `conv-${id}:1`, botId: 'support', locale: 'en' },
  );
  return outcome.outcome;
}

/** Refreshes the accounts server saw while `fn` ran. */
async function refreshesDuring(fn: () => Promise<unknown>): Promise<number> {
  const before = fake.stats.tokenRefreshes;
  await fn();
  return fake.stats.tokenRefreshes - before;
}

/** Another process's store on the same database, closed when the test ends. */
async function reopened(store: Store & { readonly target: string }): Promise<Store> {
  const other = await openStore(store.target);
  onTestFinished(() => other.close());
  return other;
}

describe.each(STORE_TARGETS)("the installation's Zoho access tokens on %s", (kind) => {
  it('are refreshed once for many concurrent calls, and a process that starts reuses the stored one', async () => {
    const store = await tempStore(kind);
    const box = new SecretBox(randomBytes(32));
    await connectCrm(store, box);
    const first = processOn(store, box);
    expect(
      await refreshesDuring(async () => expect(await Promise.all(Array.from({ length: 20 }, () => createLead(first)))).toEqual(Array(20).fill('success'))),
    ).toBe(1);

    const restarted = processOn(await reopened(store), box);
    expect(await refreshesDuring(async () => expect(await createLead(restarted)).toBe('success'))).toBe(0);
  });

  it('after every token expired, one refresh serves all calls', async () => {
    const store = await tempStore(kind);
    const box = new SecretBox(randomBytes(32));
    await connectCrm(store, box);
    const clock = steppedClock();
    const connectors = processOn(store, box, clock);
    expect(await createLead(connectors)).toBe('success');
    // By the provider's clock the token is due: it is refreshed before Zoho would refuse it.
    clock.advance(HOUR);
    expect(await refreshesDuring(async () => expect(await createLead(connectors)).toBe('success'))).toBe(1);
    fake.expireAccessTokens();
    clock.advance(2 * HOUR);
    const refreshes = await refreshesDuring(async () => {
      expect(await Promise.all(Array.from({ length: 30 }, () => createLead(connectors)))).toEqual(Array(30).fill('success'));
    });
    expect(refreshes).toBe(1);
  });

  it('are never reused for new credentials, and the old credentials’ tokens are dropped', async () => {
    const store = await tempStore(kind);
    const box = new SecretBox(randomBytes(32));
    await connectCrm(store, box);
    const connectors = processOn(store, box);
    expect(await createLead(connectors)).toBe('success');
    const [old] = await store.db.selectFrom('access_tokens').select('key').execute();

    // Another refresh token of another client: the stored token is its predecessor's.
    await connectCrm(store, box);
    expect(await dropUnusedTokens(store, (blob) => box.open(blob))).toBe(1);
    expect(await store.db.selectFrom('access_tokens').select('key').execute()).toEqual([]);
    expect(await refreshesDuring(async () => expect(await createLead(connectors)).toBe('success'))).toBe(1);
    const keys = (await store.db.selectFrom('access_tokens').select('key').execute()).map((r) => r.key);
    expect(keys).toHaveLength(1);
    expect(keys).not.toContain(old!.key);

    // The same credentials set again keep their token; a builtin crm leaves none behind.
    expect(await dropUnusedTokens(store, (blob) => box.open(blob))).toBe(0);
    await setIntegration(store.db, 'crm', 'builtin', {}, null);
    expect(await dropUnusedTokens(store, (blob) => box.open(blob))).toBe(1);
    expect(await store.db.selectFrom('access_tokens').select('key').execute()).toEqual([]);
  });

  it('are all kept when some integration’s secrets cannot be opened', async () => {
    const store = await tempStore(kind);
    const box = new SecretBox(randomBytes(32));
    await connectCrm(store, box);
    expect(await createLead(processOn(store, box))).toBe('success');
    const wrongKey = new SecretBox(randomBytes(32));
    await expect(getIntegration(store.db, 'crm', (blob) => wrongKey.open(blob))).rejects.toThrow();
    expect(await dropUnusedTokens(store, (blob) => wrongKey.open(blob))).toBe(0);
    expect(await store.db.selectFrom('access_tokens').select('key').execute()).toHaveLength(1);
  });
});

describePostgres('Zoho access tokens shared by two processes on PostgreSQL', () => {
  it('after every token expired, calls through both processes make exactly one refresh', async () => {
    const store = await tempStore('postgres');
    const box = new SecretBox(randomBytes(32));
    await connectCrm(store, box);
    const clocks = [steppedClock(), steppedClock()];
    const processes = [processOn(store, box, clocks[0]), processOn(await reopened(store), box, clocks[1])];
    // The second process to start finds the first one's token.
    expect(await refreshesDuring(async () => expect(await createLead(processes[0]!)).toBe('success'))).toBe(1);
    expect(await refreshesDuring(async () => expect(await createLead(processes[1]!)).toBe('success'))).toBe(0);

    fake.expireAccessTokens();
    for (const clock of clocks) clock.advance(2 * HOUR);
    const refreshes = await refreshesDuring(async () => {
      const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => createLead(processes[i % 2]!)));
      expect(outcomes).toEqual(Array(60).fill('success'));
    });
    expect(refreshes).toBe(1);
  });

  it('when Zoho refuses the token before its time, both processes recover with one refresh', async () => {
    const store = await tempStore('postgres');
    const box = new SecretBox(randomBytes(32));
    await connectCrm(store, box);
    const processes = [processOn(store, box), processOn(await reopened(store), box)];
    for (const p of processes) expect(await createLead(p)).toBe('success');

    // Revoked at Zoho while every clock still counts it valid: each process meets a 401.
    fake.expireAccessTokens();
    const refreshes = await refreshesDuring(async () => {
      const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => createLead(processes[i % 2]!)));
      expect(outcomes).toEqual(Array(40).fill('success'));
    });
    expect(refreshes).toBe(1);
  });
});
