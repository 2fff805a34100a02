import { Option, type Command } from 'commander';
import type { FieldDeclaration, ProviderDeclaration } from '../../connectors/declaration.ts';
import { parseFields, storedValues, unservedRole, type FieldProblem } from '../../connectors/integration-settings.ts';
import { declarationOf, dropUnusedTokens, PROVIDER_NAMES, PROVIDERS, type Providers } from '../../connectors/registry.ts';
import { ROLES, type Role } from '../../vocabulary/roles.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import {
  disconnectIntegration,
  getIntegration,
  listIntegrations,
  recordIntegrationCheck,
  setIntegration,
  setIntegrationEnabled,
} from '../../store/integrations.ts';
import { integrationChange, recordAudit } from '../../store/audit.ts';
import { voidOAuthStates } from '../../store/oauth-states.ts';
import type { Store } from '../../store/store.ts';
import { cliActor } from '../actor.ts';
import { CliError } from '../errors.ts';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { lazyDecrypt, sharedProviders, withStore } from '../connectors.ts';
import { parseRole } from '../roles.ts';
import { table } from '../table.ts';

/** `--db` and one option per setting or secret of any provider (camelCase keys, as commander gives them). */
type SetOptions = { db?: string } & Partial<Record<string, string>>;

/** `clientId` → `--client-id`. */
const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Every setting and secret of every provider, once per key, with the providers that declare it. */
function declaredFields(): Array<{ key: string; secret: boolean; fields: Array<[ProviderDeclaration, FieldDeclaration]> }> {
  const byKey = new Map<string, { key: string; secret: boolean; fields: Array<[ProviderDeclaration, FieldDeclaration]> }>();
  for (const provider of PROVIDERS) {
    for (const [secret, fields] of [
      [false, provider.settings],
      [true, provider.secrets],
    ] as const) {
      for (const [key, field] of Object.entries(fields)) {
        const entry = byKey.get(key) ?? { key, secret, fields: [] };
        entry.fields.push([provider, field]);
        byKey.set(key, entry);
      }
    }
  }
  return [...byKey.values()];
}

/** The option's help: the field's label and help, the providers and roles that read it, where a secret may come from. */
function optionHelp(entry: ReturnType<typeof declaredFields>[number]): string {
  const parts = entry.fields.map(([provider, field]) => {
    const roles = field.roles ? `, ${field.roles.join('/')} only` : '';
    return `${provider.name}: ${field.label.en}${roles} — ${field.help.en}`;
  });
  const env = entry.fields.map(([, f]) => f.env).find((e) => e !== undefined);
  const secret = entry.secret ? ` ${env ? `Or $${env}; s` : 'S'}tored encrypted, never shown.` : '';
  return `${parts.join('; ')}${secret}`;
}

function addFieldOption(command: Command, entry: ReturnType<typeof declaredFields>[number]): void {
  const option = new Option(`${flagOf(entry.key)} <value>`, optionHelp(entry));
  const choiceSets = entry.fields.map(([, f]) => f.choices);
  const first = choiceSets[0];
  // Choices shown only when every provider that reads the option agrees on them; the schema checks anyway.
  if (first && choiceSets.every((c) => c !== undefined && c.join() === first.join())) option.choices(first);
  command.addOption(option);
}

