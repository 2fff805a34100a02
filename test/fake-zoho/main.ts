import { parseArgs } from 'node:util';
import { startFakeZoho } from './index.ts';

/** `npm run fake-zoho [-- --port 8765 --seed 42 --token-rate-limit]`: the fake for trying the Zoho path by hand. */

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8765' },
    seed: { type: 'string', default: '42' },
    'token-rate-limit': { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
const seed = Number(values.seed);
if (!Number.isInteger(port) || port < 0 || port > 65_535 || !Number.isInteger(seed)) {
  console.error('usage: fake-zoho [--port N] [--seed N] [--token-rate-limit]');
  process.exit(2);
}

const fake = await startFakeZoho({ port, seed, tokenRateLimit: values['token-rate-limit'] });
const { clientId, clientSecret, refreshToken } = fake.client;
const common = `--dc com --client-id ${clientId} --client-secret ${clientSecret} --refresh-token ${refreshToken}`;
const urls = `--accounts-url ${fake.url} --api-url ${fake.url}`;

console.log(`Fake Zoho (accounts, CRM v8, Desk v1, Campaigns v1.1) listening on ${fake.url}

Point Renkei at it:
  renkei integrations set crm zoho ${common} ${urls}
  renkei integrations set helpdesk zoho ${common} --org-id ${fake.orgId} ${urls}
  renkei integrations set mailing zoho ${common} ${urls}

Seeded: Desk departments Support, Sales, Legacy (disabled); agents agent@example.com (active),
gone@example.com (disabled); Campaigns list Newsletter; CRM empty.

Drive it (JSON):
  curl ${fake.url}/__fake/state
  curl -X POST ${fake.url}/__fake/faults -d '{"rate5xx":0.2,"rate429":0.1}'
  curl -X POST ${fake.url}/__fake/expire-tokens
  curl -X POST ${fake.url}/__fake/revoke -d '{"refreshToken":"${refreshToken}"}'
  curl -X POST ${fake.url}/__fake/reset
Ctrl-C to stop.`);

const stop = () => {
  fake.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
