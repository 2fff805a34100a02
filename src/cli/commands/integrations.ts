import type { Command } from 'commander';
import { ROLES } from '../../connectors/roles.ts';
import { listIntegrations, setIntegrationEnabled } from '../../store/integrations.ts';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { withStore } from '../connectors.ts';
import { parseRole } from '../roles.ts';
import { table } from '../table.ts';

export function registerIntegrations(program: Command, { io }: CommandContext): Command {
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
  return integrations;
}
