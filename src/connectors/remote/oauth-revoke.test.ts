import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot } from '../../../test/fake-hubspot/index.ts';
import { startFakeSalesforce, type FakeSalesforce } from '../../../test/fake-salesforce/index.ts';
import { startFakeZoho, type FakeZoho } from '../../../test/fake-zoho/index.ts';
import { hubspotRevokeEndpoint } from '../hubspot/oauth.ts';
import { salesforceRevokeEndpoint } from '../salesforce/oauth.ts';
import { zohoRevokeEndpoint } from '../zoho/oauth.ts';
import { revokeToken } from './oauth-revoke.ts';

/** Each provider's revoke against its fake: revoked once, then refused, and never a token in what it says. */
let zoho: FakeZoho;
let hubspot: FakeHubSpot;
let salesforce: FakeSalesforce;
beforeAll(async () => {
  [zoho, hubspot, salesforce] = await Promise.all([startFakeZoho({ seed: 11 }), startFakeHubSpot({ seed: 11 }), startFakeSalesforce({ seed: 11 })]);
});
afterAll(() => Promise.all([zoho.close(), hubspot.close(), salesforce.close()]));

describe('revoking a grant', () => {
  it('Zoho: revoked, then a failure naming the status and where to remove the app', async () => {
    const creds = { clientId: 'revoke-client', clientSecret: 's', refreshToken: '1000.revoke.me' };
    zoho.addClient(creds);
    expect(await revokeToken(zohoRevokeEndpoint(zoho.url), creds.refreshToken)).toEqual({
      revoked: true,
      message: 'the refresh token Zoho issued was revoked',
    });
    const again = await revokeToken(zohoRevokeEndpoint(zoho.url), creds.refreshToken);
    expect(again.revoked).toBe(false);
    expect(again.message).toMatch(
      /^revoking the grant at the Zoho accounts server failed \(HTTP 400: invalid_request\); you may remove the app under Sessions → Connected Apps/,
    );
  });

  it('HubSpot: deleted, then a failure', async () => {
    const app = { clientId: 'revoke-app', clientSecret: 's', refreshToken: 'na1-revoke-me' };
    hubspot.addApp(app);
    expect((await revokeToken(hubspotRevokeEndpoint(hubspot.url), app.refreshToken)).revoked).toBe(true);
    const again = await revokeToken(hubspotRevokeEndpoint(hubspot.url), app.refreshToken);
    expect(again).toMatchObject({ revoked: false, message: expect.stringMatching(/\(HTTP 404: OBJECT_NOT_FOUND\); you may uninstall the app/) });
    expect(again.message).not.toContain(app.refreshToken);
  });

  it('Salesforce: revoked, then a failure naming invalid_token', async () => {
    const client = salesforce.newClient();
    expect((await revokeToken(salesforceRevokeEndpoint(salesforce.url), client.refreshToken)).revoked).toBe(true);
    expect((await revokeToken(salesforceRevokeEndpoint(salesforce.url), client.refreshToken)).message).toMatch(/\(HTTP 400: invalid_token\); you may revoke/);
  });

  it('a dropped connection or a timeout is a failure, not an exception, and the token is in neither message', async () => {
    const dropping = createServer((req) => req.socket.destroy());
    const silent = createServer(() => undefined);
    const ports = await Promise.all(
      [dropping, silent].map(
        (server) =>
          new Promise<number>((resolve) =>
            server.listen(0, '127.0.0.1', () => {
              const address = server.address();
              resolve(typeof address === 'object' && address ? address.port : 0);
            }),
          ),
      ),
    );
    try {
      const token = '1000.secret-token-that-must-not-show';
      const dropped = await revokeToken(zohoRevokeEndpoint(`http://127.0.0.1:${ports[0]}`), token);
      const timedOut = await revokeToken(hubspotRevokeEndpoint(`http://127.0.0.1:${ports[1]}`), token, { timeoutMs: 200 });
      expect(dropped).toMatchObject({ revoked: false, message: expect.stringMatching(/failed \(could not reach it: .+\); you may remove the app/) });
      expect(timedOut).toMatchObject({ revoked: false, message: expect.stringMatching(/failed \(could not reach it: timed out\)/) });
      for (const outcome of [dropped, timedOut]) expect(outcome.message).not.toContain('secret-token');
    } finally {
      silent.closeAllConnections();
      await Promise.all([dropping, silent].map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });
});
