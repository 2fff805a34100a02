/**
 * One server process of the token bench (bench/tokens.ts): opens the installation's database and
 * creates Zoho CRM leads the way `renkei serve` runs a block — the crm integration stored in the
 * database (credentials sealed), Renkei's own Zoho provider made by `providersFor` with the
 * database-backed access-token cache every process shares, and the connectors over it. Driven
 * over IPC: `warm` creates one lead; `burst` moves the provider's clock forward (every token it or
 * the database holds is then expired by its own reckoning, as after a long idle spell) and
 * creates `calls` leads at once.
 *
 * Run as `node bench/token-process.ts DB_URL` with RENKEI_SECRET_KEY in the environment; the
 * parent has stored the crm integration.
 */
import { randomBytes } from 'node:crypto';
import { createConnectors, providersFor } from '../src/connectors/registry.ts';
import { systemClock, type Clock } from '../src/connectors/remote/clock.ts';
import { storedAccessTokenCache } from '../src/connectors/remote/stored-access-token-cache.ts';
import { createWebhookConnector } from '../src/connectors/webhook/webhook.ts';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { openStore } from '../src/store/store.ts';

const target = process.argv[2];
if (!target || !process.send) throw new Error('usage: fork bench/token-process.ts DB_URL (with IPC)');

const store = await openStore(target);
let box: SecretBox | undefined;
const secretBox = (): SecretBox => (box ??= SecretBox.forDatabase(target, process.env));
/** The system's clock, moved forward by `burst`: waits and timeouts stay real. */
let shiftMs = 0;
const clock: Clock = { ...systemClock, now: () => Date.now() + shiftMs };
const connectors = createConnectors(store, {
  providers: providersFor(store, { tokens: storedAccessTokenCache(store, secretBox), clock }),
  decrypt: (blob) => secretBox().open(blob),
  webhook: createWebhookConnector({ allowPrivate: false }),
});

/** One lead, a new email each time: a COQL look-up and an insert, each with the shared token. */
async function createLead(): Promise<boolean> {
  const id = randomBytes(6).toString('hex');
  const outcome = await connectors.crm.createLead(
    { name: `Bench ${id}`, email: `bench.${id}@example.com`, phone: '', company: 'Bench', fields: {} },
    { effectId: `bench-${id}:1`, botId: 'bench', locale: 'en' },
  );
  return outcome.outcome === 'success';
}

type Command = { readonly type: 'warm' } | { readonly type: 'burst'; readonly calls: number; readonly shiftMs: number } | { readonly type: 'stop' };

process.on('message', (command: Command) => {
  void (async () => {
    switch (command.type) {
      case 'warm':
        process.send!({ type: 'done', ok: (await createLead()) ? 1 : 0 });
        return;
      case 'burst': {
        shiftMs = command.shiftMs;
        const results = await Promise.all(Array.from({ length: command.calls }, () => createLead().catch(() => false)));
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
