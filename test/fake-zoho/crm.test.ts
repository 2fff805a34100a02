import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeZoho } from './index.ts';
import type { FakeZoho } from './index.ts';
import { accessToken, client } from './testkit.ts';

let fake: FakeZoho;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  fake = await startFakeZoho({ seed: 3 });
});
beforeEach(async () => {
  api = client(fake, await accessToken(fake));
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const insert = (module: string, ...records: Record<string, unknown>[]) => api(`/crm/v8/${module}`, { json: { data: records } });
const item = (body: Record<string, unknown> | null, i = 0) => (body?.['data'] as Record<string, unknown>[])[i];
const coql = (select_query: string) => api('/crm/v8/coql', { json: { select_query } });

describe('insert', () => {
  it('creates a lead: 201, SUCCESS with the new id, stored with its fields', async () => {
    const a = await insert('Leads', {
      Last_Name: 'Tanaka',
      First_Name: 'Yui',
      Email: 'yui@example.jp',
      Phone: '+81-90-1234-5678',
      Company: 'Example KK',
      Lead_Source: 'Chat',
      Visitor_Topic: 'pricing',
    });
    expect(a.status).toBe(201);
    expect(item(a.body)).toMatchObject({ code: 'SUCCESS', status: 'success', message: 'record added', details: { id: expect.stringMatching(/^\d{19}$/) } });
    const id = (item(a.body)?.['details'] as { id: string }).id;
    expect(fake.crm.leads).toHaveLength(1);
    expect(fake.crm.leads[0]).toMatchObject({ id, Last_Name: 'Tanaka', Email: 'yui@example.jp', Visitor_Topic: 'pricing', Full_Name: 'Yui Tanaka' });
    expect(fake.crm.leads[0]?.Created_Time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
  });

  it('refuses a lead or contact without Last_Name with MANDATORY_NOT_FOUND (HTTP 400)', async () => {
    for (const module of ['Leads', 'Contacts']) {
      const a = await insert(module, { First_Name: 'Yui', Last_Name: '  ' });
      expect(a.status).toBe(400);
      expect(item(a.body)).toEqual({
        code: 'MANDATORY_NOT_FOUND',
        details: { api_name: 'Last_Name', json_path: '$.data[0].Last_Name' },
        message: 'required field not found',
        status: 'error',
      });
    }
    expect(fake.crm.leads.length + fake.crm.contacts.length).toBe(0);
  });

  it('requires Deal_Name and Stage on deals, and a known stage', async () => {
    expect(item((await insert('Deals', { Stage: 'Qualification' })).body)).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Deal_Name' } });
    expect(item((await insert('Deals', { Deal_Name: 'Chat' })).body)).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Stage' } });
    expect(item((await insert('Deals', { Deal_Name: 'Chat', Stage: 'Dreaming' })).body)).toMatchObject({
      code: 'INVALID_DATA',
      details: { api_name: 'Stage' },
    });
    expect(fake.crm.deals).toHaveLength(0);
  });

  it.each([
    ['Leads', { Email: 'not-an-email' }, 'Email', 'email'],
    ['Leads', { Phone: 'call me maybe' }, 'Phone', 'phone'],
    ['Leads', { Phone: '+81 90 1234 5678 9012 3456 7890 12' }, 'Phone', 'phone'],
    ['Deals', { Deal_Name: 'd', Stage: 'Qualification', Closing_Date: '2025-02-30' }, 'Closing_Date', 'date'],
    ['Deals', { Deal_Name: 'd', Stage: 'Qualification', Closing_Date: '31/12/2025' }, 'Closing_Date', 'date'],
    ['Deals', { Deal_Name: 'd', Stage: 'Qualification', Amount: '120000' }, 'Amount', 'currency'],
  ])('%s with %j → INVALID_DATA on %s', async (module, fields, apiName, type) => {
    const a = await insert(module, { Last_Name: 'Tanaka', ...fields });
    expect(a.status).toBe(400);
    expect(item(a.body)).toMatchObject({
      code: 'INVALID_DATA',
      status: 'error',
      details: { api_name: apiName, json_path: `$.data[0].${apiName}`, expected_data_type: type },
    });
  });

  it('answers DUPLICATE_DATA with the existing id for a known email (case-insensitive), per module', async () => {
    const first = await insert('Leads', { Last_Name: 'Tanaka', Email: 'yui@example.jp' });
    const id = (item(first.body)?.['details'] as { id: string }).id;
    const dup = await insert('Leads', { Last_Name: 'Tanaka', Email: 'YUI@example.jp' });
    expect(dup.status).toBe(400);
    expect(item(dup.body)).toMatchObject({
      code: 'DUPLICATE_DATA',
      message: 'duplicate data',
      details: { api_name: 'Email', id, duplicate_record: { id, module: { api_name: 'Leads' } } },
    });
    expect(fake.crm.leads).toHaveLength(1);
    // A contact with the same email is not a duplicate of a lead.
    expect((await insert('Contacts', { Last_Name: 'Tanaka', Email: 'yui@example.jp' })).status).toBe(201);
  });

  it('allows duplicate emails when the org setting is off', async () => {
    fake.setLeadEmailUnique(false);
    await insert('Leads', { Last_Name: 'A', Email: 'same@example.com' });
    expect((await insert('Leads', { Last_Name: 'B', Email: 'same@example.com' })).status).toBe(201);
    expect(fake.crm.leads).toHaveLength(2);
  });

  it('links a deal to a known contact and refuses an unknown Contact_Name id', async () => {
    const contact = fake.addCrmRecord('Contacts', { Last_Name: 'Tanaka', First_Name: 'Yui' });
    const ok = await insert('Deals', {
      Deal_Name: 'Chat: Yui',
      Stage: 'Qualification',
      Amount: 120000,
      Closing_Date: '2025-12-31',
      Contact_Name: { id: contact.id },
    });
    expect(ok.status).toBe(201);
    expect(fake.crm.deals[0]?.['Contact_Name']).toEqual({ id: contact.id, name: 'Yui Tanaka' });

    const bad = await insert('Deals', { Deal_Name: 'x', Stage: 'Qualification', Contact_Name: { id: '5725767000000999999' } });
    expect(bad.status).toBe(400);
    expect(item(bad.body)).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'Contact_Name' } });
    expect(fake.crm.deals).toHaveLength(1);
  });

  it('answers 207 with per-record results in input order when some fail', async () => {
    const a = await insert('Leads', { Last_Name: 'A' }, { First_Name: 'no last name' }, { Last_Name: 'C' });
    expect(a.status).toBe(207);
    expect((a.body?.['data'] as { code: string }[]).map((d) => d.code)).toEqual(['SUCCESS', 'MANDATORY_NOT_FOUND', 'SUCCESS']);
    expect(fake.crm.leads.map((l) => l['Last_Name'])).toEqual(['A', 'C']);
  });

  it('refuses more than 100 records and a body without data', async () => {
    const many = await insert('Leads', ...Array.from({ length: 101 }, (_, i) => ({ Last_Name: `L${i}` })));
    expect(many.status).toBe(400);
    expect(many.body).toMatchObject({ code: 'LIMIT_EXCEEDED', status: 'error' });
    const none = await api('/crm/v8/Leads', { json: { records: [] } });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'data' } });
    expect(fake.crm.leads).toHaveLength(0);
  });

  it('answers INVALID_MODULE, INVALID_URL_PATTERN and a wrong method with top-level bodies', async () => {
    const mod = await insert('Widgets', { Name: 'x' });
    expect(mod.status).toBe(400);
    expect(mod.body).toEqual({
      code: 'INVALID_MODULE',
      details: { resource_path_index: 0 },
      message: 'the module name given seems to be invalid',
      status: 'error',
    });
    const url = await api('/crm/v8/Leads/a/b/c');
    expect(url.status).toBe(404);
    expect(url.body).toMatchObject({ code: 'INVALID_URL_PATTERN', status: 'error' });
    expect((await api('/crm/v8/org', { method: 'DELETE' })).status).toBe(405);
  });
});

