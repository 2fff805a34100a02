import { describe, expect, it } from 'vitest';
import { listRecords } from '../../store/records.ts';
import { STORE_TARGETS, tempStore, type StoreTarget } from '../../store/test-support.ts';
import { builtinCrm } from './crm.ts';
import { callContext, deal, person } from './test-support.ts';

async function setup(kind: StoreTarget) {
  const store = await tempStore(kind);
  return { db: store.db, crm: builtinCrm(store.db) };
}

describe.each(STORE_TARGETS)('on %s', (kind) => {
  describe('builtin leads and contacts', () => {
    it('creates a lead with its source, bot and fields, and outputs its id', async () => {
      const { db, crm } = await setup(kind);
      const outcome = await crm.createLead(
        person({ name: 'Taro Yamada', email: 'taro@example.com', phone: '090-1234-5678', company: 'ACME', fields: { Description: 'hi' } }),
        callContext({ botId: 'lead-bot' }),
      );
      expect(outcome.outcome).toBe('success');
      const [lead] = await listRecords(db, 'leads');
      expect(outcome).toEqual({ outcome: 'success', outputs: { id: lead?.id } });
      expect(lead).toMatchObject({
        name: 'Taro Yamada',
        email: 'taro@example.com',
        phone: '090-1234-5678',
        company: 'ACME',
        source: 'Chat',
        botId: 'lead-bot',
        fields: { Description: 'hi' },
      });
    });

    it('takes the source from fields.Lead_Source, else fields.source, else Chat', async () => {
      const { db, crm } = await setup(kind);
      await crm.createLead(person({ name: 'A', fields: { Lead_Source: 'Web', source: 'Ignored' } }), callContext());
      await crm.createLead(person({ name: 'B', fields: { Lead_Source: '', source: 'Trade show' } }), callContext());
      await crm.createContact(person({ name: 'C', fields: { source: 'Referral' } }), callContext());
      const leads = await listRecords(db, 'leads');
      expect(leads.map((l) => [l.name, l.source])).toEqual([
        ['B', 'Trade show'],
        ['A', 'Web'],
      ]);
      expect((await listRecords(db, 'contacts'))[0]?.source).toBe('Referral');
    });

    it('finds an existing lead by email whatever its case, width or spaces: already_exists, no second record', async () => {
      const { db, crm } = await setup(kind);
      const first = await crm.createLead(person({ name: 'Taro', email: 'Taro@Example.com' }), callContext());
      const again = await crm.createLead(person({ name: 'Taro 2', email: ' ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ ' }), callContext());
      expect(first.outcome).toBe('success');
      expect(again).toMatchObject({ outcome: 'already_exists', outputs: { id: first.outcome === 'success' ? first.outputs.id : '' } });
      expect(await listRecords(db, 'leads')).toHaveLength(1);
    });

    it("keeps leads and contacts apart: a contact with a lead's email is new", async () => {
      const { db, crm } = await setup(kind);
      await crm.createLead(person({ email: 'taro@example.com' }), callContext());
      expect((await crm.createContact(person({ email: 'taro@example.com' }), callContext())).outcome).toBe('success');
      expect((await crm.createContact(person({ email: 'TARO@example.com' }), callContext())).outcome).toBe('already_exists');
      expect(await listRecords(db, 'contacts')).toHaveLength(1);
    });

    it('makes one lead when the same email is created concurrently', async () => {
      const { db, crm } = await setup(kind);
      const outcomes = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          crm.createLead(person({ name: `Visitor ${i}`, email: i % 2 ? 'race@example.com' : 'RACE@example.com' }), callContext()),
        ),
      );
      const leads = await listRecords(db, 'leads');
      expect(leads).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === 'success')).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === 'already_exists')).toHaveLength(24);
      for (const o of outcomes) expect(o).toMatchObject({ outputs: { id: leads[0]?.id } });
    });

    it('creates people without an email as separate records', async () => {
      const { db, crm } = await setup(kind);
      await crm.createContact(person({ name: 'Taro' }), callContext());
      await crm.createContact(person({ name: 'Taro' }), callContext());
      expect(await listRecords(db, 'contacts')).toHaveLength(2);
    });

    it('refuses a lead or contact with neither name nor email', async () => {
      const { db, crm } = await setup(kind);
      expect(await crm.createLead(person({ phone: '090', company: 'ACME' }), callContext())).toEqual({
        outcome: 'failure',
        message: 'a lead needs a name or an email, and both are empty',
        retryable: false,
      });
      expect(await crm.createContact(person({ name: '  ' }), callContext())).toMatchObject({
        outcome: 'failure',
        message: 'a contact needs a name or an email, and both are empty',
      });
      expect(await listRecords(db, 'leads')).toEqual([]);
    });

    it('returns the first result when the same effect runs twice, and creates nothing new', async () => {
      const { db, crm } = await setup(kind);
      const ctx = callContext();
      const first = await crm.createLead(person({ name: 'No email' }), ctx);
      const repeat = await crm.createLead(person({ name: 'No email' }), ctx);
      expect(repeat).toEqual(first);
      const [a, b] = await Promise.all([
        crm.createContact(person({ email: 'c@example.com' }), ctx),
        crm.createContact(person({ email: 'c@example.com' }), ctx),
      ]);
      expect(a.outcome).toBe('success');
      expect(b).toEqual(a);
      expect(await listRecords(db, 'leads')).toHaveLength(1);
      expect(await listRecords(db, 'contacts')).toHaveLength(1);
    });
  });

  describe('builtin deals', () => {
    it('creates a deal for a contact with stage, closing date and amount', async () => {
      const { db, crm } = await setup(kind);
      const contact = await crm.createContact(person({ name: 'Taro', email: 'taro@example.com' }), callContext());
      if (contact.outcome !== 'success') throw new Error('contact not created');
      const outcome = await crm.createDeal(
        deal({
          name: 'Website',
          stage: 'Qualification',
          closingDate: '2026-12-01',
          amount: '１２,０００.５',
          contactId: contact.outputs.id,
          fields: { Type: 'New' },
        }),
        callContext({ botId: 'deal-bot' }),
      );
      const [record] = await listRecords(db, 'deals');
      expect(outcome).toEqual({ outcome: 'success', outputs: { id: record?.id } });
      expect(record).toMatchObject({
        name: 'Website',
        stage: 'Qualification',
        closingDate: '2026-12-01',
        amount: 12000.5,
        contactId: contact.outputs.id,
        botId: 'deal-bot',
        fields: { Type: 'New' },
      });
    });

    it('accepts a deal with only a name; the rest is null', async () => {
      const { db, crm } = await setup(kind);
      expect((await crm.createDeal(deal({ name: 'Bare' }), callContext())).outcome).toBe('success');
      expect(await listRecords(db, 'deals')).toMatchObject([{ name: 'Bare', stage: null, closingDate: null, amount: null, contactId: null }]);
    });

    it.each([
      [deal({ amount: '10' }), 'the deal name is empty'],
      [deal({ name: 'D', closingDate: '2026/12/01' }), 'the closing date "2026/12/01" is not a date in the form YYYY-MM-DD'],
      [deal({ name: 'D', closingDate: '2026-02-30' }), 'the closing date "2026-02-30" is not a date in the form YYYY-MM-DD'],
      [deal({ name: 'D', amount: 'a lot' }), 'the amount "a lot" is not a number'],
      [deal({ name: 'D', amount: '1,2' }), 'the amount "1,2" is not a number'],
      [deal({ name: 'D', contactId: 'no-such-contact' }), 'no contact has the id "no-such-contact"'],
    ])('refuses %o: %s', async (request, message) => {
      const { db, crm } = await setup(kind);
      expect(await crm.createDeal(request, callContext())).toEqual({ outcome: 'failure', message, retryable: false });
      expect(await listRecords(db, 'deals')).toEqual([]);
    });

    it('returns the first deal when the same effect runs twice', async () => {
      const { db, crm } = await setup(kind);
      const ctx = callContext();
      const first = await crm.createDeal(deal({ name: 'Once' }), ctx);
      expect(await crm.createDeal(deal({ name: 'Once' }), ctx)).toEqual(first);
      expect(await listRecords(db, 'deals')).toHaveLength(1);
    });
  });
});
