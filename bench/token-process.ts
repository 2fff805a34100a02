/**
 * One server process of the token bench (bench/tokens.ts): opens the installation's database,
 * and makes Zoho calls whose access token comes from the database-backed cache every process
 * shares. Driven over IPC: `warm` makes one call; `burst` moves its clock forward (every token it
 * or the database holds is then expired) and makes `calls` calls at once.
 *
 * Zoho's client in src/connectors/zoho keeps its own token until it takes an AccessTokenCache
 * (another change): this calls the cache the way the client will — a token for the credential's
 * key, refreshed at the accounts server when due, invalidated on a 401 and asked for again.
 *
 * Run as `node bench/token-process.ts DB_URL` with FAKE_ZOHO_URL, ZOHO_CLIENT_ID,
 * ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN and RENKEI_SECRET_KEY in the environment.
 */
import { createHash } from 'node:crypto';
import type { IssuedToken } from '../src/connectors/remote/access-token-cache.ts';
import { storedAccessTokenCache } from '../src/connectors/remote/stored-access-token-cache.ts';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { openStore } from '../src/store/store.ts';

const target = process.argv[2];
const env = process.env;
const [url, clientId, clientSecret, refreshToken] = ['FAKE_ZOHO_URL', 'ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN'].map((name) => {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}) as [string, string, string, string];
if (!target || !process.send) throw new Error('usage: fork bench/token-process.ts DB_URL (with IPC)');

const store = await openStore(target);
const box = SecretBox.forDatabase(target, env);
const cache = storedAccessTokenCache(store, () => box);
const key = `zoho:${url}:${clientId}:${createHash('sha256').update(refreshToken).digest('hex')}`;
let shiftMs = 0;
const now = (): number => Date.now() + shiftMs;
/** Zoho's client refreshes five minutes before a token's end. */
const MARGIN_MS = 5 * 60_000;

async function refresh(): Promise<IssuedToken> {
  const started = now();
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken });
  const res = await fetch(`${url}/oauth/v2/token`, { method: 'POST', body: form });
  const body = (await res.json()) as { access_token?: string; expires_in?: number; error?: string };
  if (!body.access_token) throw new Error(`no access token: ${body.error ?? res.status}`);
  return { value: body.access_token, useUntil: started + (body.expires_in ?? 3600) * 1000 - MARGIN_MS };
}

/** One Zoho API call; a refused token is invalidated and the call made once more, as the client does. */
async function call(): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = await cache.tokenFor(key, refresh, now());
    const res = await fetch(`${url}/crm/v8/org`, { headers: { authorization: `Zoho-oauthtoken ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 401) return res.ok;
    await cache.invalidate(key, token);
  }
  return false;
}

type Command = { readonly type: 'warm' } | { readonly type: 'burst'; readonly calls: number; readonly shiftMs: number } | { readonly type: 'stop' };

process.on('message', (command: Command) => {
  void (async () => {
    switch (command.type) {
      case 'warm':
        process.send!({ type: 'done', ok: (await call()) ? 1 : 0 });
        return;
      case 'burst': {
        shiftMs = command.shiftMs;
        const results = await Promise.all(Array.from({ length: command.calls }, () => call().catch(() => false)));
        process.send!({ type: 'done', ok: results.filter(Boolean).length });
        return;
      }
      case 'stop':
        await store.close();
        process.exit(0);
    }
  })();
});
process.send({ type: 'ready' });
