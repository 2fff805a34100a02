import { parseArgs } from 'node:util';
import { startFakeHubSpot } from './index.ts';

/** `npm run fake-hubspot [-- --port 8766 --seed 42]`: the fake for trying the HubSpot path by hand. */

const { values } = parseArgs({ options: { port: { type: 'string', default: '8766' }, seed: { type: 'string', default: '42' } } });
const port = Number(values.port);
const seed = Number(values.seed);
if (!Number.isInteger(port) || port < 0 || port > 65_535 || !Number.isInteger(seed)) {
  console.error('usage: fake-hubspot [--port N] [--seed N]');
  process.exit(2);
}

const fake = await startFakeHubSpot({ port, seed });
const { clientId, clientSecret, refreshToken } = fake.app;
const common = `--client-id ${clientId} --client-secret ${clientSecret} --refresh-token ${refreshToken} --api-url ${fake.url}`;

console.log(`Fake HubSpot (OAuth v1, CRM v3 objects, search, pipelines, owners, properties, lists) listening on ${fake.url}

Point Renkei at it:
  renkei integrations set crm hubspot ${common}
  renkei integrations set helpdesk hubspot ${common}
  renkei integrations set mailing hubspot ${common}

Seeded: deal pipelines "Sales Pipeline" (HubSpot's stages) and "Chat sales" (Qualification, Proposal,
Closed won, Closed lost); ticket pipelines Support (Open, Waiting on contact, Closed) and Billing;
owners agent@example.com (active), gone@example.com (deactivated); lists Newsletter (manual),
Customers (active); ticket categories with "Question" added. CRM empty.

Drive it (JSON):
  curl ${fake.url}/__fake/state
  curl -X POST ${fake.url}/__fake/faults -d '{"rate5xx":0.2,"rate429":0.1}'
  curl -X POST ${fake.url}/__fake/faults -d '{"dailyLimit":true}'
  curl -X POST ${fake.url}/__fake/properties -d '{"objectType":"contacts","name":"favorite_color"}'
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
