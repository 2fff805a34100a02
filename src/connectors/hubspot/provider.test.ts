import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot } from '../../../test/fake-hubspot/index.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { tempStore } from '../../store/test-support.ts';
import { storedAccessTokenCache } from '../remote/stored-access-token-cache.ts';
import type { IntegrationRecord } from '../../vocabulary/integration.ts';
import type { Role } from '../../vocabulary/roles.ts';
import { HubSpotApi } from './http.ts';
import { HubSpotOAuth } from './oauth.ts';
import { createObject } from './objects.ts';
import { createHubSpotProvider } from './provider.ts';
import { HUBSPOT_SCOPES } from './scopes.ts';

let fake: FakeHubSpot;
beforeAll(async () => {
  fake = await startFakeHubSpot({ seed: 11 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const quick = { retry: { baseMs: 5, capMs: 50 }, deadlineMs: 5_000, directoryRefetchMs: 0 };
const record = (role: Role, app = fake.app): IntegrationRecord => ({
  role,
  provider: 'hubspot',
  enabled: true,
  status: 'ok',
  settings: { clientId: app.clientId, apiUrl: fake.url },
  secrets: { clientSecret: app.clientSecret, refreshToken: app.refreshToken },
});
const ctx = (n = 1, extra: Record<string, unknown> = {}) => ({ effectId: `e${n}`, botId: 'b', locale: 'en' as const, ...extra });
const person = (email: string, over: Record<string, unknown> = {}) => ({ name: 'Yui Tanaka', email, phone: '090', company: '', fields: {}, ...over });
const ticket = (over: Record<string, unknown> = {}) => ({
  subject: 'Help',
  description: 'It broke',
  status: '',
  priority: '',
  classification: '',
  department: 'Support',
  assignee: '',
  contact: { name: 'Ken Sato', email: 'ken@example.com', phone: '' },
  ...over,
});
let marked: string[];
const hooks = { markInvalid: async (m: string) => void marked.push(m) };
beforeEach(() => {
  marked = [];
});
const crmOf = (p = createHubSpotProvider(quick), r = record('crm')) => p.connect('crm', r, hooks);

describe('hubspot crm', () => {
  it('creates a lead as a contact with lifecycle stage lead; a known email is already_exists with its id', async () => {
    const crm = crmOf();
    const first = await crm.createLead(
      person('yui@example.com', { company: 'Example KK', fields: { Job_Title: 'CTO', Lead_Source: 'Chat', Description: 'hi' } }),
      ctx(),
    );
    // Sent by their HubSpot names; Zoho's Lead_Source has no writable match and is named in the log.
    expect(first).toMatchObject({ outcome: 'success', message: 'HubSpot contact has no field "Lead_Source": left out of the record (the rest was saved)' });
    expect(fake.contacts[0]!.properties).toMatchObject({
      firstname: 'Yui',
      lastname: 'Tanaka',
      email: 'yui@example.com',
      lifecyclestage: 'lead',
      company: 'Example KK',
      jobtitle: 'CTO',
      message: 'hi',
    });
    expect(fake.contacts[0]!.properties).not.toHaveProperty('Lead_Source');
    const again = await crm.createLead(person('YUI@example.com'), ctx(2));
    expect(again).toMatchObject({ outcome: 'already_exists', outputs: { id: fake.contacts[0]!.id } });
    expect(fake.contacts).toHaveLength(1);
  });

  it('after a lost answer, a contact with that email from before the effect is already_exists, not ours', async () => {
    const crm = crmOf();
    const existing = fake.data.insert('contacts', { email: 'race@example.com' }, [], new Date(Date.now() - 3_600_000));
    const outcome = await crm.createLead(person('race@example.com'), ctx(1, { retryOfUnknown: true, startedAt: Date.now() }));
    expect(outcome).toMatchObject({ outcome: 'already_exists', outputs: { id: existing.id } });
  });

  it("HubSpot's 409 names the contact already there: a duplicate with its id", async () => {
    const existing = fake.data.insert('contacts', { email: 'taken@example.com' });
    const api = new HubSpotApi(new HubSpotOAuth({ apiOrigin: fake.url, ...fake.app }), fake.url, { timeoutMs: 5_000, retry: quick.retry });
    const result = await createObject(api, 'contacts', { email: 'taken@example.com' }, [], { deadline: Date.now() + 5_000 });
    expect(result).toEqual({ kind: 'duplicate', id: existing.id, message: `Contact already exists. Existing ID: ${existing.id}` });
  });

  it('refreshes once for many calls after the token expired, and retries a 401 with the fresh token', async () => {
    const crm = crmOf();
    await crm.createLead(person('warm@example.com'), ctx(0));
    fake.expireAccessTokens();
    const before = fake.stats.tokenRefreshes;
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => crm.createLead(person(`p${i}@example.com`), ctx(i + 1))));
    expect(outcomes.every((o) => o.outcome === 'success')).toBe(true);
    expect(fake.stats.tokenRefreshes - before).toBe(1);
  });

  it('retries 429 (ten-secondly) and 5xx within the deadline; the daily limit is a failure naming it at once, not retried', async () => {
    const crm = crmOf();
    fake.faults.set({ failNext: { status: 429, count: 2, route: 'POST /crm/v3/objects/contacts' } });
    expect(await crm.createLead(person('a@example.com'), ctx())).toMatchObject({ outcome: 'success' });
    fake.faults.set({ failNext: { status: 502, count: 1, route: 'GET /crm/v3/objects/contacts/*' } });
    expect(await crm.createLead(person('b@example.com'), ctx(2))).toMatchObject({ outcome: 'success' });
    fake.faults.set({ dailyLimit: true });
    const before = fake.stats.requests;
    const daily = await crm.createLead(person('c@example.com'), ctx(3));
    expect(daily).toMatchObject({ outcome: 'failure', retryable: true, message: expect.stringContaining("the account's daily API limit") });
    expect(daily).toMatchObject({ message: expect.stringContaining('not retried') });
    // One look-up by email, answered with the daily 429: nothing more is sent until the limit resets.
    expect(fake.stats.requests - before).toBe(1);
  });

  it('after a lost answer the contact is found by email and not created twice', async () => {
    const crm = crmOf();
    fake.faults.set({ rateLostResponse: 1 });
    const lost = await crm.createLead(person('lost@example.com'), ctx());
    fake.faults.set({ rateLostResponse: 0 });
    expect(lost).toMatchObject({ outcome: 'success', outputs: { id: fake.contacts[0]!.id } });
    expect(fake.contacts).toHaveLength(1);
  });

  it('a contact gets its company associated: found by name, by the email domain, or created', async () => {
    const crm = crmOf();
    const byDomain = fake.data.insert('companies', { name: 'Sato Shoji Co.', domain: 'sato.co.jp' });
    await crm.createContact(person('ken@sato.co.jp', { company: 'Sato' }), ctx());
    expect(fake.contacts[0]!.associations).toEqual([{ toType: 'companies', toId: byDomain.id, typeId: 279 }]);
    await crm.createContact(person('mia@gmail.com', { company: 'Mia Design' }), ctx(2));
    expect(fake.companies.map((c) => c.properties['name'])).toEqual(['Sato Shoji Co.', 'Mia Design']);
    expect(fake.companies[1]!.properties['domain']).toBeUndefined();
    const existing = await crm.createContact(person('mia@gmail.com', { company: 'Other' }), ctx(3));
    expect(existing).toMatchObject({ outcome: 'success', outputs: { id: fake.contacts[1]!.id } });
    expect(fake.contacts).toHaveLength(2);
  });

  it("a company whose answer was lost is found again, not created twice, when HubSpot's search index trails the create", async () => {
    const crm = crmOf();
    fake.faults.set({ rateLostResponse: 1, searchLagMs: 1_000 });
    const outcome = await crm.createContact(person('mia@gmail.com', { company: 'Lagging Design' }), ctx());
    fake.faults.set({ rateLostResponse: 0, searchLagMs: 0 });
    expect(fake.companies.map((c) => c.properties['name'])).toEqual(['Lagging Design']);
    expect(outcome).toMatchObject({ outcome: 'success', outputs: { id: fake.contacts[0]!.id } });
    expect(fake.contacts[0]!.associations).toEqual([{ toType: 'companies', toId: fake.companies[0]!.id, typeId: 279 }]);
  });

  it('a deal goes to the pipeline of the stage named (by label or id), associated with the contact; an unknown stage is a failure', async () => {
    const crm = crmOf();
    const contact = await crm.createContact(person('d@example.com'), ctx());
    const contactId = contact.outcome === 'success' ? contact.outputs['id']! : '';
    const deal = await crm.createDeal({ name: 'Quote', stage: 'qualification', closingDate: '2026-12-01', amount: '12,000', contactId, fields: {} }, ctx(2));
    expect(deal).toMatchObject({ outcome: 'success' });
    expect(fake.deals[0]!.properties).toMatchObject({ pipeline: '75312', dealstage: '75313', amount: '12000', closedate: '2026-12-01T00:00:00.000Z' });
    expect(fake.deals[0]!.associations).toEqual([{ toType: 'contacts', toId: contactId, typeId: 3 }]);
    await crm.createDeal({ name: 'Other', stage: 'closedwon', closingDate: '', amount: '', contactId: '', fields: {} }, ctx(3));
    expect(fake.deals[1]!.properties).toMatchObject({ pipeline: 'default', dealstage: 'closedwon' });
    expect(deal).not.toHaveProperty('message');
    expect(await crm.createDeal({ name: 'X', stage: 'Nope', closingDate: '', amount: '', contactId: '', fields: {} }, ctx(4))).toMatchObject({
      outcome: 'failure',
      message: expect.stringContaining('no deal stage "Nope"'),
    });
    expect(await crm.createDeal({ name: 'X', stage: '', closingDate: '', amount: 'lots', contactId: '', fields: {} }, ctx(5))).toMatchObject({
      outcome: 'failure',
    });
  });

  it("a deal's extra fields go to HubSpot's deal properties; those it lacks are named in the log, the deal made anyway", async () => {
    const crm = crmOf();
    const deal = await crm.createDeal(
      {
        name: 'Quote',
        stage: '',
        closingDate: '',
        amount: '',
        contactId: '',
        fields: { Deal_Type: 'newbusiness', Description: 'from chat', Next_Step: 'call' },
      },
      ctx(),
    );
    expect(deal).toMatchObject({ outcome: 'success', message: 'HubSpot deal has no field "Next_Step": left out of the record (the rest was saved)' });
    expect(fake.deals[0]!.properties).toMatchObject({ dealtype: 'newbusiness', description: 'from chat' });
    expect(fake.deals[0]!.properties).not.toHaveProperty('Next_Step');
  });

  it("the account's custom properties are sent; read-only or calculated ones are left out and named as such in the log", async () => {
    const crm = crmOf();
    const lead = await crm.createLead(
      person('fc@example.com', { fields: { Favorite_Color: 'teal', chat_topic: 'pricing', lifetime_score: '99', Shoe_Size: '42' } }),
      ctx(),
    );
    expect(lead).toMatchObject({
      outcome: 'success',
      message:
        'HubSpot contact has no field "Shoe_Size"; HubSpot contact field "lifetime_score" cannot be set (read-only): left out of the record (the rest was saved)',
    });
    expect(fake.contacts[0]!.properties).toMatchObject({ favorite_color: 'teal', chat_topic: 'pricing' });
    expect(fake.contacts[0]!.properties).not.toHaveProperty('lifetime_score');
    const deal = await crm.createDeal(
      { name: 'Ref', stage: '', closingDate: '', amount: '', contactId: '', fields: { referral_code: 'R-7', hs_deal_stage_probability: '0.9' } },
      ctx(2),
    );
    expect(deal).toMatchObject({
      outcome: 'success',
      message: 'HubSpot deal field "hs_deal_stage_probability" cannot be set (read-only): left out of the record (the rest was saved)',
    });
    expect(fake.deals[0]!.properties).toMatchObject({ referral_code: 'R-7' });
  });

  it('a property made in HubSpot after the list was read is found on the next block; a failed listing fails the block, creating nothing', async () => {
    const p = createHubSpotProvider(quick);
    const crm = crmOf(p);
    expect(await crm.createLead(person('a@example.com', { fields: { preferred_store: 'Shibuya' } }), ctx())).toMatchObject({
      message: 'HubSpot contact has no field "preferred_store": left out of the record (the rest was saved)',
    });
    fake.data.addProperty('contacts', { name: 'preferred_store' });
    expect(await crm.createLead(person('b@example.com', { fields: { preferred_store: 'Shibuya' } }), ctx(2))).toEqual(
      expect.not.objectContaining({ message: expect.anything() }),
    );
    expect(fake.contacts[1]!.properties).toMatchObject({ preferred_store: 'Shibuya' });
    // The re-read after a miss is best effort: when it fails, the block goes on with the list it has.
    fake.faults.set({ failNext: { status: 400, count: 1, route: 'GET /crm/v3/properties/contacts' } });
    expect(await crm.createLead(person('d@example.com', { fields: { preferred_store: 'Ebisu', Shoe_Size: '42' } }), ctx(4))).toMatchObject({
      outcome: 'success',
      message: 'HubSpot contact has no field "Shoe_Size": left out of the record (the rest was saved)',
    });
    expect(fake.contacts[2]!.properties).toMatchObject({ email: 'd@example.com', preferred_store: 'Ebisu' });
    expect(fake.faults.current.failNext).toBeNull();

    const fresh = crmOf(createHubSpotProvider(quick));
    fake.faults.set({ failNext: { status: 403, count: 1, route: 'GET /crm/v3/properties/contacts' } });
    const refused = await fresh.createContact(person('c@example.com', { company: 'New Co', fields: { favorite_color: 'red' } }), ctx(3));
    expect(refused.outcome).toBe('failure');
    expect(fake.contacts).toHaveLength(3);
    expect(fake.companies).toHaveLength(0);
  });

  it('a deal whose answer was lost is found by search and not created twice', async () => {
    const crm = crmOf();
    fake.faults.set({ rateLostResponse: 1 });
    const outcome = await crm.createDeal({ name: 'Lost deal', stage: 'Proposal', closingDate: '', amount: '', contactId: '', fields: {} }, ctx());
    fake.faults.set({ rateLostResponse: 0 });
    expect(outcome).toMatchObject({ outcome: 'success', outputs: { id: fake.deals[0]!.id } });
    expect(fake.deals).toHaveLength(1);
  });
  it('a lost deal too new for search, with no time left to look again, is an unknown outcome, not a second deal; the retry finds it', async () => {
    const startedAt = Date.now();
    const short = crmOf(createHubSpotProvider({ ...quick, deadlineMs: 2_500 }));
    fake.faults.set({ rateLostResponse: 1, searchLagMs: 60_000 });
    const deal = { name: 'Late deal', stage: 'Proposal', closingDate: '', amount: '', contactId: '', fields: {} };
    const first = await short.createDeal(deal, ctx(1, { startedAt }));
    expect(first).toMatchObject({ outcome: 'failure', retryable: true, unknownOutcome: true });
    expect(fake.deals).toHaveLength(1);
    fake.faults.set({ rateLostResponse: 0, searchLagMs: 0 });
    const retry = await crmOf().createDeal(deal, ctx(1, { startedAt, retryOfUnknown: true }));
    expect(retry).toMatchObject({ outcome: 'success', outputs: { id: fake.deals[0]!.id } });
    expect(fake.deals).toHaveLength(1);
  });
  it("a lost deal is still found when HubSpot's search index trails the create", async () => {
    const crm = crmOf();
    fake.faults.set({ rateLostResponse: 1, searchLagMs: 1_000 });
    const outcome = await crm.createDeal({ name: 'Lagging deal', stage: 'Proposal', closingDate: '', amount: '', contactId: '', fields: {} }, ctx());
    fake.faults.set({ rateLostResponse: 0, searchLagMs: 0 });
    expect(outcome).toMatchObject({ outcome: 'success', outputs: { id: fake.deals[0]!.id } });
    expect(fake.deals).toHaveLength(1);
  });
});

describe('hubspot tickets', () => {
  const desk = (p = createHubSpotProvider(quick), r = record('helpdesk')) => p.connect('helpdesk', r, hooks);

  it('maps department, status, priority, category and owner by label or value; the visitor is the associated contact', async () => {
    const outcome = await desk().createTicket(
      ticket({ status: 'waiting on contact', priority: 'HIGH', classification: 'Question', assignee: 'agent@example.com' }),
      ctx(),
    );
    const t = fake.tickets[0]!;
    expect(outcome).toMatchObject({ outcome: 'success', outputs: { id: t.id, number: t.id } });
    expect(t.properties).toMatchObject({
      subject: 'Help',
      content: 'It broke',
      hs_pipeline: '0',
      hs_pipeline_stage: '2',
      hs_ticket_priority: 'HIGH',
      hs_ticket_category: 'QUESTION',
      hubspot_owner_id: '51000101',
      source_type: 'CHAT',
    });
    const contact = fake.contacts.find((c) => c.properties['email'] === 'ken@example.com')!;
    expect(t.associations).toEqual([{ toType: 'contacts', toId: contact.id, typeId: 16 }]);
    await desk().createTicket(ticket({ department: '88210' }), ctx(2));
    expect(fake.tickets[1]!.properties).toMatchObject({ hs_pipeline: '88210', hs_pipeline_stage: '88211' });
    expect(fake.contacts).toHaveLength(1);
  });

  it('department_invalid for an unknown or deleted pipeline; assignee_invalid for a deactivated, unknown or just-deactivated owner', async () => {
    const d = desk();
    expect(await d.createTicket(ticket({ department: 'Sales' }), ctx())).toMatchObject({ outcome: 'department_invalid' });
    expect(await d.createTicket(ticket({ assignee: 'gone@example.com' }), ctx(2))).toMatchObject({ outcome: 'assignee_invalid' });
    expect(await d.createTicket(ticket({ assignee: '99999' }), ctx(3))).toMatchObject({ outcome: 'assignee_invalid' });
    // The directory still lists the owner; HubSpot refuses it at the create.
    await d.createTicket(ticket({ assignee: 'agent@example.com' }), ctx(4));
    fake.owners[0]!.archived = true;
    expect(await d.createTicket(ticket({ assignee: 'agent@example.com' }), ctx(5))).toMatchObject({ outcome: 'assignee_invalid' });
    fake.ticketPipelines[0]!.archived = true;
    expect(await d.createTicket(ticket(), ctx(6))).toMatchObject({ outcome: 'department_invalid' });
    expect(fake.tickets).toHaveLength(1);
  });

  it('an unknown status, priority or category is a failure naming it', async () => {
    expect(await desk().createTicket(ticket({ status: 'Pending' }), ctx())).toMatchObject({
      outcome: 'failure',
      message: expect.stringContaining('"Pending"'),
    });
    expect(await desk().createTicket(ticket({ priority: 'Huge' }), ctx(2))).toMatchObject({ outcome: 'failure', message: expect.stringContaining('"Huge"') });
    expect(await desk().createTicket(ticket({ classification: 'Rant' }), ctx(3))).toMatchObject({
      outcome: 'failure',
      message: expect.stringContaining('"Rant"'),
    });
    expect(fake.tickets).toHaveLength(0);
  });
});

describe('hubspot lists', () => {
  const mailing = (p = createHubSpotProvider(quick)) => p.connect('mailing', record('mailing'), hooks);
  const sub = (list: string, email = 'mia@example.com') => ({ list, name: 'Mia Chen', email, phone: '' });

  it('adds the visitor’s contact (created as a subscriber) to a static list by name or id, once', async () => {
    expect(await mailing().subscribe(sub('newsletter'), ctx())).toMatchObject({ outcome: 'success' });
    expect(await mailing().subscribe(sub('12'), ctx(2))).toMatchObject({ outcome: 'success' });
    expect(fake.contacts).toHaveLength(1);
    expect(fake.contacts[0]!.properties['lifecyclestage']).toBe('subscriber');
    expect(fake.lists[0]!.members.map((m) => m.recordId)).toEqual([fake.contacts[0]!.id]);
  });

  it('an unknown list, or an active list, is a failure', async () => {
    expect(await mailing().subscribe(sub('Nonexistent'), ctx())).toMatchObject({ outcome: 'failure', message: expect.stringContaining('"Nonexistent"') });
    expect(await mailing().subscribe(sub('Customers'), ctx(2))).toMatchObject({ outcome: 'failure', message: expect.stringContaining('active list') });
  });
});

describe('the hubspot provider', () => {
  it('offers the account’s values for the builder, with ids as accepted spellings', async () => {
    const p = createHubSpotProvider(quick);
    const crm = await p.listValues('crm', record('crm'));
    expect(crm.fields['stage']).toContainEqual({ value: 'Qualification', label: 'Qualification (Chat sales)' });
    expect(crm.accepts?.['stage']).toContain('qualifiedtobuy');
    const helpdesk = await p.listValues('helpdesk', record('helpdesk'));
    expect(helpdesk.fields).toMatchObject({
      department: [
        { value: 'Support', label: 'Support' },
        { value: 'Billing', label: 'Billing' },
      ],
      assignee: [{ value: 'agent@example.com', label: 'Aiko Agent <agent@example.com>' }],
    });
    expect(helpdesk.fields['priority']!.map((v) => v.value)).toEqual(['Low', 'Medium', 'High', 'Urgent']);
    expect(helpdesk.fields['status']!.map((v) => v.value)).toEqual(['Open', 'Waiting on contact', 'Closed', 'New']);
    expect((await p.listValues('mailing', record('mailing'))).fields).toEqual({ list: [{ value: 'Newsletter', label: 'Newsletter' }] });
  });

  it('checks each role; names the scopes a narrower grant lacks; a revoked grant is refused credentials', async () => {
    const p = createHubSpotProvider(quick);
    for (const role of ['crm', 'helpdesk', 'mailing'] as const) expect(await p.checkIntegration(role, record(role)), role).toEqual({ ok: true });
    const narrow = { clientId: 'narrow', clientSecret: 'narrow-secret', refreshToken: 'na1-narrow' };
    fake.addApp(
      narrow,
      HUBSPOT_SCOPES.helpdesk.filter((s) => s !== 'crm.objects.owners.read'),
    );
    expect(await p.checkIntegration('helpdesk', record('helpdesk', narrow))).toMatchObject({
      ok: false,
      invalid: true,
      problem: { code: 'scope_missing', params: { scopes: 'crm.objects.owners.read' } },
    });
    const gone = { clientId: 'gone', clientSecret: 'gone-secret', refreshToken: 'na1-gone' };
    fake.addApp(gone);
    fake.revoke(gone.refreshToken);
    expect(await p.checkIntegration('crm', record('crm', gone))).toMatchObject({ ok: false, invalid: true, problem: { code: 'credentials_refused' } });
    const outcome = await crmOf(p, record('crm', gone)).createLead(person('x@example.com'), ctx());
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringContaining('BAD_REFRESH_TOKEN') });
    expect(marked).toHaveLength(1);
  });

  it('a call needing a scope the grant lacks makes the integration invalid, naming the scope', async () => {
    const narrow = { clientId: 'narrow2', clientSecret: 'narrow-secret', refreshToken: 'na1-narrow2' };
    fake.addApp(narrow, ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write']);
    const outcome = await createHubSpotProvider(quick).connect('helpdesk', record('helpdesk', narrow), hooks).createTicket(ticket(), ctx());
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringContaining('tickets') });
  });

  it('incomplete settings are integration_invalid without a call', async () => {
    const outcome = await crmOf(createHubSpotProvider(quick), { ...record('crm'), secrets: {} }).createLead(person('x@example.com'), ctx());
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringContaining('clientSecret') });
    expect(fake.stats.requests).toBe(0);
  });
});

describe('the refresh token in HubSpot’s token answers', () => {
  it('is kept sealed with the access token and used for the next refresh (HubSpot returns one with every refresh; its docs do not say whether it changes)', async () => {
    const store = await tempStore('sqlite');
    const box = new SecretBox(randomBytes(32));
    const provider = createHubSpotProvider({ ...quick, tokens: storedAccessTokenCache(store, () => box) });
    const crm = provider.connect('crm', record('crm'), { markInvalid: async () => undefined });
    expect(await crm.createLead(person('kept@example.com'), ctx(1))).toMatchObject({ outcome: 'success' });
    const [row] = await store.db.selectFrom('access_tokens').select('token').execute();
    expect(box.open(row!.token!)).toEqual({ token: expect.any(String), refresh_token: fake.app.refreshToken });
    fake.expireAccessTokens();
    expect(await crm.createLead(person('again@example.com'), ctx(2))).toMatchObject({ outcome: 'success' });
    expect(fake.stats.tokenRefreshes).toBe(2);
  });
});
