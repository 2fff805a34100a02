import { benchEngine } from './engine.ts';
import { benchHandoff } from './handoff.ts';
import { benchPurge } from './purge.ts';
import { benchServer } from './server.ts';
import { benchTokens } from './tokens.ts';
import { benchWebSizes } from './web-sizes.ts';
import { providerFakes } from '../test/helpers/provider-fake.ts';
import { benchProviderLeads } from './provider-leads.ts';

/** Each bench returns named figures; `npm run bench` merges them into one JSON line. */
type Bench = { readonly name: string; readonly run: () => Promise<Record<string, number>> };

const BENCHES: readonly Bench[] = [
  { name: 'engine', run: benchEngine },
  // Every provider with a fake (test/fake-<provider>/provider-fake.ts): the same 1,000-lead burst.
  ...(await providerFakes()).map((fake): Bench => ({ name: fake.provider, run: () => benchProviderLeads(fake) })),
  { name: 'tokens', run: benchTokens },
  { name: 'server', run: benchServer },
  { name: 'purge', run: benchPurge },
  { name: 'handoff', run: benchHandoff },
  { name: 'web', run: benchWebSizes },
];

const figures: Record<string, number> = {};
// `npm run bench -- zoho hubspot` runs only the benches named.
const only = process.argv.slice(2);
for (const bench of BENCHES.filter((b) => only.length === 0 || only.includes(b.name))) {
  const result = await bench.run();
  for (const [key, value] of Object.entries(result)) console.log(`${bench.name}: ${key} = ${value.toLocaleString('en')}`);
  Object.assign(figures, result);
}
// The last line is machine-read: one JSON object with every figure.
console.log(JSON.stringify(figures));
