import type { Transaction } from 'kysely';
import { newId } from '../store/keys.ts';
import { hotQuery } from '../store/kysely/hot-query.ts';
import type { Database } from '../store/schema.ts';
import type { TeamEvent } from '../vocabulary/team-events.ts';

/**
 * Queues a team notification inside the transaction that made it happen (the turn that handed
 * off or created the record), so it is sent exactly when that commits: one delivery per event
 * webhook that wants the event, and for a hand-off one e-mail to the team when SMTP is configured.
 * The delivery worker (deliveries.ts) sends them with retries.
 *
 * `data` carries ids, numbers and the bot's own words (a hand-off's reason) — never what the
 * visitor typed: a webhook's receiver looks the rest up (personal-data/holders.ts relies on this).
 */
export interface TeamEventBody {
  readonly id: string;
  readonly type: TeamEvent;
  readonly createdAt: string;
  readonly data: Readonly<Record<string, string | number | null>>;
}

/** Read by every turn that tells the team (each record an integration creates): compiled once. */
const enabledWebhooks = hotQuery<{ id: string; events: string }>((db, [enabled]) =>
  db
    .selectFrom('event_webhooks')
    .select(['id', 'events'])
    .where('enabled', '=', enabled as number),
);

export async function queueTeamEvent(
  trx: Transaction<Database>,
  type: TeamEvent,
  data: TeamEventBody['data'],
  now: Date,
  options: { readonly email: boolean },
): Promise<void> {
  const at = now.toISOString();
  const body: TeamEventBody = { id: newId(), type, createdAt: at, data };
  const json = JSON.stringify(body);
  const { rows: hooks } = await enabledWebhooks(trx, [1]);
  const rows: { channel: 'webhook' | 'email'; webhook_id: string | null }[] = hooks
    .filter((hook) => (JSON.parse(hook.events) as string[]).includes(type))
    .map((hook) => ({ channel: 'webhook', webhook_id: hook.id }));
  if (options.email && type === 'conversation.handoff') rows.push({ channel: 'email', webhook_id: null });
  if (rows.length === 0) return;
  await trx
    .insertInto('event_deliveries')
    .values(
      rows.map((row) => ({
        id: newId(),
        channel: row.channel,
        webhook_id: row.webhook_id,
        event_id: body.id,
        type,
        body: json,
        status: 'pending' as const,
        attempts: 0,
        lease_owner: null,
        lease_until: null,
        next_attempt_at: at,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
}
