import { describe, expect, it } from 'vitest';
import { ctx, salesforceSuite } from './test-support.ts';

const h = await salesforceSuite();
const person = (over: Partial<{ name: string; email: string; phone: string; company: string; fields: Record<string, string> }> = {}) => ({
  name: 'Yui Tanaka',
  email: 'yui@example.com',
  phone: '090-1234-5678',
  company: 'Example KK',
  fields: {},
  ...over,
});

describe('crm.lead → Lead', () => {
  it('creates a lead with the name split, its company and the fields the Lead has; fields it lacks are left out', async () => {
    const outcome = await h.connect('crm').createLead(person({ fields: { Lead_Source: 'Chat', description: 'From the chat' } }), ctx());
    const [lead] = h.fake.records('Lead');
    // The integration log says what was left out; the record is made all the same.
    expect(outcome).toEqual({
      outcome: 'success',
      outputs: { id: lead!.Id },
      message: 'Salesforce Lead has no field "Lead_Source": left out of the record (the rest was saved)',
    });
    expect(lead).toMatchObject({ FirstName: 'Yui', LastName: 'Tanaka', Email: 'yui@example.com', Company: 'Example KK', Description: 'From the chat' });
    expect(lead).not.toHaveProperty('Lead_Source');
  });

  it('says nothing of fields when every name is one the object has (any case), and sends them', async () => {
    const outcome = await h.connect('crm').createLead(person({ fields: { leadsource: 'Web', Description: 'x' } }), ctx());
    const [lead] = h.fake.records('Lead');
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: lead!.Id } });
    expect(lead).toMatchObject({ LeadSource: 'Web', Description: 'x' });
  });

  it("sends the org's custom fields (describe lists them); a formula field is left out as read-only, and publishing knows both", async () => {
    const outcome = await h.connect('crm').createLead(person({ fields: { preferred_store__c: 'Shibuya', Lead_Score__c: '9' } }), ctx());
    const [lead] = h.fake.records('Lead');
    expect(outcome).toEqual({
      outcome: 'success',
      outputs: { id: lead!.Id },
      message: 'Salesforce Lead field "Lead_Score__c" cannot be set (read-only): left out of the record (the rest was saved)',
    });
    expect(lead).toMatchObject({ Preferred_Store__c: 'Shibuya' });
    expect(lead).not.toHaveProperty('Lead_Score__c');
    const fields = await h.provider.crmFields!(h.record('crm'));
    expect(fields.lead.resolve('Preferred_Store__c')).toBe('Preferred_Store__c');
    expect(fields.lead.resolve('Lead_Score__c')).toBeUndefined();
    expect(fields.lead.readOnly?.('lead_score__c')).toBe('Lead_Score__c');
  });

  it('names every field a deal left out', async () => {
    const deal = { name: 'Q', stage: 'Prospecting', closingDate: '2026-12-01', amount: '', contactId: '', fields: { Deal_Type: 'New', Nxt_Step: 'call' } };
    const outcome = await h.connect('crm').createDeal(deal, ctx());
    expect(outcome).toMatchObject({
      outcome: 'success',
      message: 'Salesforce Opportunity has no fields "Deal_Type", "Nxt_Step": left out of the record (the rest was saved)',
    });
    expect(h.fake.records('Opportunity')).toHaveLength(1);
  });

  it('defaults Company and sets the Lead Source the admin chose', async () => {
    const record = h.record('crm', { settings: { defaultCompany: 'Individual', leadSource: 'Web' } });
    await h.connect('crm', record).createLead(person({ company: '' }), ctx());
    expect(h.fake.records('Lead')[0]).toMatchObject({ Company: 'Individual', LeadSource: 'Web' });
    await h.connect('crm').createLead(person({ company: ' ', email: 'b@example.com' }), ctx());
    expect(h.fake.records('Lead')[1]).toMatchObject({ Company: 'Unknown' });
  });

  it('already_exists with the existing id for a known email (looked up before the insert)', async () => {
    const existing = h.fake.org.insert('Lead', { LastName: 'Tanaka', Company: 'X', Email: 'YUI@example.com' });
    const outcome = await h.connect('crm').createLead(person(), ctx());
    expect(outcome).toMatchObject({ outcome: 'already_exists', outputs: { id: existing.Id } });
    expect(h.fake.records('Lead')).toHaveLength(1);
  });

  it("DUPLICATES_DETECTED from the org's duplicate rule is already_exists with the matched id, also without a match in the answer", async () => {
    // A lead the look-up cannot see (another email spelling the rule still matches) is simulated by
    // failing the look-up once with an empty answer: the insert then meets the duplicate rule.
    const existing = h.fake.org.insert('Lead', { LastName: 'Tanaka', Company: 'X', Email: 'yui@example.com' });
    const crm = h.connect('crm');
    const query = h.fake.org.query.bind(h.fake.org);
    let hidden = 1;
    h.fake.org.query = (q) => (q.object === 'Lead' && hidden-- > 0 ? [] : query(q));
    try {
      expect(await crm.createLead(person(), ctx())).toMatchObject({ outcome: 'already_exists', outputs: { id: existing.Id } });
      hidden = 1;
      h.fake.setDuplicateRule('block-without-match');
      expect(await crm.createLead(person(), ctx())).toMatchObject({ outcome: 'already_exists', outputs: { id: existing.Id } });
    } finally {
      h.fake.org.query = query;
    }
    expect(h.fake.records('Lead')).toHaveLength(1);
  });

  it("a duplicate rule matching only a Contact is a failure, not a lead's already_exists with a contact's id", async () => {
    const contact = h.fake.org.insert('Contact', { LastName: 'Tanaka', Email: 'yui@example.com' });
    const create = h.fake.org.create.bind(h.fake.org);
    h.fake.org.create = (object, body) =>
      object === 'Lead'
        ? {
            ok: false,
            status: 400,
            errors: [
              {
                errorCode: 'DUPLICATES_DETECTED',
                message: 'Use one of these records?',
                duplicateResult: { matchResults: [{ entityType: 'Contact', matchRecords: [{ record: { attributes: { type: 'Contact' }, Id: contact.Id } }] }] },
              },
            ],
          }
        : create(object, body);
    try {
      const outcome = await h.connect('crm').createLead(person(), ctx());
      expect(outcome).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/duplicate.*DUPLICATES_DETECTED/) });
    } finally {
      h.fake.org.create = create;
    }
  });

  it('failure naming the code and field when Salesforce refuses the record', async () => {
    const outcome = await h.connect('crm').createLead(person({ email: 'not-an-email@' }), ctx());
    expect(outcome).toMatchObject({ outcome: 'failure', retryable: false, message: expect.stringMatching(/INVALID_EMAIL_ADDRESS.*Email/) });
  });

  it('a create whose answer was lost is looked up, not sent again', async () => {
    h.fake.faults.set({ rateLostResponse: 1 });
    const outcome = await h.connect('crm').createLead(person(), ctx());
    const leads = h.fake.records('Lead');
    expect(leads).toHaveLength(1);
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: leads[0]!.Id } });
  });

  it('a retry after an unknown outcome takes the lead the earlier attempt created as its own, not as already_exists', async () => {
    const own = h.fake.org.insert('Lead', { LastName: 'Tanaka', Company: 'X', Email: 'yui@example.com' });
    const again = await h.connect('crm').createLead(person(), ctx({ retryOfUnknown: true, startedAt: Date.now() - 1_000 }));
    expect(again).toEqual({ outcome: 'success', outputs: { id: own.Id } });
    // A lead from before the effect started is someone else's: already_exists.
    const old = await h.connect('crm').createLead(person(), ctx({ retryOfUnknown: true, startedAt: Date.now() + 10 * 60_000 }));
    expect(old).toMatchObject({ outcome: 'already_exists', outputs: { id: own.Id } });
    expect(h.fake.records('Lead')).toHaveLength(1);
  });

  it('retries 5xx and REQUEST_LIMIT_EXCEEDED, and refreshes an expired session once', async () => {
    const crm = h.connect('crm');
    await crm.createLead(person({ email: 'warm@example.com' }), ctx());
    h.fake.expireSessions();
    h.fake.faults.set({ failNext: { status: 503, count: 2, route: 'POST /sobjects/Lead' } });
    const before = h.fake.stats.tokenRefreshes;
    expect(await crm.createLead(person(), ctx())).toMatchObject({ outcome: 'success' });
    h.fake.faults.set({ failNext: { status: 403, count: 2, errorCode: 'REQUEST_LIMIT_EXCEEDED' } });
    expect(await crm.createLead(person({ email: 'c@example.com' }), ctx())).toMatchObject({ outcome: 'success' });
    expect(h.fake.stats.tokenRefreshes - before).toBe(1);
    expect(h.fake.records('Lead')).toHaveLength(3);
  });

  it('a rate limit that outlasts the deadline is a retryable failure naming it', async () => {
    h.useProvider({ timeoutMs: 2_000, retry: { baseMs: 5, capMs: 20 }, deadlineMs: 300 });
    h.fake.faults.set({ rateLimit: 1 });
    const outcome = await h.connect('crm').createLead(person(), ctx());
    expect(outcome).toMatchObject({ outcome: 'failure', retryable: true, message: expect.stringMatching(/REQUEST_LIMIT_EXCEEDED/) });
    expect(h.fake.records('Lead')).toHaveLength(0);
  });

  it('integration_invalid, marking the integration, when the refresh token was revoked', async () => {
    const client = h.fake.newClient();
    h.fake.revokeRefreshToken(client.refreshToken);
    const outcome = await h.connect('crm', h.record('crm', { client })).createLead(person(), ctx());
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/invalid_grant/) });
    expect(h.invalid).toHaveLength(1);
  });
});

