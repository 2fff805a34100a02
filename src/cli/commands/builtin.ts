import type { Command } from 'commander';
import { addAgent, addDepartment, addList, listAgents, listDepartments, listLists, setAgentActive, setDepartmentEnabled } from '../../store/directory.ts';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { withStore } from '../connectors.ts';
import { table } from '../table.ts';

interface DbOpt {
  db?: string;
  json?: boolean;
}

/** The built-in helpdesk's departments and agents, and the built-in mailing lists. */
export function registerBuiltin(program: Command, { io }: CommandContext): void {
  const builtin = program.command('builtin').description("the built-in store's departments, agents and mailing lists");
  const target = (opts: DbOpt) => dbTarget(opts.db, io.env);
  const print = (opts: DbOpt, rows: readonly object[], head: string[], cells: (r: never) => Array<string | null>) =>
    writeLine(
      io.stdout,
      opts.json
        ? JSON.stringify(rows, null, 2)
        : table(
            head,
            rows.map((r) => cells(r as never)),
          ),
    );

  const departments = builtin.command('departments').description('helpdesk departments (tickets name one by name or id)');
  withDbOption(departments.command('add').description('add a department').argument('<name>'))
    .option('--disabled', 'add it disabled (tickets for it take department_invalid)')
    .action(async (name: string, opts: DbOpt & { disabled?: boolean }) => {
      const d = await withStore(target(opts), ({ db }) => addDepartment(db, { name, enabled: !opts.disabled }));
      writeLine(io.stdout, `department "${d.name}" added (${d.enabled ? 'enabled' : 'disabled'}), id ${d.id}`);
    });
  withDbOption(departments.command('list').description('list departments'))
    .option('--json', 'print JSON')
    .action(async (opts: DbOpt) => {
      const rows = await withStore(target(opts), ({ db }) => listDepartments(db));
      print(opts, rows, ['name', 'enabled', 'id'], (d: { name: string; enabled: boolean; id: string }) => [d.name, d.enabled ? 'yes' : 'no', d.id]);
    });
  for (const enabled of [true, false]) {
    withDbOption(
      departments
        .command(enabled ? 'enable' : 'disable')
        .description(enabled ? 'enable a department' : 'disable a department (tickets for it take department_invalid)')
        .argument('<name-or-id>'),
    ).action(async (name: string, opts: DbOpt) => {
      const d = await withStore(target(opts), ({ db }) => setDepartmentEnabled(db, name, enabled));
      writeLine(io.stdout, `department "${d.name}" ${enabled ? 'enabled' : 'disabled'}`);
    });
  }

  const agents = builtin.command('agents').description('helpdesk agents (tickets name an assignee by email or id)');
  withDbOption(agents.command('add').description('add an agent').argument('<email>'))
    .requiredOption('--name <name>', "the agent's name")
    .option('--inactive', 'add the agent inactive (tickets assigned to them take assignee_invalid)')
    .action(async (email: string, opts: DbOpt & { name: string; inactive?: boolean }) => {
      const a = await withStore(target(opts), ({ db }) => addAgent(db, { email, name: opts.name, active: !opts.inactive }));
      writeLine(io.stdout, `agent ${a.email} added (${a.active ? 'active' : 'inactive'}), id ${a.id}`);
    });
  withDbOption(agents.command('list').description('list agents'))
    .option('--json', 'print JSON')
    .action(async (opts: DbOpt) => {
      const rows = await withStore(target(opts), ({ db }) => listAgents(db));
      print(opts, rows, ['email', 'name', 'active', 'id'], (a: { email: string; name: string; active: boolean; id: string }) => [
        a.email,
        a.name,
        a.active ? 'yes' : 'no',
        a.id,
      ]);
    });
  for (const active of [true, false]) {
    withDbOption(
      agents
        .command(active ? 'activate' : 'deactivate')
        .description(active ? 'make an agent active' : 'make an agent inactive (tickets assigned to them take assignee_invalid)')
        .argument('<email-or-id>'),
    ).action(async (email: string, opts: DbOpt) => {
      const a = await withStore(target(opts), ({ db }) => setAgentActive(db, email, active));
      writeLine(io.stdout, `agent ${a.email} ${active ? 'activated' : 'deactivated'}`);
    });
  }

  const lists = builtin.command('lists').description('mailing lists (subscribe blocks name one by name or id)');
  withDbOption(lists.command('add').description('add a mailing list').argument('<name>')).action(async (name: string, opts: DbOpt) => {
    const l = await withStore(target(opts), ({ db }) => addList(db, { name }));
    writeLine(io.stdout, `list "${l.name}" added, id ${l.id}`);
  });
  withDbOption(lists.command('list').description('list mailing lists'))
    .option('--json', 'print JSON')
    .action(async (opts: DbOpt) => {
      const rows = await withStore(target(opts), ({ db }) => listLists(db));
      print(opts, rows, ['name', 'id'], (l: { name: string; id: string }) => [l.name, l.id]);
    });
}
