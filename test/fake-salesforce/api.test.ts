import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeSalesforce } from './index.ts';
import { parseSoql, SoqlError } from './soql.ts';

/** The fake's own contract, over real HTTP: what the connector relies on is what Salesforce documents. */
const fake = await startFakeSalesforce();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

interface Answer {
  status: number;
  body: unknown;
}
const V = '/services/data/v62.0';

async function token(client = fake.client): Promise<Answer> {
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    refresh_token: client.refreshToken,
  });
  const res = await fetch(`${fake.url}/services/oauth2/token`, { method: 'POST', body: form });
  return { status: res.status, body: await res.json() };
}
async function session(): Promise<string> {
  return ((await token()).body as { access_token: string }).access_token;
}
async function api(path: string, opts: { token?: string; json?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  const init: RequestInit = { headers, method: opts.json === undefined ? 'GET' : 'POST' };
  if (opts.json !== undefined) {
    init.body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${fake.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}
const query = (t: string, q: string) => api(`${V}/query?q=${encodeURIComponent(q)}`, { token: t });

describe('OAuth: the token endpoint', () => {
  it('answers a refresh with a session and the instance_url, and no expires_in', async () => {
    const answer = await token();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ access_token: expect.any(String), instance_url: fake.url, token_type: 'Bearer', scope: 'api refresh_token' });
    expect(answer.body).not.toHaveProperty('expires_in');
    expect(answer.body).not.toHaveProperty('refresh_token');
    expect(fake.stats.tokenRefreshes).toBe(1);
  });

  it("refuses with Salesforce's error bodies: invalid_grant, invalid_client_id, invalid_client", async () => {
    const revoked = fake.newClient();
    fake.revokeRefreshToken(revoked.refreshToken);
    expect(await token(revoked)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } });
    expect(await token({ ...fake.client, clientId: 'nope' })).toEqual({
      status: 400,
      body: { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    });
    expect(await token({ ...fake.client, clientSecret: 'nope' })).toEqual({
      status: 400,
      body: { error: 'invalid_client', error_description: 'invalid client credentials' },
    });
  });
});

