import { describe, expect, it } from 'vitest';
import type { TicketRequest } from '../../vocabulary/requests.ts';
import { ctx, salesforceSuite } from './test-support.ts';

const h = await salesforceSuite();
const ticket = (over: Partial<TicketRequest> = {}): TicketRequest => ({
  subject: 'Cannot log in',
  description: 'Since this morning',
  status: 'Open',
  priority: 'High',
  classification: 'Question',
  department: 'Support',
  assignee: '',
  contact: { name: 'Taro Tanaka', email: 'taro@example.com', phone: '090-0000-0000' },
  ...over,
});
const queue = (name: string) => h.fake.records('Group').find((g) => g['Name'] === name)!;
const user = (email: string) => h.fake.records('User').find((u) => u['Email'] === email)!;

describe('helpdesk.ticket → Case', () => {
  it('a case owned by the queue, Type as classification, Origin Chat, the visitor in the web fields; the CaseNumber is the ticket number', async () => {
    const outcome = await h.connect('helpdesk').createTicket(ticket(), ctx());
    const [c] = h.fake.records('Case');
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: c!.Id, number: c!['CaseNumber'] } });
    expect(c).toMatchObject({
      Subject: 'Cannot log in',
      Description: 'Since this morning',
      Status: 'Open',
      Priority: 'High',
      Type: 'Question',
      Origin: 'Chat',
      OwnerId: queue('Support').Id,
      SuppliedName: 'Taro Tanaka',
      SuppliedEmail: 'taro@example.com',
      SuppliedPhone: '090-0000-0000',
    });
    expect(c).not.toHaveProperty('ContactId');
  });

  it('the contact with the visitor’s email is the case’s contact; an active assignee owns the case', async () => {
    const contact = h.fake.org.insert('Contact', { LastName: 'Tanaka', Email: 'taro@example.com' });
    await h.connect('helpdesk').createTicket(ticket({ assignee: 'AGENT@example.com' }), ctx());
    expect(h.fake.records('Case')[0]).toMatchObject({ ContactId: contact.Id, OwnerId: user('agent@example.com').Id });
  });

  it.each([
    ['Nowhere', /no queue "Nowhere"/],
    ['Leads Inbox', /does not take Cases/],
  ])('department_invalid for the queue %s', async (department, message) => {
    const outcome = await h.connect('helpdesk').createTicket(ticket({ department }), ctx());
    expect(outcome).toMatchObject({ outcome: 'department_invalid', message: expect.stringMatching(message) });
    expect(h.fake.records('Case')).toHaveLength(0);
  });

  it.each([
    ['gone@example.com', /inactive/],
    ['nobody@example.com', /no user/],
  ])('assignee_invalid for %s', async (assignee, message) => {
    const outcome = await h.connect('helpdesk').createTicket(ticket({ assignee }), ctx());
    expect(outcome).toMatchObject({ outcome: 'assignee_invalid', message: expect.stringMatching(message) });
    expect(h.fake.records('Case')).toHaveLength(0);
  });

  it('a user deactivated after the directory was read is assignee_invalid from the refused save (INACTIVE_OWNER_OR_USER)', async () => {
    const helpdesk = h.connect('helpdesk');
    await helpdesk.createTicket(ticket({ assignee: 'agent@example.com' }), ctx());
    user('agent@example.com')['IsActive'] = false;
    const outcome = await helpdesk.createTicket(ticket({ assignee: 'agent@example.com', subject: 'Second' }), ctx());
    expect(outcome).toMatchObject({ outcome: 'assignee_invalid', message: expect.stringMatching(/INACTIVE_OWNER_OR_USER/) });
  });

  it('failure with the picklist Salesforce refuses; no department leaves the owner to Salesforce', async () => {
    const helpdesk = h.connect('helpdesk');
    expect(await helpdesk.createTicket(ticket({ priority: 'Urgent' }), ctx())).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST.*Priority/),
    });
    expect(await helpdesk.createTicket(ticket({ department: '', status: '', priority: '', classification: '' }), ctx())).toMatchObject({ outcome: 'success' });
    expect(h.fake.records('Case')[0]).toMatchObject({ OwnerId: h.fake.org.integrationUserId, Status: 'New' });
  });

  it('a retry after an unknown outcome finds the case an earlier attempt created, with its number', async () => {
    const helpdesk = h.connect('helpdesk');
    const first = await helpdesk.createTicket(ticket(), ctx());
    const again = await helpdesk.createTicket(ticket(), ctx({ retryOfUnknown: true, startedAt: Date.now() - 1_000 }));
    expect(again).toEqual(first);
    expect(h.fake.records('Case')).toHaveLength(1);
  });
});
