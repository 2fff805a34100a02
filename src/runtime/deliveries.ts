import { createHmac } from 'node:crypto';
import type { Selectable } from 'kysely';
import { request as httpRequest } from 'undici';
import type { SecretBox } from '../secrets/secret-box.ts';
import { newId } from '../store/keys.ts';
import type { EventDeliveriesTable } from '../store/schema.ts';
import type { RuntimeContext } from './context.ts';
import type { Mailer } from './mailer.ts';
import { Waker } from './notify.ts';
import type { TeamEventBody } from './team-events.ts';

/**
 * Sends the team notifications queued by team-events.ts: signed event webhooks and hand-off
 * e-mails. A delivery is claimed with a lease (a crashed process's deliveries are taken over when
 * it expires), each try is logged in event_delivery_attempts, and a failure is retried with
 * growing waits until MAX_ATTEMPTS, after which the delivery is marked failed.
 */

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;
const BATCH = 20;

/** Seconds before the next try after `attempts` failures: 5 s, 20 s, 1 min, 5 min, 15 min, 1 h, 2 h. */
const WAITS = [5, 20, 60, 300, 900, 3600, 7200];

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** A Slack-compatible incoming-webhook message for an event: `{ text }`. */
export function slackMessage(event: TeamEventBody, adminUrl: string | undefined): { text: string } {
  const d = event.data;
  const link = adminUrl && d['conversationId'] ? ` <${adminUrl}/admin/inbox?c=${String(d['conversationId'])}|open>` : '';
  switch (event.type) {
    case 'conversation.handoff':
      return { text: `:raising_hand: A visitor is waiting for a person (bot ${String(d['botId'])}, reason ${String(d['reason'] ?? '')}).${link}` };
    case 'integration.invalid':
      return { text: `:warning: An integration refused its credentials (bot ${String(d['botId'])}, block ${String(d['block'])}). Reconnect it in the admin.` };
    default:
      return {
        text: `:white_check_mark: ${event.type}: ${Object.entries(d)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ')}`,
      };
  }
}

export interface DeliveryOptions {
  readonly owner: string;
  readonly secretBox: () => SecretBox;
  readonly mailer: Mailer | undefined;
  /** RENKEI_PUBLIC_URL, for links in e-mails and Slack messages. */
  readonly publicUrl: string | undefined;
}

type Delivery = Selectable<EventDeliveriesTable>;

export class Deliveries {
  readonly #ctx: RuntimeContext;
  readonly #options: DeliveryOptions;
  readonly #waker = new Waker();
  #loop: Promise<void> | undefined;
  #off: (() => void) | undefined;

  constructor(ctx: RuntimeContext, options: DeliveryOptions) {
    this.#ctx = ctx;
    this.#options = options;
  }

  start(): void {
    this.#off ??= this.#ctx.notifier.onInbox(this.#waker.wake);
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#off?.();
    this.#waker.wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#ctx.closing.aborted) {
      try {
        while ((await this.runDue()) > 0 && !this.#ctx.closing.aborted);
      } catch (error) {
        this.#ctx.log.warn({ err: error }, 'event deliveries failed');
      }
      await this.#waker.sleep(this.#ctx.pollMs, this.#ctx.closing);
    }
  }

