import { describe, expect, it } from 'vitest';
import { builtinCrm } from './crm.ts';
import { builtinHelpdesk } from './helpdesk.ts';
import { builtinMailing } from './mailing.ts';
import { callContext, deal, person, subscription, ticket } from './test-support.ts';
import { addAgent } from '../../store/directory.ts';
import { RECORD_KINDS, RECORD_SCHEMAS } from '../../store/record-schemas.ts';
import { countRecords, listRecords } from '../../store/records.ts';
import { STORE_TARGETS, tempStore, type StoreTarget } from '../../store/test-support.ts';

async function filled(kind: StoreTarget) {
  const store = await tempStore(kind);
  const { db } = store;
  const crm = builtinCrm(db);
  const ctx = callContext({ botId: 'demo' });
  await crm.createLead(person({ name: 'Taro', email: 'taro@example.com', phone: '090', company: 'ACME', fields: { Lead_Source: 'Web' } }), ctx);
  const contact = await crm.createContact(person({ name: 'Hanako', email: 'hanako@example.com' }), callContext({ botId: 'demo' }));
  const contactId = contact.outcome === 'success' ? contact.outputs.id : '';
  await crm.createDeal(deal({ name: 'Big deal', stage: 'Won', closingDate: '2026-12-01', amount: '1500', contactId }), callContext({ botId: 'demo' }));
  await addAgent(db, { email: 'agent@example.com', name: 'Agent' });
  await builtinHelpdesk(db).createTicket(
    ticket({
      subject: 'Help',
      description: 'Please',
      priority: 'High',
      classification: 'Problem',
      assignee: 'agent@example.com',
      contact: { name: 'Taro', email: 'taro@example.com', phone: '' },
    }),
    callContext({ botId: 'demo' }),
  );
  await builtinMailing(db).subscribe(subscription({ list: 'Newsletter', name: 'Taro', email: 'taro@example.com' }), callContext({ botId: 'demo' }));
  return { db, contactId };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(STORE_TARGETS)('on %s', (kind) => {
  describe('records as JSON', () => {
    it('has exactly the documented camelCase keys for every kind', async () => {
      const { db, contactId } = await filled(kind);
      const json = JSON.parse(
        JSON.stringify({
          leads: await listRecords(db, 'leads'),
          contacts: await listRecords(db, 'contacts'),
          deals: await listRecords(db, 'deals'),
          tickets: await listRecords(db, 'tickets'),
          subscribers: await listRecords(db, 'subscribers'),
        }),
      ) as Record<string, Record<string, unknown>[]>;
      const only = (kind: string) => {
        expect(json[kind]).toHaveLength(1);
        return json[kind]?.[0];
      };
      expect(Object.keys(only('leads') ?? {}).sort()).toEqual(['botId', 'company', 'createdAt', 'email', 'fields', 'id', 'name', 'phone', 'source'].sort());
      expect(only('leads')).toMatchObject({ name: 'Taro', email: 'taro@example.com', phone: '090', company: 'ACME', source: 'Web', botId: 'demo' });
      expect(only('contacts')).toMatchObject({ name: 'Hanako', source: 'Chat', phone: null, company: null });
      expect(only('deals')).toEqual({
        id: expect.any(String),
        createdAt: expect.stringMatching(ISO),
        botId: 'demo',
        name: 'Big deal',
        stage: 'Won',
        closingDate: '2026-12-01',
        amount: 1500,
        contactId,
        fields: {},
      });
      expect(only('tickets')).toEqual({
        id: expect.any(String),
        createdAt: expect.stringMatching(ISO),
        botId: 'demo',
        number: 1,
        subject: 'Help',
        description: 'Please',
        status: 'Open',
        priority: 'High',
        classification: 'Problem',
        department: 'Support',
        assignee: 'agent@example.com',
        contact: { name: 'Taro', email: 'taro@example.com', phone: null },
      });
      expect(only('subscribers')).toEqual({
        id: expect.any(String),
        createdAt: expect.stringMatching(ISO),
        botId: 'demo',
        list: 'Newsletter',
        name: 'Taro',
        email: 'taro@example.com',
        phone: null,
      });
      for (const kind of RECORD_KINDS) {
        for (const record of json[kind] ?? []) expect(RECORD_SCHEMAS[kind].strict().parse(record)).toEqual(record);
      }
    });

    it('lists newest first, in pages', async () => {
      const { db } = await tempStore(kind);
      const crm = builtinCrm(db);
      for (let i = 1; i <= 5; i++) await crm.createLead(person({ name: `Lead ${i}` }), callContext());
      expect((await listRecords(db, 'leads')).map((l) => l.name)).toEqual(['Lead 5', 'Lead 4', 'Lead 3', 'Lead 2', 'Lead 1']);
      expect((await listRecords(db, 'leads', { limit: 2, offset: 1 })).map((l) => l.name)).toEqual(['Lead 4', 'Lead 3']);
      expect(await countRecords(db, 'leads')).toBe(5);
    });

    it('searches name, email and subject case-insensitively, with % and _ taken literally', async () => {
      const { db } = await tempStore(kind);
      const crm = builtinCrm(db);
      await crm.createLead(person({ name: 'Taro Yamada', email: 'taro@example.com' }), callContext());
      await crm.createLead(person({ name: 'Hanako', email: 'HANAKO@Example.org' }), callContext());
      await crm.createLead(person({ name: '100% sure' }), callContext());
      const names = async (search: string) => (await listRecords(db, 'leads', { search })).map((l) => l.name);
      expect(await names('YAMADA')).toEqual(['Taro Yamada']);
      expect(await names('example.ORG')).toEqual(['Hanako']);
      expect(await names('example')).toEqual(['Hanako', 'Taro Yamada']);
      expect(await names('0%')).toEqual(['100% sure']);
      expect(await names('a_a')).toEqual([]);
      expect(await names('  ')).toHaveLength(3);
      expect(await countRecords(db, 'leads', { search: 'example' })).toBe(2);

      const helpdesk = builtinHelpdesk(db);
      await helpdesk.createTicket(ticket({ subject: 'Password reset' }), callContext());
      await helpdesk.createTicket(ticket({ subject: 'Invoice', contact: { name: 'Jiro', email: '', phone: '' } }), callContext());
      expect((await listRecords(db, 'tickets', { search: 'PASSWORD' })).map((t) => t.subject)).toEqual(['Password reset']);
      expect((await listRecords(db, 'tickets', { search: 'jiro' })).map((t) => t.subject)).toEqual(['Invoice']);

      await builtinMailing(db).subscribe(subscription({ list: 'Newsletter', name: 'Saburo', email: 's@example.com' }), callContext());
      expect(await listRecords(db, 'subscribers', { search: 'newsletter' })).toEqual([]);
      expect(await listRecords(db, 'subscribers', { search: 'SABURO' })).toHaveLength(1);
      expect(await countRecords(db, 'subscribers', { search: 'saburo' })).toBe(1);
    });

    it('folds the case of every letter, not only ASCII, on every database', async () => {
      const { db } = await tempStore(kind);
      const crm = builtinCrm(db);
      await crm.createLead(person({ name: 'Ärger GmbH' }), callContext());
      await crm.createLead(person({ name: 'ΣΟΦΙΑ' }), callContext());
      const names = async (search: string) => (await listRecords(db, 'leads', { search })).map((l) => l.name);
      expect(await names('ärger')).toEqual(['Ärger GmbH']);
      expect(await names('ÄRGER')).toEqual(['Ärger GmbH']);
      expect(await names('σοφ')).toEqual(['ΣΟΦΙΑ']);
      expect(await countRecords(db, 'leads', { search: 'gmbh' })).toBe(1);
    });

    it('is empty for a new database', async () => {
      const { db } = await tempStore(kind);
      for (const kind of RECORD_KINDS) expect(await listRecords(db, kind)).toEqual([]);
    });
  });
});
