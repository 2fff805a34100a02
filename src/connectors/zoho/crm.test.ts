import { describe, expect, it } from 'vitest';
import { steppedClock } from '../remote/test-clock.ts';
import type { ContactRequest, DealRequest, LeadRequest } from '../../vocabulary/requests.ts';
import { ctx, FAST, zohoSuite } from './test-support.ts';
import { ZOHO_SCOPES } from './declaration.ts';

const z = await zohoSuite();

const lead = (over: Partial<LeadRequest> = {}): LeadRequest => ({
  name: 'Yui Tanaka',
  email: 'yui@example.jp',
  phone: '+81-90-1234-5678',
  company: '',
  fields: {},
  ...over,
});
const deal = (over: Partial<DealRequest> = {}): DealRequest => ({
  name: 'Chat: Yui Tanaka',
  stage: 'Qualification',
  closingDate: '2026-12-31',
  amount: '120,000',
  contactId: '',
  fields: {},
  ...over,
});
const inserts = (module: string): number => z.fake.stats.byRoute[`POST /crm/v8/${module}`] ?? 0;

describe('crm.lead', () => {
  it('creates a lead with the name split by locale, the default company, Lead_Source and the extra fields', async () => {
    const outcome = await z.connect('crm').createLead(lead({ name: '田中 太郎', fields: { Description: 'from chat' } }), ctx({ locale: 'ja' }));
    const [stored] = z.fake.crm.leads;
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: stored?.id } });
    expect(stored).toMatchObject({
      Last_Name: '田中',
      First_Name: '太郎',
      Email: 'yui@example.jp',
      Phone: '+81-90-1234-5678',
      Company: 'Unknown',
      Lead_Source: 'Chat',
      Description: 'from chat',
    });
  });

  it('puts the last word last in English, keeps a given company, lets fields override Lead_Source and uses a configured default', async () => {
    await z.connect('crm').createLead(lead({ company: 'Example KK', fields: { Lead_Source: 'Web Chat' } }), ctx());
    expect(z.fake.crm.leads[0]).toMatchObject({ Last_Name: 'Tanaka', First_Name: 'Yui', Company: 'Example KK', Lead_Source: 'Web Chat' });
    const record = z.record('crm', { settings: { defaultCompany: 'Individual' } });
    await z.connect('crm', record).createLead(lead({ email: 'solo@example.com', name: 'Cher' }), ctx());
    expect(z.fake.crm.leads[1]).toMatchObject({ Last_Name: 'Cher', Company: 'Individual' });
    expect(z.fake.crm.leads[1]).not.toHaveProperty('First_Name');
  });

  it('answers already_exists with the existing id when the email is found, without inserting', async () => {
    const existing = z.fake.addCrmRecord('Leads', { Last_Name: 'Tanaka', Email: 'YUI@example.jp' });
    const outcome = await z.connect('crm').createLead(lead(), ctx());
    expect(outcome).toMatchObject({ outcome: 'already_exists', outputs: { id: existing.id } });
    expect(inserts('Leads')).toBe(0);
  });

  it("answers already_exists with the duplicate's id when Zoho refuses the insert with DUPLICATE_DATA", async () => {
    // Every answer comes 200 ms after the work: B's lookup runs before A's insert, B's insert after it.
    z.fake.faults.set({ rateSlow: 1, slowMs: 200 });
    const a = z.connect('crm').createLead(lead(), ctx({ effectId: 'a:1' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const b = z.connect('crm').createLead(lead(), ctx({ effectId: 'b:1' }));
    const [first, second] = await Promise.all([a, b]);
    const id = z.fake.crm.leads[0]?.id;
    expect(z.fake.crm.leads).toHaveLength(1);
    expect(first).toEqual({ outcome: 'success', outputs: { id } });
    expect(second).toEqual({ outcome: 'already_exists', outputs: { id }, message: 'duplicate data (DUPLICATE_DATA, field Email)' });
    expect(inserts('Leads')).toBe(2);
  });

  it("fails with Zoho's message and field for a validation error, without retrying", async () => {
    const outcome = await z.connect('crm').createLead(lead({ phone: 'call me maybe' }), ctx());
    expect(outcome).toEqual({
      outcome: 'failure',
      retryable: false,
      message: 'Zoho CRM refused the lead: invalid data (INVALID_DATA, field Phone, expected phone)',
    });
    expect(inserts('Leads')).toBe(1);
  });

  it('retries 5xx answers and then succeeds', async () => {
    z.fake.faults.set({ failNext: { status: 500, count: 2, route: 'POST /crm/v8/Leads' } });
    const outcome = await z.connect('crm').createLead(lead(), ctx());
    expect(outcome.outcome).toBe('success');
    expect(inserts('Leads')).toBe(3);
    expect(z.fake.crm.leads).toHaveLength(1);
  });

  it('waits as long as Retry-After says on a 429', async () => {
    z.fake.faults.set({ retryAfterSeconds: 1, failNext: { status: 429, count: 1, route: 'POST /crm/v8/Leads' } });
    const started = Date.now();
    const outcome = await z.connect('crm').createLead(lead(), ctx());
    expect(outcome.outcome).toBe('success');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up at the deadline with a retryable failure that names the last error', async () => {
    // Time moves only in the backoffs: the deadline falls between two tries, however busy the machine.
    z.useProvider({ ...FAST, deadlineMs: 300, clock: steppedClock() });
    z.fake.faults.set({ rate5xx: 1 });
    const outcome = await z.connect('crm').createLead(lead(), ctx());
    expect(outcome).toMatchObject({ outcome: 'failure', retryable: true, message: expect.stringMatching(/HTTP 500 \(INTERNAL_ERROR/) });
    expect(outcome).not.toHaveProperty('unknownOutcome');
  });

  it('a 429 asking for longer than the deadline fails at once, without waiting', async () => {
    z.useProvider({ ...FAST, deadlineMs: 2_000 });
    z.fake.faults.set({ retryAfterSeconds: 30, failNext: { status: 429, count: 1 } });
    const started = Date.now();
    const outcome = await z.connect('crm').createLead(lead(), ctx());
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(outcome).toMatchObject({ outcome: 'failure', retryable: true, message: expect.stringMatching(/wait 30 s, past the block's deadline/) });
  });

  it('looks a lead up after a lost answer instead of sending it again', async () => {
    z.fake.faults.set({ rateLostResponse: 1 });
    const outcome = await z.connect('crm').createLead(lead(), ctx());
    expect(z.fake.crm.leads).toHaveLength(1);
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: z.fake.crm.leads[0]?.id } });
    expect(inserts('Leads')).toBe(1);
  });

  it('refreshes once when the token expires mid-run, and carries on', async () => {
    const crm = z.connect('crm');
    expect((await crm.createLead(lead({ email: 'a@example.com' }), ctx())).outcome).toBe('success');
    const before = z.fake.stats.tokenRefreshes;
    z.fake.expireAccessTokens();
    expect((await crm.createLead(lead({ email: 'b@example.com' }), ctx())).outcome).toBe('success');
    expect((await crm.createLead(lead({ email: 'c@example.com' }), ctx())).outcome).toBe('success');
    expect(z.fake.stats.tokenRefreshes - before).toBe(1);
  });

  it('refreshes exactly once for 100 concurrent calls after expiry', async () => {
    const crm = z.connect('crm');
    await crm.createLead(lead({ email: 'warm@example.com' }), ctx());
    const before = z.fake.stats.tokenRefreshes;
    z.fake.expireAccessTokens();
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) => z.connect('crm').createLead(lead({ email: `v${i}@example.com` }), ctx({ effectId: `c${i}:1` }))),
    );
    expect(outcomes.every((o) => o.outcome === 'success')).toBe(true);
    expect(z.fake.stats.tokenRefreshes - before).toBe(1);
    expect(z.fake.crm.leads).toHaveLength(101);
  });

  it('is integration_invalid, and marks the integration, when the refresh token was revoked', async () => {
    const client = z.newClient();
    z.fake.revokeRefreshToken(client.refreshToken);
    const outcome = await z.connect('crm', z.record('crm', { client })).createLead(lead(), ctx());
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/invalid_code.*revoked/) });
    expect(z.invalid).toEqual([outcome.outcome === 'integration_invalid' ? outcome.message : '']);
    expect(z.fake.crm.leads).toHaveLength(0);
  });

  it('is integration_invalid when the refresh token is revoked mid-run', async () => {
    const client = z.newClient();
    const crm = z.connect('crm', z.record('crm', { client }));
    expect((await crm.createLead(lead({ email: 'first@example.com' }), ctx())).outcome).toBe('success');
    z.fake.revokeRefreshToken(client.refreshToken);
    expect(await crm.createLead(lead({ email: 'second@example.com' }), ctx())).toMatchObject({ outcome: 'integration_invalid' });
    expect(z.invalid).toHaveLength(1);
  });

  it('is integration_invalid for an unknown client or a wrong secret', async () => {
    const client = z.newClient();
    const wrongSecret = await z.connect('crm', z.record('crm', { client: { ...client, clientSecret: 'nope' } })).createLead(lead(), ctx());
    expect(wrongSecret).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/invalid_client/) });
    const unknown = await z.connect('crm', z.record('crm', { client: { ...client, clientId: '1000.UNKNOWN' } })).createLead(lead(), ctx());
    expect(unknown).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/client id.*data centre/) });
  });

  it('is integration_invalid when the grant lacks a scope the call needs', async () => {
    const client = z.newClient(['ZohoCRM.modules.ALL']);
    const outcome = await z.connect('crm', z.record('crm', { client })).createLead(lead(), ctx());
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/\/crm\/v8\/coql \(OAUTH_SCOPE_MISMATCH/) });
  });

  it('works with exactly the scopes the declaration asks for, which include ZohoCRM.settings.fields.READ for COQL', async () => {
    const client = z.newClient([...ZOHO_SCOPES.crm]);
    const outcome = await z.connect('crm', z.record('crm', { client })).createLead(lead(), ctx());
    expect(outcome.outcome).toBe('success');
  });

  it('finds its own lead by name and phone (three criteria, bracketed) after a lost answer when the visitor gave no email', async () => {
    z.fake.faults.set({ rateLostResponse: 1 });
    const outcome = await z.connect('crm').createLead(lead({ email: '' }), ctx());
    expect(z.fake.crm.leads).toHaveLength(1);
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: z.fake.crm.leads[0]?.id } });
    expect(z.fake.stats.byRoute['POST /crm/v8/coql']).toBe(1);
  });

  it("fails the one call on CRM's NO_PERMISSION (HTTP 403), without marking the integration invalid", async () => {
    z.fake.faults.set({ failNext: { status: 403, count: 1, route: 'POST /crm/v8/Leads' } });
    const outcome = await z.connect('crm').createLead(lead(), ctx());
    expect(outcome).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/NO_PERMISSION/) });
    expect(z.invalid).toEqual([]);
  });

  it('is a retryable failure while the token endpoint throttles, and asks it only once', async () => {
    const client = z.newClient();
    z.fake.faults.set({ tokenThrottle: true });
    z.useProvider({ ...FAST, deadlineMs: 500 });
    const crm = z.connect('crm', z.record('crm', { client }));
    const outcomes = await Promise.all([crm.createLead(lead(), ctx()), crm.createLead(lead({ email: 'x@example.com' }), ctx())]);
    for (const o of outcomes) expect(o).toMatchObject({ outcome: 'failure', retryable: true, message: expect.stringMatching(/throttling/) });
    expect(z.fake.stats.byRoute['POST /oauth/v2/token']).toBe(1);
    expect(z.invalid).toEqual([]);
  });

  it('refuses broken settings as integration_invalid', async () => {
    const outcome = await z.connect('crm', z.record('crm', { settings: { dc: 'mars' } })).createLead(lead(), ctx());
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/dc is not one of the accepted values/) });
  });
});