  /** Claims and sends the deliveries that are due; answers how many it tried. */
  async runDue(): Promise<number> {
    const now = this.#ctx.clock.now();
    const at = now.toISOString();
    const due = await this.#ctx.db
      .selectFrom('event_deliveries')
      .select('id')
      .where((eb) =>
        eb.or([eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', at)]), eb.and([eb('status', '=', 'running'), eb('lease_until', '<', at)])]),
      )
      .orderBy('next_attempt_at')
      .limit(BATCH)
      .execute();
    let tried = 0;
    for (const { id } of due) {
      const lease = new Date(now.getTime() + LEASE_MS).toISOString();
      const claimed = await this.#ctx.db
        .updateTable('event_deliveries')
        .set({ status: 'running', lease_owner: this.#options.owner, lease_until: lease, updated_at: at })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', at)]), eb.and([eb('status', '=', 'running'), eb('lease_until', '<', at)])]),
        )
        .executeTakeFirst();
      if (!claimed.numUpdatedRows) continue;
      const row = await this.#ctx.db.selectFrom('event_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      await this.#attempt(row);
      tried++;
    }
    return tried;
  }

  async #attempt(row: Delivery): Promise<void> {
    const started = this.#ctx.clock.now();
    const attempt = row.attempts + 1;
    let statusCode: number | null = null;
    let error: string | null = null;
    let permanent = false;
    try {
      if (row.channel === 'email') {
        await this.#email(row);
      } else {
        const result = await this.#post(row);
        statusCode = result.status;
        if (result.status >= 400) {
          error = `answered ${result.status}`;
          // A 4xx other than 408 and 429 will not change by asking again.
          permanent = result.status < 500 && result.status !== 408 && result.status !== 429;
        }
      }
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
      if (caught instanceof GoneWebhook) permanent = true;
    }
    const done = error === null;
    const failed = !done && (permanent || attempt >= MAX_ATTEMPTS);
    const wait = WAITS[Math.min(attempt - 1, WAITS.length - 1)]! * 1000;
    const finished = this.#ctx.clock.now();
    await this.#ctx.store.transact(async (trx) => {
      await trx
        .insertInto('event_delivery_attempts')
        .values({
          id: newId(),
          delivery_id: row.id,
          attempt,
          started_at: started.toISOString(),
          duration_ms: finished.getTime() - started.getTime(),
          status_code: statusCode,
          error: error === null ? null : error.slice(0, 500),
        })
        .execute();
      await trx
        .updateTable('event_deliveries')
        .set({
          status: done ? 'done' : failed ? 'failed' : 'pending',
          attempts: attempt,
          lease_owner: null,
          lease_until: null,
          next_attempt_at: new Date(finished.getTime() + (done || failed ? 0 : wait)).toISOString(),
          updated_at: finished.toISOString(),
        })
        .where('id', '=', row.id)
        .where('lease_owner', '=', this.#options.owner)
        .execute();
    });
  }

  async #post(row: Delivery): Promise<{ status: number }> {
    const hook = await this.#ctx.db
      .selectFrom('event_webhooks')
      .selectAll()
      .where('id', '=', row.webhook_id ?? '')
      .executeTakeFirst();
    if (!hook || hook.enabled !== 1) throw new GoneWebhook('the webhook was removed or disabled');
    const secret = this.#options.secretBox().open(hook.secret)['secret'] ?? '';
    const event = JSON.parse(row.body) as TeamEventBody;
    const body = hook.format === 'slack' ? JSON.stringify(slackMessage(event, this.#options.publicUrl)) : row.body;
    const t = Math.floor(this.#ctx.clock.now().getTime() / 1000);
    const response = await httpRequest(hook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Renkei',
        'renkei-event': event.type,
        'renkei-delivery': row.id,
        'renkei-signature': signature(secret, body, t),
      },
      body,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    await response.body.dump();
    return { status: response.statusCode };
  }

  async #email(row: Delivery): Promise<void> {
    const mailer = this.#options.mailer;
    if (!mailer) throw new GoneWebhook('SMTP is not configured any more');
    const event = JSON.parse(row.body) as TeamEventBody;
    const team = await this.#ctx.db.selectFrom('accounts').select('email').where('disabled', '=', 0).where('password_hash', 'is not', null).execute();
    if (team.length === 0) return;
    const link = this.#options.publicUrl ? `${new URL(this.#options.publicUrl).origin}/admin/inbox` : '/admin/inbox';
    await mailer.send({
      to: team.map((a) => a.email),
      subject: `Renkei: a visitor is waiting for a person / 担当者を待っているお客様がいます`,
      text:
        `A visitor of bot "${String(event.data['botId'])}" asked for a person (${String(event.data['reason'] ?? '')}).\n` +
        `Open the inbox to answer: ${link}\n\n` +
        `ボット「${String(event.data['botId'])}」のお客様が担当者との会話を希望しています（${String(event.data['reason'] ?? '')}）。\n` +
        `受信箱で対応してください: ${link}\n`,
    });
  }
}

/** The delivery cannot succeed by trying again. */
class GoneWebhook extends Error {}