describe('crm.contact → Contact with its Account', () => {
  it('creates the contact on the account found by name, or a new account', async () => {
    const acme = h.fake.org.insert('Account', { Name: 'Acme' });
    const crm = h.connect('crm');
    const first = await crm.createContact(person({ company: 'acme', email: 'a@example.com' }), ctx());
    const second = await crm.createContact(person({ company: 'New Co', email: 'b@example.com' }), ctx());
    expect(first.outcome).toBe('success');
    expect(second.outcome).toBe('success');
    const accounts = h.fake.records('Account');
    expect(accounts.map((a) => a['Name'])).toEqual(['Acme', 'New Co']);
    expect(h.fake.records('Contact').map((c) => c['AccountId'])).toEqual([acme.Id, accounts[1]!.Id]);
  });

  it('an existing contact with the email is success with its id', async () => {
    const existing = h.fake.org.insert('Contact', { LastName: 'Tanaka', Email: 'yui@example.com' });
    expect(await h.connect('crm').createContact(person(), ctx())).toEqual({ outcome: 'success', outputs: { id: existing.Id } });
    expect(h.fake.records('Contact')).toHaveLength(1);
  });
});

describe('crm.deal → Opportunity with a contact role', () => {
  it("puts the opportunity on the contact's account, with StageName, CloseDate, Amount and a primary contact role", async () => {
    const crm = h.connect('crm');
    const contact = await crm.createContact(person(), ctx());
    const contactId = contact.outcome === 'success' ? contact.outputs['id']! : '';
    const outcome = await crm.createDeal(
      { name: 'Chat quote', stage: 'Qualification', closingDate: '2026-12-01', amount: '12,000', contactId, fields: {} },
      ctx(),
    );
    const [opportunity] = h.fake.records('Opportunity');
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: opportunity!.Id } });
    expect(opportunity).toMatchObject({
      Name: 'Chat quote',
      StageName: 'Qualification',
      CloseDate: '2026-12-01',
      Amount: 12000,
      AccountId: h.fake.records('Account')[0]!.Id,
    });
    expect(h.fake.records('OpportunityContactRole')).toEqual([
      expect.objectContaining({ OpportunityId: opportunity!.Id, ContactId: contactId, IsPrimary: true }),
    ]);
  });

  it('failure for a stage the org does not have, an unknown contact, or an amount that is not a number', async () => {
    const crm = h.connect('crm');
    const deal = { name: 'Q', stage: 'Nope', closingDate: '', amount: '', contactId: '', fields: {} };
    expect(await crm.createDeal(deal, ctx())).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST.*StageName/),
    });
    expect(await crm.createDeal({ ...deal, stage: 'Prospecting', contactId: '003000000000000AAA' }, ctx())).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/no contact/),
    });
    expect(await crm.createDeal({ ...deal, amount: 'lots' }, ctx())).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/not a number/) });
    expect(await crm.createDeal({ ...deal, contactId: "x' OR Name != '" }, ctx())).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/not a Salesforce record id/),
    });
    expect(h.fake.records('Opportunity')).toHaveLength(0);
  });

  it('a contact role that cannot be added yet is finished by the next attempt, without a second opportunity', async () => {
    const crm = h.connect('crm');
    const contact = await crm.createContact(person(), ctx());
    const contactId = contact.outcome === 'success' ? contact.outputs['id']! : '';
    h.useProvider({ timeoutMs: 2_000, retry: { baseMs: 5, capMs: 20 }, deadlineMs: 300 });
    h.fake.faults.set({ failNext: { status: 500, count: 1_000, route: 'POST /sobjects/OpportunityContactRole' } });
    const deal = { name: 'Chat quote', stage: 'Prospecting', closingDate: '2026-12-01', amount: '', contactId, fields: {} };
    const first = await h.connect('crm').createDeal(deal, ctx());
    expect(first).toMatchObject({ outcome: 'failure', unknownOutcome: true });
    h.fake.faults.reset();
    const again = await h.connect('crm').createDeal(deal, ctx({ retryOfUnknown: true, startedAt: Date.now() - 5_000 }));
    expect(h.fake.records('Opportunity')).toHaveLength(1);
    expect(again).toEqual({ outcome: 'success', outputs: { id: h.fake.records('Opportunity')[0]!.Id } });
    expect(h.fake.records('OpportunityContactRole')).toHaveLength(1);
  });
});
