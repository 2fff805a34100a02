import type { Kysely } from 'kysely';
import { failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { SubscribeRequest } from '../../vocabulary/requests.ts';
import type { CallContext, MailingConnector } from '../../vocabulary/roles.ts';
import { findList } from '../../store/directory.ts';
import { emailKey, newId, nowIso, optional } from '../../store/keys.ts';
import type { Database } from '../../store/schema.ts';
import { effectKey } from './effect-key.ts';

/**
 * A subscriber is one email on one list (unique index on list + email key): subscribing again
 * succeeds and changes nothing, as a mailing service treats a visitor already on the list.
 */
async function subscribe(db: Kysely<Database>, req: SubscribeRequest, ctx: CallContext): Promise<Outcome> {
  const listName = optional(req.list);
  if (listName === null) return failure('no mailing list is given');
  const email = optional(req.email);
  const key = email === null ? null : emailKey(email);
  if (email === null || key === null) return failure("the subscriber's email is empty");
  const list = await findList(db, listName);
  if (!list) return failure(`no mailing list is named "${listName}" or has that id`);
  await db
    .insertInto('subscribers')
    .values({
      id: newId(),
      list_id: list.id,
      name: optional(req.name),
      email,
      email_key: key,
      phone: optional(req.phone),
      bot_id: optional(ctx.botId),
      effect_id: effectKey(ctx),
      created_at: nowIso(),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return success({ status: 'subscribed' });
}

export function builtinMailing(db: Kysely<Database>): MailingConnector {
  return { subscribe: (req, ctx) => subscribe(db, req, ctx) };
}