describe('upsert', () => {
  it('updates the record matching the duplicate-check field and inserts otherwise', async () => {
    const existing = fake.addCrmRecord('Leads', { Last_Name: 'Tanaka', Email: 'yui@example.jp', Company: 'Old' });
    const up = await api('/crm/v8/Leads/upsert', { json: { data: [{ Email: 'yui@example.jp', Company: 'New' }], duplicate_check_fields: ['Email'] } });
    expect(up.status).toBe(200);
    expect(item(up.body)).toMatchObject({
      code: 'SUCCESS',
      action: 'update',
      duplicate_field: 'Email',
      message: 'record updated',
      details: { id: existing.id },
    });
    expect(fake.crm.leads).toHaveLength(1);
    expect(fake.crm.leads[0]?.['Company']).toBe('New');

    const ins = await api('/crm/v8/Leads/upsert', { json: { data: [{ Last_Name: 'Sato', Email: 'sato@example.jp' }] } });
    expect(item(ins.body)).toMatchObject({ action: 'insert', message: 'record added' });
    expect(fake.crm.leads).toHaveLength(2);
  });
});

describe('search', () => {
  it('finds by email and answers 204 with an empty body when nothing matches', async () => {
    const lead = fake.addCrmRecord('Leads', { Last_Name: 'Tanaka', Email: 'yui@example.jp' });
    const hit = await api('/crm/v8/Leads/search?email=YUI%40example.jp');
    expect(hit.status).toBe(200);
    expect(hit.body).toMatchObject({ data: [{ id: lead.id, Email: 'yui@example.jp' }], info: { count: 1, page: 1, more_records: false } });

    const miss = await api('/crm/v8/Leads/search?email=nobody%40example.com');
    expect(miss.status).toBe(204);
    expect(miss.text).toBe('');
  });

  it('supports criteria with and/or, lookups by id and escaped values', async () => {
    const c = fake.addCrmRecord('Contacts', { Last_Name: 'Tanaka' });
    fake.addCrmRecord('Deals', { Deal_Name: 'Chat (quote)', Stage: 'Qualification', Contact_Name: { id: c.id, name: 'Tanaka' } });
    fake.addCrmRecord('Deals', { Deal_Name: 'Other', Stage: 'Qualification' });
    const criteria = encodeURIComponent(`(Deal_Name:equals:Chat \\(quote\\))and(Contact_Name.id:equals:${c.id})`);
    const a = await api(`/crm/v8/Deals/search?criteria=${criteria}`);
    expect(a.status).toBe(200);
    expect((a.body?.['data'] as unknown[]).length).toBe(1);
    const either = encodeURIComponent('((Deal_Name:equals:Other)or(Deal_Name:equals:nothing))');
    expect(((await api(`/crm/v8/Deals/search?criteria=${either}`)).body?.['data'] as unknown[]).length).toBe(1);
  });

  it('treats criteria equals like contains, as the real search does', async () => {
    fake.addCrmRecord('Leads', { Last_Name: 'A', Email: 'ayui@example.jp' });
    const a = await api(`/crm/v8/Leads/search?criteria=${encodeURIComponent('(Email:equals:yui@example.jp)')}`);
    expect(a.status).toBe(200);
  });

  it('refuses malformed criteria and a search without any parameter', async () => {
    const bad = await api(`/crm/v8/Leads/search?criteria=${encodeURIComponent('Email:equals:x')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_QUERY', status: 'error' });
    const none = await api('/crm/v8/Leads/search');
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ code: 'REQUIRED_PARAM_MISSING' });
  });

  it('with searchLagMs, search misses a fresh record that COQL finds', async () => {
    fake.faults.set({ searchLagMs: 60_000 });
    await insert('Leads', { Last_Name: 'Fresh', Email: 'fresh@example.com' });
    expect((await api('/crm/v8/Leads/search?email=fresh%40example.com')).status).toBe(204);
    expect((await coql("select id from Leads where Email = 'fresh@example.com' limit 1")).status).toBe(200);
  });
});

describe('COQL', () => {
  it('selects the asked columns with equality, and and Created_Time >=', async () => {
    const since = new Date(Date.now() - 5_000).toISOString().slice(0, 19) + '+00:00';
    const lead = fake.addCrmRecord('Leads', { Last_Name: 'Tanaka', Email: 'Yui@Example.jp', Company: 'KK' });
    fake.addCrmRecord('Leads', { Last_Name: 'Other', Email: 'other@example.jp' });
    const a = await coql(`select id, Email from Leads where Email = 'yui@example.jp' and Created_Time >= '${since}' limit 1`);
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ data: [{ id: lead.id, Email: 'Yui@Example.jp' }], info: { count: 1, more_records: false } });
  });

  it('matches deals by name and contact lookup; 204 when nothing matches', async () => {
    const c = fake.addCrmRecord('Contacts', { Last_Name: 'Tanaka' });
    const d = fake.addCrmRecord('Deals', { Deal_Name: "Yui's deal", Stage: 'Qualification', Contact_Name: { id: c.id, name: 'Tanaka' } });
    const hit = await coql(`select id, Deal_Name from Deals where Deal_Name = 'Yui''s deal' and Contact_Name = '${c.id}' limit 5`);
    expect(hit.body?.['data']).toEqual([{ id: d.id, Deal_Name: "Yui's deal" }]);
    const future = new Date(Date.now() + 3_600_000).toISOString().slice(0, 19) + '+00:00';
    const none = await coql(`select id from Deals where Deal_Name = 'Yui''s deal' and Created_Time >= '${future}'`);
    expect(none.status).toBe(204);
    expect(none.text).toBe('');
  });

  it('escapes a quote by doubling it; a backslash is an ordinary character', async () => {
    const a = fake.addCrmRecord('Accounts', { Account_Name: "L'Oréal" });
    fake.addCrmRecord('Accounts', { Account_Name: 'C:\\temp' });
    expect((await coql("select id from Accounts where Account_Name = 'L''Oréal'")).body?.['data']).toEqual([{ id: a.id }]);
    // The backslash escape is not COQL: the string ends at the second quote and the rest is junk.
    expect((await coql("select id from Accounts where Account_Name = 'L\\'Oréal'")).body).toMatchObject({ code: 'SYNTAX_ERROR' });
    expect((await coql("select id from Accounts where Account_Name = 'C:\\temp'")).status).toBe(200);
  });

  it('needs brackets around more than two criteria', async () => {
    const lead = fake.addCrmRecord('Leads', { Last_Name: 'Tanaka', Phone: '123', Email: 'y@example.jp' });
    const flat = await coql("select id from Leads where Last_Name = 'Tanaka' and Phone = '123' and Email = 'y@example.jp'");
    expect(flat.status).toBe(400);
    expect(flat.body).toMatchObject({ code: 'SYNTAX_ERROR' });
    const grouped = await coql("select id from Leads where ((Last_Name = 'Tanaka' and Phone = '123') and Email = 'y@example.jp')");
    expect(grouped.body?.['data']).toEqual([{ id: lead.id }]);
  });

  it('needs ZohoCRM.settings.fields.READ as well as ZohoCRM.coql.READ', async () => {
    const creds = { clientId: 'c-coql', clientSecret: 's', refreshToken: 'r-coql', scopes: ['ZohoCRM.coql.READ', 'ZohoCRM.modules.ALL'] };
    fake.addClient(creds);
    const narrow = client(fake, await accessToken(fake, creds));
    const a = await narrow('/crm/v8/coql', { json: { select_query: 'select id from Leads limit 1' } });
    expect(a.status).toBe(401);
    expect(a.body).toMatchObject({ code: 'OAUTH_SCOPE_MISMATCH' });
  });

  it('refuses syntax errors, unknown columns and datetimes not in Zoho format', async () => {
    expect((await coql('select from Leads')).body).toMatchObject({ code: 'SYNTAX_ERROR', status: 'error' });
    expect((await coql("select id from Leads where Nope = 'x'")).body).toMatchObject({ code: 'INVALID_QUERY', details: { column_name: 'Nope' } });
    const ms = await coql("select id from Leads where Created_Time >= '2025-06-01T09:00:00.000Z'");
    expect(ms.status).toBe(400);
    expect(ms.body).toMatchObject({ code: 'INVALID_QUERY', details: { column_name: 'Created_Time' } });
    expect((await api('/crm/v8/coql', { json: {} })).body).toMatchObject({ code: 'MANDATORY_NOT_FOUND' });
  });
});

describe('reads', () => {
  it('org is a cheap read', async () => {
    const a = await api('/crm/v8/org');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ org: [{ id: expect.any(String), company_name: expect.any(String) }] });
  });

  it('settings/fields lists the module layout with the Stage picklist', async () => {
    const a = await api('/crm/v8/settings/fields?module=Deals');
    const fields = a.body?.['fields'] as { api_name: string; system_mandatory: boolean; pick_list_values: { actual_value: string }[] }[];
    const stage = fields.find((f) => f.api_name === 'Stage');
    expect(stage?.system_mandatory).toBe(true);
    expect(stage?.pick_list_values.map((v) => v.actual_value)).toContain('Qualification');
  });

  it('settings/pipeline needs the layout id from settings/layouts, and answers 204 where the layout has no pipeline', async () => {
    expect((await api('/crm/v8/settings/pipeline')).body?.['code']).toBe('REQUIRED_PARAM_MISSING');
    const layouts = (await api('/crm/v8/settings/layouts?module=Deals')).body?.['layouts'] as { id: string }[];
    const url = `/crm/v8/settings/pipeline?layout_id=${layouts[0]?.id}`;
    expect((await api(url)).status).toBe(204);
    fake.dealPipelines.push({ name: 'Renewals', stages: ['Renewal Due'] });
    try {
      const listed = await api(url);
      expect(listed.body?.['pipeline']).toEqual([
        expect.objectContaining({
          display_value: 'Renewals',
          default: true,
          maps: [expect.objectContaining({ actual_value: 'Renewal Due', display_value: 'Renewal Due' })],
        }),
      ]);
    } finally {
      fake.dealPipelines.length = 0;
    }
  });
});
