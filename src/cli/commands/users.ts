import type { Command } from 'commander';
import { hashToken, newToken } from '../../runtime/tokens.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../secrets/passwords.ts';
import { ACCOUNT_ROLES, createAccount, createInvitation, listAccounts, type AccountRole } from '../../store/accounts.ts';
import { recordAudit } from '../../store/audit.ts';
import { cliActor } from '../actor.ts';
import { withStore } from '../connectors.ts';
import { dbTarget, withDbOption } from '../db-target.ts';
import { CliError } from '../errors.ts';
import { writeLine } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { table } from '../table.ts';

const INVITATION_TTL_MS = 24 * 60 * 60 * 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface AddOptions {
  db?: string;
  email?: string;
  name?: string;
  role?: string;
  passwordStdin?: boolean;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** `renkei users add|list`: the team's accounts, from the server's machine (the first admin comes from here). */
export function registerUsers(program: Command, { io }: CommandContext): void {
  const group = program.command('users').description("the team's accounts: admins and agents who sign in to the admin app and the inbox");

  withDbOption(
    group
      .command('add')
      .description(
        'add an account; with --password-stdin it can sign in at once, else an invitation link valid for a day is printed (RENKEI_PUBLIC_URL is its origin)',
      )
      .requiredOption('--email <address>', 'the address to sign in with')
      .requiredOption('--name <name>', 'the display name visitors see in the chat')
      .option('--role <role>', `${ACCOUNT_ROLES.join(' or ')}`, 'agent')
      .option('--password-stdin', `read the password from standard input (${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters)`),
  ).action(async (opts: AddOptions) => {
    const email = (opts.email ?? '').trim();
    const name = (opts.name ?? '').trim();
    if (!EMAIL.test(email)) throw new CliError(`--email: "${email}" is not an email address`, 2);
    if (name === '' || name.length > 100) throw new CliError('--name: give a display name of 1 to 100 characters', 2);
    if (!(ACCOUNT_ROLES as readonly string[]).includes(opts.role ?? ''))
      throw new CliError(`--role: must be ${ACCOUNT_ROLES.join(' or ')}, not "${opts.role}"`, 2);
    const role = opts.role as AccountRole;
    let passwordHash: string | null = null;
    if (opts.passwordStdin) {
      const password = (await readAll(io.stdin)).replace(/\r?\n$/, '');
      if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
        throw new CliError(`the password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters (it was ${password.length})`, 2);
      }
      passwordHash = await hashPassword(password);
    }
    await withStore(dbTarget(opts.db, io.env), async (store) => {
      const account = await createAccount(store.db, { email, name, role, passwordHash }, new Date()).catch((error: unknown) => {
        throw error instanceof Error && error.name === 'StoreError' ? new CliError(error.message) : error;
      });
      await recordAudit(store.db, {
        actor: cliActor(),
        action: 'account.create',
        target: `account:${account.id}`,
        details: { email, role, invited: passwordHash === null },
      });
      writeLine(io.stdout, `added ${role} ${email} (${name})`);
      if (passwordHash === null) {
        const token = newToken();
        const expiresAt = await createInvitation(store.db, account.id, hashToken(token), new Date(), INVITATION_TTL_MS);
        const origin = io.env['RENKEI_PUBLIC_URL']?.trim() ? new URL(io.env['RENKEI_PUBLIC_URL'].trim()).origin : 'http://localhost:3000';
        writeLine(io.stdout, `invitation (choose a password; valid until ${expiresAt}): ${origin}/admin/invitation#${token}`);
      }
    });
  });

  withDbOption(group.command('list').description('list the accounts')).action(async (opts: { db?: string }) => {
    await withStore(dbTarget(opts.db, io.env), async (store) => {
      const accounts = await listAccounts(store.db);
      if (accounts.length === 0) {
        writeLine(io.stdout, 'no accounts yet: add the first admin with renkei users add --role admin --email … --name …');
        return;
      }
      writeLine(
        io.stdout,
        table(
          ['email', 'name', 'role', 'state'],
          accounts.map((a) => [a.email, a.name, a.role, a.disabled ? 'disabled' : a.hasPassword ? 'active' : 'invited']),
        ),
      );
    });
  });
}
