import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hashToken } from '../../runtime/tokens.ts';
import { hashPassword, verifyPassword } from '../../secrets/passwords.ts';
import {
  acceptInvitation,
  accountForSignIn,
  clearFailures,
  failuresOf,
  invitedAccount,
  passwordHashOf,
  recordFailure,
  updateAccount,
} from '../../store/accounts.ts';
import { normalKey } from '../../store/keys.ts';
import type { Store } from '../../store/store.ts';
import { ApiError, errorBody } from '../errors.ts';
import { accountView, password } from '../schemas/accounts.ts';
import { endSession, requireAccount, sessionOf, startSession } from '../sessions.ts';

export interface AuthRoutesOptions {
  readonly store: Store;
  readonly publicUrl: string | undefined;
}

/** Failed sign-ins allowed per window: per address (a shared office counts as one), and per account. */
export const SIGN_IN_LIMITS = { windowMs: 15 * 60 * 1000, perAddress: 20, perAccount: 5 } as const;

const TAG = 'auth';
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 429: errorBody };
const credentials = z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(1000) }).strict();
const tokenParams = z.object({ token: z.string().min(20).max(200) });

/**
 * Signing in and out with an email and a password, the signed-in person's own account, a
 * password change, and accepting an invitation. The session is an HttpOnly, SameSite=Lax cookie.
 */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { store, publicUrl }) => {
  const db = store.db;

  app.post(
    '/login',
    {
      schema: {
        tags: [TAG],
        summary: 'Sign in',
        description:
          `Sets the session cookie. After ${SIGN_IN_LIMITS.perAccount} failures for one account, or ${SIGN_IN_LIMITS.perAddress} from one address, ` +
          `within ${SIGN_IN_LIMITS.windowMs / 60000} minutes, sign-ins are refused (429 with Retry-After) until the window ends.`,
        body: credentials,
        response: { 200: z.object({ account: accountView }), ...errors },
      },
    },
    async (request, reply) => {
      const now = new Date();
      const keys = [`address:${request.ip}`, `account:${normalKey(request.body.email)}`] as const;
      const counted = await failuresOf(db, keys, now, SIGN_IN_LIMITS.windowMs);
      const byAddress = counted.get(keys[0]);
      const byAccount = counted.get(keys[1]);
      const blocked =
        byAddress && byAddress.failures >= SIGN_IN_LIMITS.perAddress
          ? byAddress
          : byAccount && byAccount.failures >= SIGN_IN_LIMITS.perAccount
            ? byAccount
            : undefined;
      if (blocked) {
        const seconds = Math.max(1, Math.ceil((blocked.until.getTime() - now.getTime()) / 1000));
        reply.header('retry-after', String(seconds));
        throw new ApiError(429, 'rate_limited', `too many failed sign-ins: try again in ${Math.ceil(seconds / 60)} minutes`);
      }
      const found = await accountForSignIn(db, request.body.email);
      const ok = await verifyPassword(request.body.password, found?.passwordHash ?? null);
      if (!found || !ok || found.account.disabled) {
        for (const key of keys) await recordFailure(db, key, now, SIGN_IN_LIMITS.windowMs);
        // One message whatever was wrong: it must not tell which addresses have accounts.
        throw new ApiError(401, 'unauthorized', 'wrong email or password');
      }
      await clearFailures(db, keys[1]);
      await startSession(db, request, reply, found.account, publicUrl);
      request.account = found.account;
      return { account: found.account };
    },
  );

  app.post(
    '/logout',
    { schema: { tags: [TAG], summary: 'Sign out', description: 'Ends the session and clears its cookie.', response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await requireAccount(db, request, publicUrl);
      await endSession(db, request, reply, publicUrl);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    { schema: { tags: [TAG], summary: 'The signed-in account', response: { 200: z.object({ account: accountView }), ...errors } } },
    async (request) => {
      const account = await sessionOf(db, request);
      if (!account) throw new ApiError(401, 'unauthorized', 'not signed in');
      return { account };
    },
  );

  app.post(
    '/password',
    {
      schema: {
        tags: [TAG],
        summary: 'Change your password',
        description: 'Your other sessions end; this one stays.',
        body: z.object({ current: z.string().min(1).max(1000), password }).strict(),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const account = await requireAccount(db, request, publicUrl);
      if (!(await verifyPassword(request.body.current, (await passwordHashOf(db, account.id)) ?? null))) {
        throw new ApiError(400, 'wrong_password', 'current: that is not your current password', 'current');
      }
      await updateAccount(db, account.id, { passwordHash: await hashPassword(request.body.password) }, new Date());
      // updateAccount ended every session of the account; the browser that changed the password gets a new one.
      await startSession(db, request, reply, account, publicUrl);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/invitations/:token',
    {
      schema: {
        tags: [TAG],
        summary: 'Who an invitation is for',
        params: tokenParams,
        response: { 200: z.object({ email: z.string(), name: z.string() }), ...errors },
      },
    },
    async (request) => {
      const account = await invitedAccount(db, hashToken(request.params.token), new Date());
      if (!account) throw new ApiError(404, 'invitation_not_found', 'this invitation link is unknown, used or more than a day old: ask an admin for a new one');
      return { email: account.email, name: account.name };
    },
  );

  app.post(
    '/invitations/:token',
    {
      schema: {
        tags: [TAG],
        summary: 'Accept an invitation: choose a password and sign in',
        params: tokenParams,
        body: z.object({ password }).strict(),
        response: { 200: z.object({ account: accountView }), ...errors },
      },
    },
    async (request, reply) => {
      const account = await acceptInvitation(db, hashToken(request.params.token), await hashPassword(request.body.password), new Date());
      if (!account) throw new ApiError(404, 'invitation_not_found', 'this invitation link is unknown, used or more than a day old: ask an admin for a new one');
      await startSession(db, request, reply, account, publicUrl);
      request.account = account;
      return { account };
    },
  );
};
