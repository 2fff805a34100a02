import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeZoho } from './index.ts';
import type { FakeZoho } from './index.ts';
import { accessToken, client } from './testkit.ts';

let fake: FakeZoho;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  fake = await startFakeZoho({ seed: 5 });
});
beforeEach(async () => {
  api = client(fake, await accessToken(fake));
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const dept = (name: string) => {
  const d = fake.desk.departments.find((x) => x.name === name);
  if (!d) throw new Error(`no department ${name}`);
  return d;
};
const agent = (email: string) => {
  const a = fake.desk.agents.find((x) => x.emailId === email);
  if (!a) throw new Error(`no agent ${email}`);
  return a;
};
const ticket = (extra: Record<string, unknown> = {}) => ({
  subject: 'Chat enquiry: Yui Tanaka',
  departmentId: dept('Support').id,
  contact: { lastName: 'Tanaka', firstName: 'Yui', email: 'yui@example.jp' },
  ...extra,
});
const names = (body: Record<string, unknown> | null) => (body?.['data'] as { name: string }[]).map((d) => d.name);

describe('organizations, departments, agents', () => {
  it('lists the org without an orgId header', async () => {
    const a = await api('/api/v1/organizations');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ data: [{ id: fake.orgId, companyName: expect.any(String), portalName: expect.any(String) }] });
  });

  it('lists seeded departments, filters by isEnabled and pages with limit/from', async () => {
    expect(names((await api('/api/v1/departments?limit=200&from=0')).body)).toEqual(['Support', 'Sales', 'Legacy']);
    expect(names((await api('/api/v1/departments?isEnabled=true')).body)).toEqual(['Support', 'Sales']);
    expect(names((await api('/api/v1/departments?isEnabled=false')).body)).toEqual(['Legacy']);
    expect(names((await api('/api/v1/departments?limit=1&from=1')).body)).toEqual(['Sales']);
    const past = await api('/api/v1/departments?from=10');
    expect(past.status).toBe(204);
    expect(past.text).toBe('');
  });

  it('refuses an unknown query parameter with 422 UNPROCESSABLE_ENTITY, and bad values with INVALID_DATA', async () => {
    const a = await api('/api/v1/departments?isEnabled=true&name=Support');
    expect(a.status).toBe(422);
    expect(a.body).toEqual({ errorCode: 'UNPROCESSABLE_ENTITY', message: "Extra query parameter 'name' is present in the input" });
    const b = await api('/api/v1/departments?limit=500');
    expect(b.status).toBe(422);
    expect(b.body).toMatchObject({ errorCode: 'INVALID_DATA', errors: [{ fieldName: 'limit', errorType: 'invalid' }] });
  });

  it('needs the orgId: missing → 400 BAD_REQUEST, another org → 401 OAUTH_ORG_MISMATCH; the query form works too', async () => {
    const missing = await api('/api/v1/departments', { headers: { orgId: '' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ errorCode: 'BAD_REQUEST' });
    const other = await api('/api/v1/departments', { headers: { orgId: '999' } });
    expect(other.status).toBe(401);
    expect(other.body).toMatchObject({ errorCode: 'OAUTH_ORG_MISMATCH' });
    const query = await api(`/api/v1/departments?orgId=${fake.orgId}`, { headers: { orgId: '' } });
    expect(query.status).toBe(200);
  });

  it('lists agents by status with their departments', async () => {
    const active = await api('/api/v1/agents?status=ACTIVE&limit=200&from=0');
    expect(active.body?.['data']).toEqual([
      expect.objectContaining({ emailId: 'agent@example.com', status: 'ACTIVE', associatedDepartmentIds: [dept('Support').id] }),
    ]);
    const disabled = await api('/api/v1/agents?status=DISABLED');
    expect((disabled.body?.['data'] as { emailId: string }[]).map((a) => a.emailId)).toEqual(['gone@example.com']);
    expect((await api('/api/v1/agents?status=GONE')).status).toBe(422);
  });

  it('shows departments and agents added later', async () => {
    const d = fake.addDepartment({ name: 'Billing' });
    fake.addAgent({ email: 'new@example.com', name: 'New Agent' });
    expect(names((await api('/api/v1/departments?isEnabled=true')).body)).toContain('Billing');
    const agents = await api(`/api/v1/agents?departmentIds=${d.id}`);
    expect((agents.body?.['data'] as { emailId: string }[]).map((a) => a.emailId)).toEqual(['new@example.com']);
  });
});

describe('create ticket', () => {
  it('answers 200 with the ticket, a string ticketNumber in sequence, and one contact matched by email', async () => {
    const first = await api('/api/v1/tickets', { json: ticket({ priority: 'High', assigneeId: agent('agent@example.com').id, channel: 'Chat' }) });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      ticketNumber: expect.stringMatching(/^\d+$/),
      subject: 'Chat enquiry: Yui Tanaka',
      departmentId: dept('Support').id,
      status: 'Open',
      statusType: 'Open',
      priority: 'High',
      assigneeId: agent('agent@example.com').id,
      email: 'yui@example.jp',
    });
    const second = await api('/api/v1/tickets', { json: ticket({ contact: { lastName: 'Tanaka', email: 'YUI@example.jp' } }) });
    expect(Number(second.body?.['ticketNumber'])).toBe(Number(first.body?.['ticketNumber']) + 1);
    expect(second.body?.['contactId']).toBe(first.body?.['contactId']);
    expect(fake.desk.contacts).toHaveLength(1);
    expect(fake.desk.tickets).toHaveLength(2);
  });

  it.each([
    ['a disabled department', '/departmentId', () => ({ departmentId: dept('Legacy').id })],
    ['an unknown department', '/departmentId', () => ({ departmentId: '1892000000999999' })],
    ['a disabled agent', '/assigneeId', () => ({ assigneeId: agent('gone@example.com').id })],
    ['an unknown agent', '/assigneeId', () => ({ assigneeId: '1892000000888888' })],
    ['an agent of another department', '/assigneeId', () => ({ departmentId: dept('Sales').id, assigneeId: agent('agent@example.com').id })],
    ['an unknown priority', '/priority', () => ({ priority: 'Urgent' })],
  ])('refuses %s with 422 INVALID_DATA on %s and creates nothing', async (_label, fieldName, extra) => {
    const a = await api('/api/v1/tickets', { json: ticket(extra()) });
    expect(a.status).toBe(422);
    expect(a.body).toEqual({
      errorCode: 'INVALID_DATA',
      message: 'The data does not comply to the validation restrictions defined.',
      errors: [{ fieldName, errorType: 'invalid', errorMessage: '' }],
    });
    expect(fake.desk.tickets).toHaveLength(0);
    expect(fake.desk.contacts).toHaveLength(0);
  });

  it('reports missing fields and keys the schema does not allow', async () => {
    const noSubject = await api('/api/v1/tickets', { json: ticket({ subject: undefined }) });
    expect(noSubject.body?.['errors']).toEqual([{ fieldName: '/subject', errorType: 'missing', errorMessage: '' }]);
    const noContact = await api('/api/v1/tickets', { json: ticket({ contact: undefined }) });
    expect(noContact.body?.['errors']).toEqual([{ fieldName: '/contactId', errorType: 'missing', errorMessage: '' }]);
    const phoneInContact = await api('/api/v1/tickets', { json: ticket({ contact: { lastName: 'T', email: 'a@example.com', phone: '1' } }) });
    expect(phoneInContact.status).toBe(422);
    expect(phoneInContact.body?.['errors']).toEqual([expect.objectContaining({ fieldName: '/contact/phone', errorType: 'invalid' })]);
    const noEmail = await api('/api/v1/tickets', { json: ticket({ contact: { lastName: 'T' } }) });
    expect(noEmail.body?.['errors']).toEqual([{ fieldName: '/contact/email', errorType: 'missing', errorMessage: '' }]);
  });

  it('answers 400 for a body that is not JSON and 422 EMPTY_PAYLOAD for none', async () => {
    const bad = await api('/api/v1/tickets', { method: 'POST', form: { subject: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errorCode: 'BAD_REQUEST' });
    const empty = await api('/api/v1/tickets', { method: 'POST' });
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ errorCode: 'EMPTY_PAYLOAD' });
  });
});

