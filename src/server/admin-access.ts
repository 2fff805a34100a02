import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { tokenOpens } from '../runtime/tokens.ts';
import type { Database } from '../store/schema.ts';
import type { AuthFailures } from './auth-failures.ts';
import { bearerToken, unauthorized } from './auth.ts';
import { ApiError } from './errors.ts';
import { checkOrigin, sessionOf } from './sessions.ts';

/** What an agent may reach of the admin API besides the inbox: the records, and a ticket's status and assignee. */
function agentMay(request: FastifyRequest): boolean {
  const path = request.routeOptions.url ?? '';
  if (!path.startsWith('/api/v1/admin/records')) return false;
  return request.method === 'GET' || (request.method === 'PATCH' && path.startsWith('/api/v1/admin/records/tickets/'));
}

/**
 * Who may use the admin API: the admin token (automation; `Authorization: Bearer`), or a signed-in
 * admin — or agent, for the records — whose cookie-authenticated writes come from Renkei's own
 * origin (CSRF). Wrong admin tokens are counted per address in `failures`: an address that sent
 * too many is refused (429) whatever token it sends next, until its window ends.
 */
export function adminAccess(db: Kysely<Database>, adminTokenHash: string, publicUrl: string | undefined, failures: AuthFailures) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    if (token !== undefined) {
      const wait = failures.refusedFor(request.ip);
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        throw failures.refusal(wait);
      }
      if (!tokenOpens(adminTokenHash, token)) {
        failures.failed(request.ip);
        reply.header('www-authenticate', 'Bearer realm="renkei-admin"');
        throw unauthorized('wrong admin token');
      }
      failures.succeeded(request.ip);
      return;
    }
    const account = await sessionOf(db, request);
    if (!account) {
      reply.header('www-authenticate', 'Bearer realm="renkei-admin"');
      throw unauthorized('the admin API needs Authorization: Bearer <admin token>, or signing in');
    }
    checkOrigin(request, publicUrl);
    if (account.role !== 'admin' && !agentMay(request)) throw new ApiError(403, 'forbidden', 'an agent account may use the inbox and the records only');
  };
}
