import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Mailer } from '../../runtime/mailer.ts';
import { hashToken, newToken } from '../../runtime/tokens.ts';
import { hashPassword } from '../../secrets/passwords.ts';
import {
  ACCOUNT_ROLES,
  accountById,
  createAccount,
  createInvitation,
  listAccounts,
  otherActiveAdmins,
  updateAccount,
  type Account,
} from '../../store/accounts.ts';
import type { Store } from '../../store/store.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, adminErrors } from '../schemas/admin.ts';
import { accountView, password } from '../schemas/accounts.ts';
import { publicOrigin } from '../sessions.ts';

export interface AdminUsersOptions {
  readonly store: Store;
  readonly publicUrl: string | undefined;
  readonly mailer: Mailer | undefined;
}

/** An invitation link lasts a day. */
export const INVITATION_TTL_MS = 24 * 60 * 60 * 1000;

const email = z.string().trim().email('must be an email address').max(254);
const name = z.string().trim().min(1, 'must not be empty').max(100);

const newUser = z
  .object({
    email,
    name,
    role: z.enum(ACCOUNT_ROLES),
    password: password.optional().describe('Without one, an invitation link valid for a day is made (and e-mailed when SMTP is configured).'),
  })
  .strict();

const invitationView = z.object({
  url: z.string().describe('Open it to choose a password. Shown once.'),
  expiresAt: z.string(),
  emailed: z.boolean().describe('Whether it was sent to the address (SMTP configured); else copy it to the person.'),
});

const created = z.object({ account: accountView, invitation: invitationView.nullable() });
const idParams = z.object({ id: z.string().min(1).max(100) });

/** The team's accounts: list, add (with a password, or an invitation), change, disable. Admins only. */
export const adminUsersRoutes: FastifyPluginAsyncZod<AdminUsersOptions> = async (app, { store, publicUrl, mailer }) => {
  async function invite(origin: string, account: Account): Promise<z.infer<typeof invitationView>> {
    const token = newToken();
    const expiresAt = await createInvitation(store.db, account.id, hashToken(token), new Date(), INVITATION_TTL_MS);
    const url = `${origin}/admin/invitation#${token}`;
    let emailed = false;
    if (mailer) {
      await mailer.send({
        to: [account.email],
        subject: 'Renkei: you are invited to the team / チームへの招待',
        text:
          `Hello ${account.name},\n\nChoose a password to join the team on Renkei (the link works for a day):\n${url}\n\n` +
          `${account.name} さん\n\nRenkei のチームに参加するには、次のリンクからパスワードを設定してください（有効期限は 1 日です）:\n${url}\n`,
      });
      emailed = true;
    }
    return { url, expiresAt, emailed };
  }

  app.get(
    '/users',
    { schema: { ...ADMIN, summary: "The team's accounts", response: { 200: z.object({ users: z.array(accountView) }), ...adminErrors } } },
    async () => ({
      users: await listAccounts(store.db),
    }),
  );

  app.post(
    '/users',
    {
      schema: {
        ...ADMIN,
        summary: 'Add an admin or an agent',
        description:
          'With `password` the account can sign in at once; without, the answer holds an invitation link valid for a day. Recorded in the audit log.',
        body: newUser,
        response: { 201: created, ...adminErrors },
      },
    },
    async (request, reply) => {
      const { password: chosen, ...fields } = request.body;
      const account = await createAccount(store.db, { ...fields, passwordHash: chosen === undefined ? null : await hashPassword(chosen) }, new Date());
      const invitation = chosen === undefined ? await invite(publicOrigin(request, publicUrl), account) : null;
      return reply.code(201).send({ account, invitation });
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        ...ADMIN,
        summary: 'Change, disable or enable an account',
        description: 'Disabling ends its sessions. The last enabled admin can be neither disabled nor made an agent (409). Recorded in the audit log.',
        params: idParams,
        body: z.object({ name: name.optional(), role: z.enum(ACCOUNT_ROLES).optional(), disabled: z.boolean().optional() }).strict(),
        response: { 200: accountView, ...adminErrors },
      },
    },
    async (request) => {
      const current = await accountById(store.db, request.params.id);
      if (!current) throw new ApiError(404, 'not_found', `there is no account ${request.params.id}`);
      const losesAdmin = current.role === 'admin' && !current.disabled && (request.body.disabled === true || request.body.role === 'agent');
      if (losesAdmin && (await otherActiveAdmins(store.db, current.id)) === 0) {
        throw new ApiError(409, 'last_admin', 'this is the last enabled admin: make another admin first', request.body.disabled ? 'disabled' : 'role');
      }
      return updateAccount(store.db, current.id, request.body, new Date());
    },
  );

  app.post(
    '/users/:id/invitation',
    {
      schema: {
        ...ADMIN,
        summary: 'A new invitation link for an account (to set or reset its password)',
        params: idParams,
        response: { 201: invitationView, ...adminErrors },
      },
    },
    async (request, reply) => {
      const account = await accountById(store.db, request.params.id);
      if (!account) throw new ApiError(404, 'not_found', `there is no account ${request.params.id}`);
      return reply.code(201).send(await invite(publicOrigin(request, publicUrl), account));
    },
  );
};