describe('search', () => {
  it('finds a ticket by email, subject and created time range; 204 when none', async () => {
    const before = new Date(Date.now() - 60_000).toISOString();
    const created = await api('/api/v1/tickets', { json: ticket() });
    await api('/api/v1/tickets', { json: ticket({ subject: 'Something else entirely' }) });
    const after = new Date(Date.now() + 60_000).toISOString();
    const q = new URLSearchParams({ email: 'yui@example.jp', subject: 'Chat enquiry: Yui Tanaka', createdTimeRange: `${before},${after}` });
    const hit = await api(`/api/v1/tickets/search?${q}`);
    expect(hit.status).toBe(200);
    expect(hit.body).toMatchObject({ data: [{ id: created.body?.['id'] }], count: 1 });

    const later = new URLSearchParams({ email: 'yui@example.jp', createdTimeRange: `${after},${after}` });
    const none = await api(`/api/v1/tickets/search?${later}`);
    expect(none.status).toBe(204);
    expect(none.text).toBe('');
  });

  it('searches a custom field and refuses short subjects and unknown parameters', async () => {
    await api('/api/v1/tickets', { json: ticket({ cf: { cf_effect_id: 'eff-1' } }) });
    const hit = await api(`/api/v1/tickets/search?customField1=${encodeURIComponent('cf_effect_id:eff-1')}`);
    expect(hit.body?.['count']).toBe(1);
    expect((await api('/api/v1/tickets/search?subject=ab')).status).toBe(422);
    const extra = await api('/api/v1/tickets/search?mail=x');
    expect(extra.body).toEqual({ errorCode: 'UNPROCESSABLE_ENTITY', message: "Extra query parameter 'mail' is present in the input" });
  });

  it('creates a contact with only a last name and a phone; a ticket then takes it by contactId', async () => {
    const made = await api('/api/v1/contacts', { json: { lastName: 'Tanaka', phone: '090-1234-5678' } });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ id: expect.stringMatching(/^\d+$/), lastName: 'Tanaka', email: null, phone: '090-1234-5678' });
    const hit = await api('/api/v1/contacts/search?phone=090-1234-5678');
    expect(hit.body).toMatchObject({ data: [{ id: made.body?.['id'] }] });
    const t = await api('/api/v1/tickets', { json: ticket({ contact: undefined, contactId: made.body?.['id'] }) });
    expect(t.status).toBe(200);
    expect(t.body?.['contactId']).toBe(made.body?.['id']);
    const noName = await api('/api/v1/contacts', { json: { phone: '1' } });
    expect(noName.body?.['errors']).toEqual([{ fieldName: '/lastName', errorType: 'missing', errorMessage: '' }]);
  });

  it("lists the portal's ticket picklists in organizationFields, and refuses values the portal does not have", async () => {
    fake.deskPicklists.priority.push('Urgent');
    const a = await api('/api/v1/organizationFields?module=tickets');
    expect(a.status).toBe(200);
    const fields = a.body?.['data'] as { apiName: string; type: string; allowedValues?: { value: string }[] }[];
    const values = (name: string) => fields.find((f) => f.apiName === name)?.allowedValues?.map((v) => v.value);
    expect(values('priority')).toEqual(['High', 'Medium', 'Low', 'Urgent']);
    expect(values('status')).toEqual(['Open', 'On Hold', 'Escalated', 'Closed']);
    expect(values('classification')).toEqual(['Question', 'Problem', 'Request', 'Others']);
    expect((await api('/api/v1/tickets', { json: ticket({ priority: 'Urgent' }) })).status).toBe(200);
    const unknown = await api('/api/v1/tickets', { json: ticket({ priority: 'Whenever' }) });
    expect(unknown.body?.['errors']).toEqual([{ fieldName: '/priority', errorType: 'invalid', errorMessage: '' }]);
    expect((await api('/api/v1/organizationFields?module=calls')).status).toBe(422);
  });

  it('lists tickets and contacts, newest first, and refuses a parameter it does not know', async () => {
    await api('/api/v1/tickets', { json: ticket() });
    await api('/api/v1/tickets', { json: ticket({ subject: 'Second' }) });
    const tickets = await api('/api/v1/tickets?limit=1');
    expect(tickets.body).toMatchObject({ data: [{ subject: 'Second' }] });
    expect((await api('/api/v1/contacts?limit=5')).body).toMatchObject({ data: [{ email: 'yui@example.jp' }] });
    expect((await api('/api/v1/tickets?mail=x')).status).toBe(422);
  });

  it('finds contacts by email', async () => {
    await api('/api/v1/tickets', { json: ticket() });
    const hit = await api('/api/v1/contacts/search?email=yui%40example.jp');
    expect(hit.body).toMatchObject({ data: [{ email: 'yui@example.jp', lastName: 'Tanaka' }], count: 1 });
    expect((await api('/api/v1/contacts/search?email=no%40example.jp')).status).toBe(204);
  });
});
