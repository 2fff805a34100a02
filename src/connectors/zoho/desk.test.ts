import { describe, expect, it } from 'vitest';
import type { TicketRequest } from '../../vocabulary/requests.ts';
import { ctx, FAST, zohoSuite } from './test-support.ts';
import { ZOHO_SCOPES } from './declaration.ts';

const z = await zohoSuite();

const ticket = (over: Partial<TicketRequest> = {}): TicketRequest => ({
  subject: 'Chat enquiry: Yui Tanaka',
  description: 'Opened from the website chat.',
  status: 'Open',
  priority: 'High',
  classification: 'Question',
  department: 'Support',
  assignee: 'agent@example.com',
  contact: { name: '田中 結衣', email: 'yui@example.jp', phone: '090-1234-5678' },
  ...over,
});
const dept = (name: string) => z.fake.desk.departments.find((d) => d.name === name);
const agent = (email: string) => z.fake.desk.agents.find((a) => a.emailId === email);
const creates = (): number => z.fake.stats.byRoute['POST /api/v1/tickets'] ?? 0;

describe('helpdesk.ticket', () => {
  it('creates the ticket with the visitor as its contact and answers its id and number', async () => {
    const outcome = await z.connect('helpdesk').createTicket(ticket(), ctx({ locale: 'ja' }));
    const [stored] = z.fake.desk.tickets;
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: stored?.id, number: stored?.ticketNumber } });
    expect(stored).toMatchObject({
      subject: 'Chat enquiry: Yui Tanaka',
      departmentId: dept('Support')?.id,
      assigneeId: agent('agent@example.com')?.id,
      phone: '090-1234-5678',
      channel: 'Chat',
      priority: 'High',
      status: 'Open',
      classification: 'Question',
      description: 'Opened from the website chat.',
    });
    expect(z.fake.desk.contacts).toEqual([expect.objectContaining({ lastName: '田中', firstName: '結衣', email: 'yui@example.jp' })]);
  });

  it('takes department and assignee ids as well as names, and the default department when none is named', async () => {
    const support = dept('Support');
    const a = agent('agent@example.com');
    const desk = z.connect('helpdesk');
    expect((await desk.createTicket(ticket({ department: support?.id ?? '', assignee: a?.id ?? '' }), ctx())).outcome).toBe('success');
    expect((await desk.createTicket(ticket({ department: '', assignee: '' }), ctx())).outcome).toBe('success');
    expect(z.fake.desk.tickets.map((t) => t.departmentId)).toEqual([support?.id, support?.id]);
    expect(z.fake.desk.tickets[1]?.assigneeId).toBeNull();
  });

  it('makes a Desk contact for a visitor who gave only a phone, and names it by contactId', async () => {
    const desk = z.connect('helpdesk');
    const phoneOnly = ticket({ contact: { name: 'Ken Sato', email: '', phone: '090-0000-1111' } });
    const first = await desk.createTicket(phoneOnly, ctx());
    expect(first.outcome).toBe('success');
    expect(z.fake.desk.contacts).toEqual([expect.objectContaining({ lastName: 'Sato', firstName: 'Ken', email: null, phone: '090-0000-1111' })]);
    expect(z.fake.desk.tickets[0]?.contactId).toBe(z.fake.desk.contacts[0]?.id);
    // The returning phone-only visitor is found by phone, not made again.
    expect((await desk.createTicket(phoneOnly, ctx())).outcome).toBe('success');
    expect(z.fake.desk.contacts).toHaveLength(1);
  });

  it('works with exactly the scopes the declaration asks for', async () => {
    const client = z.newClient([...ZOHO_SCOPES.helpdesk]);
    expect((await z.connect('helpdesk', z.record('helpdesk', { client })).createTicket(ticket(), ctx())).outcome).toBe('success');
  });

  it("fails the one ticket on Desk's FORBIDDEN (a department the user may not use), leaving the integration valid", async () => {
    z.fake.faults.set({ failNext: { status: 403, count: 1, route: 'POST /api/v1/tickets' } });
    const outcome = await z.connect('helpdesk').createTicket(ticket(), ctx());
    expect(outcome).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/FORBIDDEN/) });
    expect(z.invalid).toEqual([]);
    expect((await z.connect('helpdesk').createTicket(ticket(), ctx())).outcome).toBe('success');
  });

  it('reuses the Desk contact of a returning visitor', async () => {
    const desk = z.connect('helpdesk');
    await desk.createTicket(ticket(), ctx());
    await desk.createTicket(ticket({ subject: 'Second question' }), ctx());
    expect(z.fake.desk.tickets).toHaveLength(2);
    expect(z.fake.desk.contacts).toHaveLength(1);
  });

  it('is department_invalid for a missing or disabled department, without creating anything', async () => {
    const desk = z.connect('helpdesk');
    expect(await desk.createTicket(ticket({ department: 'Nowhere' }), ctx())).toEqual({
      outcome: 'department_invalid',
      message: 'Zoho Desk has no department "Nowhere"',
    });
    expect(await desk.createTicket(ticket({ department: 'legacy' }), ctx())).toEqual({
      outcome: 'department_invalid',
      message: 'the Zoho Desk department "Legacy" is disabled',
    });
    expect(creates()).toBe(0);
  });

  it('fetches departments again when a name is missing, but not more often than the refetch interval', async () => {
    z.useProvider({ ...FAST, directoryRefetchMs: 0 });
    const desk = z.connect('helpdesk');
    await desk.createTicket(ticket(), ctx());
    z.fake.addDepartment({ name: 'Returns', isEnabled: true });
    expect((await desk.createTicket(ticket({ department: 'Returns', assignee: '' }), ctx())).outcome).toBe('success');
    expect(z.fake.desk.tickets.at(-1)?.departmentId).toBe(dept('Returns')?.id);

    z.useProvider(FAST);
    const slow = z.connect('helpdesk');
    await slow.createTicket(ticket(), ctx());
    z.fake.addDepartment({ name: 'Billing', isEnabled: true });
    const lists = z.fake.stats.byRoute['GET /api/v1/departments'];
    expect((await slow.createTicket(ticket({ department: 'Billing', assignee: '' }), ctx())).outcome).toBe('department_invalid');
    expect(z.fake.stats.byRoute['GET /api/v1/departments']).toBe(lists);
  });

  it('is department_invalid when Desk itself refuses the department (disabled since it was cached)', async () => {
    const desk = z.connect('helpdesk');
    expect((await desk.createTicket(ticket(), ctx())).outcome).toBe('success');
    const sales = dept('Sales');
    // A different subject: were this call's answer lost, the lookup must not take the warm-up ticket for it.
    await desk.createTicket(ticket({ department: 'Sales', assignee: '', subject: 'Warm-up' }), ctx());
    if (sales) sales.isEnabled = false;
    const outcome = await desk.createTicket(ticket({ department: 'Sales', assignee: '' }), ctx());
    expect(outcome).toEqual({ outcome: 'department_invalid', message: 'Zoho Desk refused the department (invalid)' });
  });

  it('is assignee_invalid for a missing, disabled or other-department agent', async () => {
    const desk = z.connect('helpdesk');
    expect(await desk.createTicket(ticket({ assignee: 'nobody@example.com' }), ctx())).toEqual({
      outcome: 'assignee_invalid',
      message: 'Zoho Desk has no agent nobody@example.com',
    });
    expect(await desk.createTicket(ticket({ assignee: 'gone@example.com' }), ctx())).toEqual({
      outcome: 'assignee_invalid',
      message: 'the Zoho Desk agent gone@example.com is disabled',
    });
    expect(await desk.createTicket(ticket({ department: 'Sales' }), ctx())).toEqual({
      outcome: 'assignee_invalid',
      message: 'the Zoho Desk agent agent@example.com is not in the department "Sales"',
    });
    expect(creates()).toBe(0);
  });

  it('is assignee_invalid when Desk itself refuses the agent (disabled since it was cached)', async () => {
    const desk = z.connect('helpdesk');
    expect((await desk.createTicket(ticket(), ctx())).outcome).toBe('success');
    const a = agent('agent@example.com');
    if (a) a.status = 'DISABLED';
    expect(await desk.createTicket(ticket(), ctx())).toEqual({ outcome: 'assignee_invalid', message: 'Zoho Desk refused the assignee (invalid)' });
    // The refusal dropped the cached agents: the next ticket learns the agent is disabled without asking Desk to create.
    const before = creates();
    expect(await desk.createTicket(ticket(), ctx())).toMatchObject({ outcome: 'assignee_invalid', message: expect.stringMatching(/is disabled/) });
    expect(creates()).toBe(before);
  });

  it("fails with Desk's validation message for a value the portal does not have", async () => {
    const outcome = await z.connect('helpdesk').createTicket(ticket({ priority: 'Urgent' }), ctx());
    expect(outcome).toEqual({
      outcome: 'failure',
      retryable: false,
      message: 'Zoho Desk refused the ticket: The data does not comply to the validation restrictions defined. (INVALID_DATA; priority invalid)',
    });
  });

  it('looks the ticket up after a lost answer instead of creating it twice', async () => {
    z.fake.faults.set({ rateLostResponse: 1 });
    const outcome = await z.connect('helpdesk').createTicket(ticket(), ctx());
    expect(z.fake.desk.tickets).toHaveLength(1);
    const [stored] = z.fake.desk.tickets;
    expect(outcome).toEqual({ outcome: 'success', outputs: { id: stored?.id, number: stored?.ticketNumber } });
    expect(creates()).toBe(1);
    expect(z.fake.stats.byRoute['GET /api/v1/tickets/search']).toBe(1);
  });

  it('on a retry after an unknown outcome, finds the earlier ticket by subject, email and time', async () => {
    const startedAt = Date.now();
    const desk = z.connect('helpdesk');
    await desk.createTicket(ticket(), ctx());
    const retry = await desk.createTicket(ticket(), ctx({ retryOfUnknown: true, startedAt }));
    expect(retry).toMatchObject({ outcome: 'success', outputs: { id: z.fake.desk.tickets[0]?.id } });
    expect(z.fake.desk.tickets).toHaveLength(1);
    // A different subject is someone else's ticket: created.
    await desk.createTicket(ticket({ subject: 'Another thing' }), ctx({ retryOfUnknown: true, startedAt }));
    expect(z.fake.desk.tickets).toHaveLength(2);
  });

  it('retries 5xx and then succeeds', async () => {
    z.fake.faults.set({ failNext: { status: 500, count: 2, route: 'POST /api/v1/tickets' } });
    expect((await z.connect('helpdesk').createTicket(ticket(), ctx())).outcome).toBe('success');
    expect(creates()).toBe(3);
    expect(z.fake.desk.tickets).toHaveLength(1);
  });

  it('finds the org id when none is configured, and is integration_invalid for an org the token does not belong to', async () => {
    const without = z.record('helpdesk', { settings: { orgId: '' } });
    expect((await z.connect('helpdesk', without).createTicket(ticket(), ctx())).outcome).toBe('success');
    const wrong = z.record('helpdesk', { settings: { orgId: '999' } });
    const outcome = await z.connect('helpdesk', wrong).createTicket(ticket(), ctx());
    expect(outcome).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/OAUTH_ORG_MISMATCH/) });
    expect(z.invalid).toHaveLength(1);
  });

  it('is integration_invalid after the refresh token is revoked', async () => {
    const client = z.newClient();
    const desk = z.connect('helpdesk', z.record('helpdesk', { client }));
    expect((await desk.createTicket(ticket(), ctx())).outcome).toBe('success');
    z.fake.revokeRefreshToken(client.refreshToken);
    expect(await desk.createTicket(ticket(), ctx())).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(/invalid_code/) });
  });

  it('refreshes once when the token expires mid-run', async () => {
    const desk = z.connect('helpdesk');
    await desk.createTicket(ticket(), ctx());
    const before = z.fake.stats.tokenRefreshes;
    z.fake.expireAccessTokens();
    expect((await desk.createTicket(ticket(), ctx())).outcome).toBe('success');
    expect(z.fake.stats.tokenRefreshes - before).toBe(1);
  });
});