export function registerIntegrations(program: Command, { io, run }: CommandContext): Command {
  const integrations = program
    .command('integrations')
    .description(`the service behind each role (${ROLES.join(', ')}): ${PROVIDERS.map((p) => p.label.en).join(', ')}`);

  withDbOption(
    integrations
      .command('list')
      .description(
        "provider, where its service lives (Zoho's data centre, HubSpot's API host, Salesforce's login server), status and last success or failure of each role; never a secret",
      ),
  )
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
            ['role', 'provider', 'where', 'enabled', 'status', 'last success', 'last failure', 'last error'],
            ROLES.map((role) => {
              const r = configured.get(role);
              if (!r) return [role, 'not configured', null, null, null, null, null, null];
              return [
                role,
                r.provider,
                declarationOf(r.provider)?.where(r.settings) ?? null,
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
      // Audited as the admin API's switch is, in the same transaction: no change without its entry.
      await withStore(dbTarget(opts.db, io.env), ({ db }) =>
        db.transaction().execute(async (trx) => {
          await setIntegrationEnabled(trx, r, enabled);
          await recordAudit(trx, { actor: cliActor(), action: enabled ? 'integration.enable' : 'integration.disable', target: `integration:${r}` });
        }),
      );
      writeLine(io.stdout, `${r} integration ${enabled ? 'enabled' : 'disabled'}`);
    });
  }
  withDbOption(
    integrations
      .command('disconnect')
      .description("disconnect the role's service: the role goes back to the built-in store; its settings, secrets and access tokens are erased")
      .argument('<role>', ROLES.join(' | ')),
  ).action(async (role: string, opts: { db?: string }) => {
    const r = parseRole(role);
    const target = dbTarget(opts.db, io.env);
    await withStore(target, async (store) => {
      await store.db.transaction().execute(async (trx) => {
        await disconnectIntegration(trx, r);
        await recordAudit(trx, { actor: cliActor(), action: 'integration.disconnect', target: `integration:${r}` });
      });
      // The erased credentials' access tokens go with them.
      await dropUnusedTokens(store, lazyDecrypt(target, io.env));
    });
    writeLine(io.stdout, `${r} integration disconnected: it uses the built-in store`);
  });

  const set = withDbOption(
    integrations
      .command('set')
      .description(`configure a role's integration: ${PROVIDERS.map((p) => `${p.name} (${p.label.en}: ${p.roles.join(', ')})`).join('; ')}`)
      .argument('<role>', ROLES.join(' | '))
      .argument('<provider>', PROVIDER_NAMES.join(' | ')),
  );
  const fieldEntries = declaredFields();
  for (const entry of fieldEntries) addFieldOption(set, entry);
  set.action(async (role: string, name: string, opts: SetOptions) => {
    const r = parseRole(role);
    const target = dbTarget(opts.db, io.env);
    const provider = declarationOf(name);
    if (!provider) throw new CliError(`unknown provider "${name}" (expected ${PROVIDER_NAMES.join(', ')})`, 2);
    if (!provider.roles.includes(r)) throw new CliError(`the ${name} provider cannot serve the ${r} role (it serves ${provider.roles.join(', ')})`, 2);
    for (const entry of fieldEntries) {
      const given = opts[entry.key] !== undefined;
      if (given && !(entry.key in provider.settings) && !(entry.key in provider.secrets)) {
        throw new CliError(`${flagOf(entry.key)} is not an option of the ${name} provider`, 2);
      }
    }
    const pick = (fields: Readonly<Record<string, FieldDeclaration>>) =>
      Object.fromEntries(
        Object.entries(fields).flatMap(([key, field]) => {
          const value = opts[key] ?? (field.env ? io.env[field.env] : undefined);
          return value === undefined ? [] : [[key, value]];
        }),
      );
    const settings = parseFields(provider, 'settings', pick(provider.settings));
    if (!settings.ok) throw new CliError(problemText(provider, settings.problem), 2);
    const unserved = unservedRole(provider, r, settings.data);
    if (unserved) throw new CliError(problemText(provider, unserved), 2);
    const secrets = parseFields(provider, 'secrets', pick(provider.secrets));
    if (!secrets.ok) throw new CliError(problemText(provider, secrets.problem), 2);
    const sealed = Object.keys(provider.secrets).length > 0 ? SecretBox.forDatabase(target, io.env).seal(storedValues(secrets.data)) : null;
    await withStore(target, async (store) => {
      const stored = storedValues(settings.data);
      // Audited as the admin API's change is (never a secret), in the same transaction.
      await store.db.transaction().execute(async (trx) => {
        await setIntegration(trx, r, provider.name, stored, sealed);
        // A consent started in the browser would undo this when it comes back.
        await voidOAuthStates(trx, [r]);
        await recordAudit(trx, { actor: cliActor(), ...integrationChange(r, provider.name, stored, sealed !== null) });
      });
      // The old credentials' access tokens go with them.
      await dropUnusedTokens(store, lazyDecrypt(target, io.env));
    });
    if (provider.connection.kind === 'none') {
      writeLine(io.stdout, `${r} integration set to ${provider.label.en}`);
      return;
    }
    const where = provider.where(settings.data);
    writeLine(io.stdout, `${r} integration set to ${provider.label.en}${where ? ` (${where})` : ''}; run \`renkei integrations check ${r}\` to test it`);
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
      const providers = sharedProviders(store, target, io.env, io.clock);
      for (const r of roles) {
        const verdict = await check(store, providers, r, target);
        writeLine(verdict.ok ? io.stdout : io.stderr, `${r}: ${verdict.ok ? 'ok' : verdict.message}`);
        if (!verdict.ok) failed++;
      }
      return failed;
    });
    if (failures > 0) run.exitCode = 1;
  });

  async function check(store: Store, providers: Providers, role: Role, target: string): Promise<{ ok: true } | { ok: false; message: string }> {
    let integration;
    try {
      integration = await getIntegration(store.db, role, lazyDecrypt(target, io.env));
    } catch (err) {
      return { ok: false, message: `its credentials cannot be read: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!integration) return { ok: false, message: 'not configured (renkei integrations set …)' };
    if (!integration.enabled) return { ok: false, message: 'disabled (renkei integrations enable …)' };
    const provider = providers[integration.provider];
    if (!provider) return { ok: false, message: `the ${integration.provider} provider is not available` };
    const verdict = provider.checkIntegration ? await provider.checkIntegration(role, integration) : ({ ok: true } as const);
    await recordIntegrationCheck(store.db, role, verdict);
    return verdict;
  }
  return integrations;
}

/** Names the option at fault rather than the field's internal name. */
function problemText(provider: ProviderDeclaration, problem: FieldProblem): string {
  const flag = flagOf(problem.key);
  const env = provider.secrets[problem.key]?.env;
  return problem.message === 'is required'
    ? `${flag}${env ? ` (or $${env})` : ''} is required for a ${provider.label.en} integration`
    : `${flag}: ${problem.message}`;
}
