import { parseArgs } from 'node:util';
import { startFakeSalesforce } from './index.ts';

/** `npm run fake-salesforce [-- --port 8766 --seed 42]`: the fake for trying the Salesforce path by hand. */

const { values } = parseArgs({ options: { port: { type: 'string', default: '8766' }, seed: { type: 'string', default: '42' } } });
const port = Number(values.port);
const seed = Number(values.seed);
if (!Number.isInteger(port) || port < 0 || port > 65_535 || !Number.isInteger(seed)) {
  console.error('usage: fake-salesforce [--port N] [--seed N]');
  process.exit(2);
}

const fake = await startFakeSalesforce({ port, seed });
const { clientId, clientSecret, refreshToken } = fake.client;
const common = `--client-id ${clientId} --client-secret ${clientSecret} --refresh-token ${refreshToken} --login-url ${fake.url}`;

console.log(`Fake Salesforce (OAuth 2 login server and REST API v58.0–v64.0) listening on ${fake.url}

Point Renkei at it:
  renkei integrations set crm salesforce ${common}
  renkei integrations set helpdesk salesforce ${common}
  renkei integrations set mailing salesforce ${common}

Seeded: users agent@example.com (active), gone@example.com (inactive); queues Support and Sales (Cases),
Leads Inbox (Leads); campaign Newsletter; a duplicate rule blocking Leads and Contacts by Email.

Drive it (JSON):
  curl ${fake.url}/__fake/state
  curl -X POST ${fake.url}/__fake/faults -d '{"rate5xx":0.2,"rateLimit":0.1}'
  curl -X POST ${fake.url}/__fake/expire-sessions
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
