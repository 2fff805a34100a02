import { Option, type Command } from 'commander';
import { PROVIDER_NAMES } from '../../vocabulary/integration.ts';
import { providersFor } from '../../connectors/registry.ts';
import { ROLES, type Role } from '../../vocabulary/roles.ts';
import { DATA_CENTRES } from '../../connectors/zoho/data-centres.ts';
import { zohoSecrets, zohoSettings } from '../../connectors/zoho/provider.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import {
  getIntegration,
  listIntegrations,
  recordIntegrationCheck,
  setIntegration,
  setIntegrationEnabled,
} from '../../store/integrations.ts';
import type { Store } from '../../store/store.ts';
import { CliError } from '../errors.ts';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { lazyDecrypt, withStore } from '../connectors.ts';
import { parseRole } from '../roles.ts';
import { table } from '../table.ts';

interface SetOptions {
  db?: string;
  dc?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  orgId?: string;
  accountsUrl?: string;
  apiUrl?: string;
  defaultCompany?: string;
}

export function registerIntegrations(program: Command, { io, run }: CommandContext): Command {
  const integrations = program
    .command('integrations')
    .description(`the service behind each role (${ROLES.join(', ')}): built-in store or Zoho`);

  withDbOption(integrations.command('list').description('provider, data centre, status and last success or failure of each role; never a secret'))
    .option('--json', 'print JSON')
    .action(async (opts: { db?: string; json?: boolean }) => {
      await withStore(dbTarget(opts.db, io.env), async ({ db }) => {
        const rows = await listIntegrations(db);
        if (opts.json) {
          writeLine(io.stdout, JSON.stringify(rows, null, 2));
          return;
        }
        const configured = new Map(rows.map((r) => [r.role, r]));
        writeLine(
          io.stdout,
          table(
            ['role', 'provider', 'dc', 'enabled', 'status', 'last success', 'last failure', 'last error'],
            ROLES.map((role) => {
              const r = configured.get(role);
              if (!r) return [role, 'not configured', null, null, null, null, null, null];
              return [
                role,
                r.provider,
                r.settings['dc'] ?? null,
                r.enabled ? 'yes' : 'no',
                r.status === 'invalid' && r.statusMessage ? `invalid: ${r.statusMessage}` : r.status,
                r.lastSuccessAt,
                r.lastFailureAt,
                r.lastError,
              ];
            }),
          ),
        );
      });
    });

  for (const enabled of [true, false]) {
    const verb = enabled ? 'enable' : 'disable';
    withDbOption(
      integrations
        .command(verb)
        .description(enabled ? "turn the role's integration back on" : "turn the role's integration off: its blocks take integration_invalid")
        .argument('<role>', ROLES.join(' | ')),
    ).action(async (role: string, opts: { db?: string }) => {
      const r = parseRole(role);
      await withStore(dbTarget(opts.db, io.env), ({ db }) => setIntegrationEnabled(db, r, enabled));
      writeLine(io.stdout, `${r} integration ${enabled ? 'enabled' : 'disabled'}`);
    });
  }
  withDbOption(
    integrations
      .command('set')
      .description("configure a role's integration: the built-in store, or Zoho (CRM for crm, Desk for helpdesk, Campaigns for mailing)")
      .argument('<role>', ROLES.join(' | '))
      .argument('<provider>', PROVIDER_NAMES.join(' | ')),
  )
    .addOption(new Option('--dc <dc>', 'Zoho data centre').choices(DATA_CENTRES))
    .option('--client-id <id>', 'Zoho API client id')
    .option('--client-secret <secret>', 'Zoho API client secret (or $RENKEI_ZOHO_CLIENT_SECRET); stored encrypted, never shown')
    .option('--refresh-token <token>', 'Zoho refresh token (or $RENKEI_ZOHO_REFRESH_TOKEN); stored encrypted, never shown')
    .option('--org-id <id>', 'Zoho Desk organisation id (helpdesk only)')
    .option('--accounts-url <origin>', "Zoho accounts server origin, instead of the data centre's")
    .option('--api-url <origin>', "one origin for the Zoho APIs, instead of the data centre's")
    .option('--default-company <name>', 'company of a lead whose visitor gave none (crm only; default "Unknown")')
    .action(async (role: string, provider: string, opts: SetOptions) => {
      const r = parseRole(role);
      const target = dbTarget(opts.db, io.env);
      if (provider === 'builtin') {
        await withStore(target, ({ db }) => setIntegration(db, r, 'builtin', {}, null));
        writeLine(io.stdout, `${r} integration set to the built-in store`);
        return;
      }
      if (provider !== 'zoho') throw new CliError(`unknown provider "${provider}" (expected ${PROVIDER_NAMES.join(', ')})`, 2);
      const settings = zohoSettings.safeParse({
        dc: opts.dc,
        clientId: opts.clientId,
        orgId: opts.orgId,
        accountsUrl: opts.accountsUrl,
        apiUrl: opts.apiUrl,
        defaultCompany: opts.defaultCompany,
      });
      if (!settings.success) throw new CliError(firstIssue(settings.error.issues, SETTING_FLAGS), 2);
      for (const [flag, value] of [['--accounts-url', opts.accountsUrl], ['--api-url', opts.apiUrl]] as const) {
        if (value !== undefined && !isOrigin(value)) throw new CliError(`${flag} "${value}" is not an http(s) origin such as https://accounts.zoho.eu`, 2);
      }
      const secrets = zohoSecrets.safeParse({
        clientSecret: opts.clientSecret ?? io.env['RENKEI_ZOHO_CLIENT_SECRET'],
        refreshToken: opts.refreshToken ?? io.env['RENKEI_ZOHO_REFRESH_TOKEN'],
      });
      if (!secrets.success) throw new CliError(firstIssue(secrets.error.issues, SECRET_FLAGS), 2);
      const stored = Object.fromEntries(Object.entries(settings.data).filter((e): e is [string, string] => e[1] !== undefined));
      const sealed = SecretBox.forDatabase(target, io.env).seal(secrets.data);
      await withStore(target, ({ db }) => setIntegration(db, r, 'zoho', stored, sealed));
      writeLine(io.stdout, `${r} integration set to Zoho (${settings.data.dc}); run \`renkei integrations check ${r}\` to test it`);
    });

  withDbOption(
    integrations
      .command('check')
      .description('refresh the token and make one cheap read per role; says ok or exactly what is wrong')
      .argument('[role]', `${ROLES.join(' | ')} (default: every configured role)`),
  ).action(async (role: string | undefined, opts: { db?: string }) => {
    const roles = role === undefined ? ROLES : [parseRole(role)];
    const target = dbTarget(opts.db, io.env);
    const failures = await withStore(target, async (store) => {
      let failed = 0;
      for (const r of roles) {
        const verdict = await check(store, r, target);
        writeLine(verdict.ok ? io.stdout : io.stderr, `${r}: ${verdict.ok ? 'ok' : verdict.message}`);
        if (!verdict.ok) failed++;
      }
      return failed;
    });
    if (failures > 0) run.exitCode = 1;
  });

  async function check(store: Store, role: Role, target: string): Promise<{ ok: true } | { ok: false; message: string }> {
    let integration;
    try {
      integration = await getIntegration(store.db, role, lazyDecrypt(target, io.env));
    } catch (err) {
      return { ok: false, message: `its credentials cannot be read: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!integration) return { ok: false, message: 'not configured (renkei integrations set …)' };
    if (!integration.enabled) return { ok: false, message: 'disabled (renkei integrations enable …)' };
    const provider = providersFor(store)[integration.provider];
    if (!provider) return { ok: false, message: `the ${integration.provider} provider is not available` };
    const verdict = provider.checkIntegration ? await provider.checkIntegration(role, integration) : ({ ok: true } as const);
    await recordIntegrationCheck(store.db, role, verdict);
    return verdict;
  }
  return integrations;
}

const SETTING_FLAGS: Record<string, string> = { dc: '--dc', clientId: '--client-id', orgId: '--org-id', accountsUrl: '--accounts-url', apiUrl: '--api-url' };
const SECRET_FLAGS: Record<string, string> = { clientSecret: '--client-secret', refreshToken: '--refresh-token' };

/** Names the flag at fault rather than the setting's internal name. */
function firstIssue(issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string }>, flags: Record<string, string>): string {
  const issue = issues[0];
  const key = String(issue?.path[0] ?? '');
  const flag = flags[key] ?? key;
  return issue?.message.includes('received undefined') || issue?.code === 'too_small'
    ? `${flag} is required for a Zoho integration`
    : `${flag}: ${issue?.message ?? 'invalid'}`;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.pathname === '/' && !url.search;
  } catch {
    return false;
  }
}
