import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { setIntegration } from '../src/store/integrations.ts';
import { openStore } from '../src/store/store.ts';
import { startFakeZoho } from '../test/fake-zoho/index.ts';
import { BENCH_POSTGRES_URL } from './postgres.ts';

const PROCESSES = 3;
const CALLS = 300;
const TOKEN_PROCESS = fileURLToPath(new URL('./token-process.ts', import.meta.url));

/**
 * Three server processes on one PostgreSQL database, each creating Zoho CRM leads through
 * Renkei's Zoho provider and connectors (bench/token-process.ts), share Zoho's access token
 * through the database: the first lead of each (one after the other, as processes start) and
 * then, with every token expired (at Zoho and by the processes' clocks), 300 concurrent leads
 * spread over the three. Counts the refreshes the accounts server saw for each: the targets are
 * 1 and 1.
 */
export async function benchTokens(): Promise<Record<string, number>> {
  const fake = await startFakeZoho({ seed: 3, tokenRateLimit: true });
  const schema = `bench_tokens_${randomBytes(6).toString('hex')}`;
  const url = new URL(BENCH_POSTGRES_URL);
  url.searchParams.set('schema', schema);
  const env = { ...process.env, RENKEI_SECRET_KEY: randomBytes(32).toString('hex') };
  const children: ChildProcess[] = [];
  try {
    // The crm integration as `renkei integrations set crm zoho --api-url …` stores it.
    const store = await openStore(url.toString());
    try {
      const { clientId, clientSecret, refreshToken } = fake.client;
      const sealed = SecretBox.forDatabase(url.toString(), env).seal({ clientSecret, refreshToken });
      await setIntegration(store.db, 'crm', 'zoho', { dc: 'com', clientId, accountsUrl: fake.url, apiUrl: fake.url }, sealed);
    } finally {
      await store.close();
    }
    const ask = async (child: ChildProcess, command: object): Promise<{ ok: number }> => {
      const answer = once(child, 'message') as Promise<[{ ok: number }]>;
      child.send(command);
      return (await answer)[0];
    };
    const before = fake.stats.tokenRefreshes;
    let warmed = 0;
    // One after the other, as processes start: the first refreshes, the others find its token.
    for (let i = 0; i < PROCESSES; i++) {
      const child = fork(TOKEN_PROCESS, [url.toString()], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      await once(child, 'message');
      warmed += (await ask(child, { type: 'warm' })).ok;
    }
    const onStart = fake.stats.tokenRefreshes - before;

    fake.expireAccessTokens();
    const burstBefore = fake.stats.tokenRefreshes;
    const answers = await Promise.all(
      children.map((child, i) => ask(child, { type: 'burst', calls: CALLS / PROCESSES + (i < CALLS % PROCESSES ? 1 : 0), shiftMs: 2 * 3600_000 })),
    );
    const ok = answers.reduce((sum, a) => sum + a.ok, 0);
    return {
      zoho_token_refreshes_3_processes: fake.stats.tokenRefreshes - burstBefore,
      zoho_token_refreshes_3_starts: onStart,
      zoho_token_calls_failed_3_processes: CALLS + PROCESSES - ok - warmed,
    };
  } finally {
    for (const child of children) {
      if (child.exitCode === null && child.connected) {
        child.send({ type: 'stop' });
        await once(child, 'exit');
      }
    }
    await fake.close();
    const admin = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}