describe('crm.contact', () => {
  const contact = (over: Partial<ContactRequest> = {}): ContactRequest => ({ ...lead(), company: 'Example KK', ...over });

  it('creates the contact with its company as the Account, found by name or created once', async () => {
    const crm = z.connect('crm');
    const first = await crm.createContact(contact(), ctx());
    const second = await crm.createContact(contact({ email: 'ken@example.jp', name: 'Ken Sato' }), ctx());
    expect(first.outcome).toBe('success');
    expect(second.outcome).toBe('success');
    expect(z.fake.crm.accounts).toHaveLength(1);
    const accountId = z.fake.crm.accounts[0]?.id;
    expect(z.fake.crm.contacts.map((c) => (c.Account_Name as { id: string }).id)).toEqual([accountId, accountId]);
    expect(z.fake.crm.contacts[0]).toMatchObject({ Last_Name: 'Tanaka', First_Name: 'Yui', Lead_Source: 'Chat' });
  });

  it('answers success with the existing contact for a known email (there is no already_exists port)', async () => {
    const existing = z.fake.addCrmRecord('Contacts', { Last_Name: 'Tanaka', Email: 'yui@example.jp' });
    expect(await z.connect('crm').createContact(contact(), ctx())).toEqual({ outcome: 'success', outputs: { id: existing.id } });
    expect(inserts('Contacts')).toBe(0);
  });

  it("finds an account whose name holds a quote (L'Oréal) instead of creating it again", async () => {
    const account = z.fake.addCrmRecord('Accounts', { Account_Name: "L'Oréal" });
    const outcome = await z.connect('crm').createContact(contact({ company: "L'Oréal" }), ctx());
    expect(outcome.outcome).toBe('success');
    expect(z.fake.crm.accounts).toHaveLength(1);
    expect((z.fake.crm.contacts[0]?.Account_Name as { id: string }).id).toBe(account.id);
    const again = await z.connect('crm').createContact(contact({ email: 'macy@example.com', company: "Macy's" }), ctx());
    expect(again.outcome).toBe('success');
    expect(z.fake.crm.accounts.map((a) => a.Account_Name)).toEqual(["L'Oréal", "Macy's"]);
  });

  it('looks a contact up after a lost answer', async () => {
    z.fake.faults.set({ rateLostResponse: 1 });
    const outcome = await z.connect('crm').createContact(contact({ company: '' }), ctx());
    expect(z.fake.crm.contacts).toHaveLength(1);
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: z.fake.crm.contacts[0]?.id } });
  });
});

