import { spawn } from 'node:child_process';
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

/**
 * Each bench runs in a process of its own, so none measures on a heap, timers or sockets another
 * left behind (the hand-off's tail latency doubled after the others in one process).
 */
if (process.argv[2] === '--one') {
  const bench = BENCHES.find((b) => b.name === process.argv[3]);
  if (!bench) throw new Error(`no bench named ${process.argv[3]}`);
  console.log(JSON.stringify(await bench.run()));
  process.exit(0);
}

function runAlone(name: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, '--one', name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.trimEnd().split('\n');
      const last = lines.pop() ?? '';
      for (const line of lines) console.log(line);
      if (code !== 0) return reject(new Error(`the ${name} bench exited with ${code}`));
      resolve(JSON.parse(last) as Record<string, number>);
    });
  });
}

const figures: Record<string, number> = {};
// `npm run bench -- zoho hubspot` runs only the benches named.
const only = process.argv.slice(2);
for (const bench of BENCHES.filter((b) => only.length === 0 || only.includes(b.name))) {
  const result = await runAlone(bench.name);
  for (const [key, value] of Object.entries(result)) console.log(`${bench.name}: ${key} = ${value.toLocaleString('en')}`);
  Object.assign(figures, result);
}
// The last line is machine-read: one JSON object with every figure.
console.log(JSON.stringify(figures));