describe('OAuth: the revocation endpoint', () => {
  const revoke = async (t: string): Promise<Answer> => {
    const res = await fetch(`${fake.url}/services/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: t }) });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : JSON.parse(text) };
  };

  it('revokes a refresh token with its sessions (200); a refresh then answers invalid_grant', async () => {
    const app = fake.newClient();
    const s = ((await token(app)).body as { access_token: string }).access_token;
    expect(await revoke(app.refreshToken)).toEqual({ status: 200, body: null });
    expect(await token(app)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } });
    expect((await api(`${V}/sobjects`, { token: s })).status).toBe(401);
  });

  it('ends a session alone; an unknown or revoked token is 400 invalid_token', async () => {
    const app = fake.newClient();
    const s = ((await token(app)).body as { access_token: string }).access_token;
    expect((await revoke(s)).status).toBe(200);
    expect((await api(`${V}/sobjects`, { token: s })).status).toBe(401);
    expect((await token(app)).status).toBe(200);
    fake.revokeRefreshToken(app.refreshToken);
    expect(await revoke(app.refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_token' } });
    expect(await revoke('nope')).toMatchObject({ status: 400, body: { error: 'invalid_token' } });
  });
});

describe('OAuth: refresh token rotation (the connected app setting)', () => {
  it('answers each refresh with a new refresh_token and refuses the one used from then on', async () => {
    const app = fake.newClient(undefined, { rotateRefreshTokens: true });
    const first = await token(app);
    expect(first.status).toBe(200);
    const next = (first.body as { refresh_token: string }).refresh_token;
    expect(next).toMatch(/^5Aep861/);
    expect(next).not.toBe(app.refreshToken);
    expect(await token(app)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } });
    const second = await token({ ...app, refreshToken: next });
    expect(second.status).toBe(200);
    expect((second.body as { refresh_token: string }).refresh_token).not.toBe(next);
    expect(fake.stats.tokenRefreshes).toBe(2);
  });

  it('revoking the grant by its first refresh token stops the rotated one too', async () => {
    const app = fake.newClient(undefined, { rotateRefreshTokens: true });
    const next = ((await token(app)).body as { refresh_token: string }).refresh_token;
    fake.revokeRefreshToken(app.refreshToken);
    expect((await token({ ...app, refreshToken: next })).status).toBe(400);
  });
});

describe('REST: sessions, errors and faults', () => {
  it('401 INVALID_SESSION_ID without a session, after expiry, and (saying so) without the api scope', async () => {
    expect(await api(`${V}/query?q=SELECT+Id+FROM+Lead`)).toEqual({
      status: 401,
      body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }],
    });
    const t = await session();
    expect((await query(t, 'SELECT Id FROM Lead')).status).toBe(200);
    fake.expireSessions();
    expect((await query(t, 'SELECT Id FROM Lead')).status).toBe(401);
    const noApi = fake.newClient(['refresh_token']);
    const limited = ((await token(noApi)).body as { access_token: string }).access_token;
    expect(await query(limited, 'SELECT Id FROM Lead')).toMatchObject({
      status: 401,
      body: [{ errorCode: 'INVALID_SESSION_ID', message: 'This session is not valid for use with the REST API' }],
    });
  });

  it('faults answer before any work, with the error array of each status', async () => {
    const t = await session();
    fake.faults.set({ failNext: { status: 403, count: 1, route: 'POST /sobjects/Lead' } });
    expect(await api(`${V}/sobjects/Lead`, { token: t, json: { LastName: 'A', Company: 'B' } })).toEqual({
      status: 403,
      body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
    });
    fake.faults.set({ failNext: { status: 503, count: 1 } });
    expect(await query(t, 'SELECT Id FROM Lead')).toMatchObject({ status: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE' }] });
    expect(fake.records('Lead')).toHaveLength(0);
    fake.faults.set({ rate5xx: 1 });
    expect((await query(t, 'SELECT Id FROM Lead')).status).toBeGreaterThanOrEqual(500);
    expect(() => fake.faults.set({ rate5xx: 2 })).toThrow();
  });

  it('holds a done answer back (rateSlow): a client that stops waiting finds the record made all the same', async () => {
    const t = await session();
    fake.faults.set({ rateSlow: 1, slowMs: 5_000 });
    const stop = new AbortController();
    const answer = fetch(`${fake.url}${V}/sobjects/Lead`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
      body: JSON.stringify({ LastName: 'Slow', Company: 'B' }),
      signal: stop.signal,
    });
    await vi.waitFor(() => expect(fake.records('Lead').map((l) => l['LastName'])).toEqual(['Slow']));
    stop.abort();
    await expect(answer).rejects.toThrow();
  });
});

describe('REST: creating records', () => {
  it('201 with the id; the record gets CreatedDate, an owner and (a Case) a CaseNumber', async () => {
    const t = await session();
    const created = await api(`${V}/sobjects/Case`, { token: t, json: { Subject: 'Help', Origin: 'Chat' } });
    expect(created).toEqual({ status: 201, body: { id: expect.stringMatching(/^500\w{15}$/), success: true, errors: [] } });
    expect(fake.records('Case')[0]).toMatchObject({
      CaseNumber: '00001001',
      Status: 'New',
      OwnerId: fake.org.integrationUserId,
      CreatedDate: expect.stringMatching(/\+0000$/),
    });
  });

  it.each([
    ['Lead', { LastName: 'A' }, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Company]', ['Company']],
    ['Lead', { LastName: 'A', Company: 'B', Nope__c: 'x' }, 'INVALID_FIELD', "No such column 'Nope__c' on sobject of type Lead", undefined],
    ['Case', { Priority: 'Urgent' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'Priority: bad value for restricted picklist field: Urgent', ['Priority']],
    ['Case', { OwnerId: '00G000000000000AAA' }, 'INVALID_CROSS_REFERENCE_KEY', undefined, ['OwnerId']],
    ['Contact', { LastName: 'A', Email: 'nope' }, 'INVALID_EMAIL_ADDRESS', 'Email: invalid email address: nope', ['Email']],
  ])('400 %s %j → %s', async (object, json, errorCode, message, fields) => {
    const answer = await api(`${V}/sobjects/${object}`, { token: await session(), json });
    expect(answer.status).toBe(400);
    expect((answer.body as unknown[])[0]).toMatchObject({ errorCode, ...(message ? { message } : {}), ...(fields ? { fields } : {}) });
  });

  it('an inactive owner is INACTIVE_OWNER_OR_USER; a queue that does not take the object is refused', async () => {
    const t = await session();
    const gone = fake.records('User').find((u) => u['Email'] === 'gone@example.com')!;
    expect(await api(`${V}/sobjects/Case`, { token: t, json: { OwnerId: gone.Id } })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INACTIVE_OWNER_OR_USER' }],
    });
    const leadsOnly = fake.records('Group').find((g) => g['Name'] === 'Leads Inbox')!;
    expect(await api(`${V}/sobjects/Case`, { token: t, json: { OwnerId: leadsOnly.Id } })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_CROSS_REFERENCE_KEY' }],
    });
  });

  it('the duplicate rule answers DUPLICATES_DETECTED with the match in duplicateResult.matchResults', async () => {
    const t = await session();
    const first = await api(`${V}/sobjects/Lead`, { token: t, json: { LastName: 'A', Company: 'B', Email: 'a@example.com' } });
    const id = (first.body as { id: string }).id;
    const again = await api(`${V}/sobjects/Lead`, { token: t, json: { LastName: 'A', Company: 'B', Email: 'A@example.com' } });
    expect(again.status).toBe(400);
    expect(again.body).toEqual([
      expect.objectContaining({
        errorCode: 'DUPLICATES_DETECTED',
        message: 'Use one of these records?',
        duplicateResult: expect.objectContaining({
          matchResults: [expect.objectContaining({ matchRecords: [expect.objectContaining({ record: expect.objectContaining({ Id: id }) })] })],
        }),
      }),
    ]);
    fake.setDuplicateRule('off');
    expect((await api(`${V}/sobjects/Lead`, { token: t, json: { LastName: 'A', Company: 'B', Email: 'a@example.com' } })).status).toBe(201);
  });

  it('a second member of a campaign is DUPLICATE_VALUE', async () => {
    const t = await session();
    const lead = fake.org.insert('Lead', { LastName: 'A', Company: 'B' });
    const campaign = fake.records('Campaign')[0]!;
    expect((await api(`${V}/sobjects/CampaignMember`, { token: t, json: { CampaignId: campaign.Id, LeadId: lead.Id } })).status).toBe(201);
    expect(await api(`${V}/sobjects/CampaignMember`, { token: t, json: { CampaignId: campaign.Id, LeadId: lead.Id } })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'DUPLICATE_VALUE' }],
    });
  });
});

describe('REST: SOQL and describe', () => {
  it('filters case-insensitively, by dateTime, through relationships, with ORDER BY and LIMIT', async () => {
    const t = await session();
    fake.org.insert('Lead', { LastName: "O'Brien", Company: 'X', Email: 'ob@example.com' }, Date.parse('2026-01-01T00:00:00Z'));
    fake.org.insert('Lead', { LastName: 'Later', Company: 'X', Email: 'OB@example.com' }, Date.parse('2026-02-01T00:00:00Z'));
    const byEmail = await query(t, "SELECT Id, LastName FROM Lead WHERE Email = 'ob@EXAMPLE.com' ORDER BY CreatedDate DESC LIMIT 1");
    expect(byEmail).toMatchObject({ status: 200, body: { totalSize: 1, done: true, records: [{ attributes: { type: 'Lead' }, LastName: 'Later' }] } });
    const quoted = await query(t, "SELECT Id FROM Lead WHERE LastName = 'O\\'Brien' AND CreatedDate < 2026-01-15T00:00:00Z");
    expect((quoted.body as { totalSize: number }).totalSize).toBe(1);
    const queues = await query(t, "SELECT QueueId, Queue.Name FROM QueueSobject WHERE SobjectType = 'Case'");
    expect((queues.body as { records: { Queue: { Name: string } }[] }).records.map((r) => r.Queue.Name)).toEqual(['Support', 'Sales']);
  });

  it('refuses what Salesforce would: MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE', async () => {
    const t = await session();
    expect(await query(t, 'SELECT FROM Lead')).toMatchObject({ status: 400, body: [{ errorCode: 'MALFORMED_QUERY' }] });
    expect(await query(t, 'SELECT Nope FROM Lead')).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_FIELD' }] });
    expect(await query(t, 'SELECT Id FROM Nope')).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_TYPE' }] });
    expect(() => parseSoql("SELECT Id FROM Lead WHERE Name = 'a\\qb'")).toThrow(SoqlError);
  });

  it('describe lists fields with their picklist values and whether the user may create', async () => {
    const t = await session();
    const described = await api(`${V}/sobjects/Opportunity/describe`, { token: t });
    expect(described.body).toMatchObject({ name: 'Opportunity', createable: true });
    const stage = (described.body as { fields: { name: string; picklistValues: { value: string }[]; restrictedPicklist: boolean }[] }).fields.find(
      (f) => f.name === 'StageName',
    )!;
    expect(stage.restrictedPicklist).toBe(true);
    expect(stage.picklistValues.map((p) => p.value)).toContain('Qualification');
    expect((await api(`${V}/sobjects/Nope/describe`, { token: t })).status).toBe(404);
  });
});
