import { describe, expect, it } from 'vitest';
import { describeError, salesforceErrors } from './http.ts';
import { soqlDateTime, soqlString } from './records.ts';
import { ctx, FAST, salesforceSuite } from './test-support.ts';

const h = await salesforceSuite();
const lead = { name: 'Yui Tanaka', email: 'yui@example.com', phone: '', company: 'Example KK', fields: {} };

describe('answers the REST API gives, and what each becomes', () => {
  it('a gateway timeout on a create counts as a lost answer: looked up, then created once', async () => {
    h.fake.faults.set({ failNext: { status: 504, count: 1, route: 'POST /sobjects/Lead' } });
    expect(await h.connect('crm').createLead(lead, ctx())).toMatchObject({ outcome: 'success' });
    expect(h.fake.records('Lead')).toHaveLength(1);
  });

  it.each([['API_DISABLED_FOR_ORG', /refused the API/]])('403 %s is integration_invalid and marks the integration', async (errorCode, message) => {
    h.fake.faults.set({ failNext: { status: 403, count: 1, errorCode } });
    expect(await h.connect('crm').createLead(lead, ctx())).toMatchObject({ outcome: 'integration_invalid', message: expect.stringMatching(message) });
    expect(h.invalid).toHaveLength(1);
    expect(h.fake.records('Lead')).toHaveLength(0);
  });

  it('a grant without the api scope is integration_invalid saying so, after one refresh, not a refresh loop', async () => {
    const noApi = h.fake.newClient(['refresh_token']);
    const before = h.fake.stats.tokenRefreshes;
    expect(await h.connect('crm', h.record('crm', { client: noApi })).createLead(lead, ctx())).toMatchObject({
      outcome: 'integration_invalid',
      message: expect.stringMatching(/needs the scope api/),
    });
    expect(h.fake.stats.tokenRefreshes - before).toBe(1);
  });

  it('a login server answering 5xx is retried; one that cannot be reached is a retryable failure', async () => {
    h.fake.faults.set({ failNext: { status: 500, count: 1, route: '/services/oauth2/token' } });
    expect(await h.connect('crm').createLead(lead, ctx())).toMatchObject({ outcome: 'success' });
    h.useProvider({ ...FAST, deadlineMs: 300 });
    const nowhere = h.record('crm', { settings: { loginUrl: 'http://127.0.0.1:9' } });
    expect(await h.connect('crm', nowhere).createLead(lead, ctx())).toMatchObject({
      outcome: 'failure',
      retryable: true,
      message: expect.stringMatching(/could not reach the Salesforce login server/),
    });
    expect(h.invalid).toEqual([]);
  });
});

describe("reading Salesforce's error array", () => {
  it('takes code, message and fields, bounded and without control characters; anything else says only the status', () => {
    const [first] = salesforceErrors([{ errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Bad\u001b[31m value\n', fields: ['Phone', '<b>'] }]);
    expect(describeError(400, first)).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION: Bad [31m value (fields Phone)');
    expect(describeError(502, salesforceErrors('<html>Bad gateway</html>')[0])).toBe('HTTP 502');
    expect(salesforceErrors({ errorCode: 'NOT_FOUND', message: 'gone' })[0]).toMatchObject({ errorCode: 'NOT_FOUND', message: 'gone' });
  });

  it('SOQL literals escape quotes and backslashes; dateTimes are UTC and unquoted', () => {
    expect(soqlString("O'Brien \\ Co")).toBe("'O\\'Brien \\\\ Co'");
    expect(soqlDateTime(Date.parse('2026-03-01T09:30:15.123Z'))).toBe('2026-03-01T09:30:15Z');
  });
});