describe('crm.deal', () => {
  it('creates a deal linked to its contact, with the amount as a number', async () => {
    const c = z.fake.addCrmRecord('Contacts', { Last_Name: 'Tanaka', Email: 'yui@example.jp' });
    const outcome = await z.connect('crm').createDeal(deal({ contactId: c.id }), ctx());
    const [stored] = z.fake.crm.deals;
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: stored?.id } });
    expect(stored).toMatchObject({ Deal_Name: 'Chat: Yui Tanaka', Stage: 'Qualification', Closing_Date: '2026-12-31', Amount: 120000 });
    expect((stored?.Contact_Name as { id: string }).id).toBe(c.id);
  });

  it("fails with Zoho's message for a stage the pipeline does not have, and before calling for a non-number amount", async () => {
    const badStage = await z.connect('crm').createDeal(deal({ stage: 'Dreaming' }), ctx());
    expect(badStage).toMatchObject({ outcome: 'failure', retryable: false, message: expect.stringMatching(/invalid data \(INVALID_DATA, field Stage/) });
    const missing = await z.connect('crm').createDeal(deal({ stage: '' }), ctx());
    expect(missing).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/required field not found \(MANDATORY_NOT_FOUND, field Stage\)/) });
    const before = inserts('Deals');
    expect(await z.connect('crm').createDeal(deal({ amount: 'lots' }), ctx())).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/not a number/),
    });
    expect(inserts('Deals')).toBe(before);
  });

  it('after a timeout once the deal was committed, reports an unknown outcome; the retry finds the deal instead of duplicating it', async () => {
    const c = z.fake.addCrmRecord('Contacts', { Last_Name: 'Tanaka', Email: 'yui@example.jp' });
    // undici checks header timeouts on a ~0.5 s tick, so the answer must be much later than the timeout.
    z.useProvider({ ...FAST, timeoutMs: 200, deadlineMs: 1_500 });
    z.fake.faults.set({ rateSlow: 1, slowMs: 2_500 });
    const startedAt = Date.now();
    const first = await z.connect('crm').createDeal(deal({ contactId: c.id }), ctx());
    expect(first).toMatchObject({ outcome: 'failure', retryable: true, unknownOutcome: true });
    expect(z.fake.crm.deals).toHaveLength(1);

    z.fake.faults.reset();
    const retry = await z.connect('crm').createDeal(deal({ contactId: c.id }), ctx({ retryOfUnknown: true, startedAt }));
    expect(retry).toEqual({ outcome: 'success', outputs: { id: z.fake.crm.deals[0]?.id } });
    expect(z.fake.crm.deals).toHaveLength(1);
  });

  it('a retry after an unknown outcome that finds nothing creates the deal', async () => {
    const outcome = await z.connect('crm').createDeal(deal(), ctx({ retryOfUnknown: true, startedAt: Date.now() }));
    expect(outcome.outcome).toBe('success');
    expect(z.fake.crm.deals).toHaveLength(1);
    expect(z.fake.stats.byRoute['POST /crm/v8/coql']).toBe(1);
  });
});
