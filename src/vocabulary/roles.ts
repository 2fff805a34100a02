import type { Outcome } from './outcome.ts';
import type { ContactRequest, DealRequest, LeadRequest, SubscribeRequest, TicketRequest, WebhookRequest } from './requests.ts';

export const ROLES = ['crm', 'helpdesk', 'mailing'] as const;
export type Role = (typeof ROLES)[number];

/** Passed to every connector call by whoever runs the effect (CLI inline, or the runtime's worker). */
export interface CallContext {
  /** Stable id of the effect: the same on every retry, so a provider can recognise a repeat. */
  readonly effectId: string;
  readonly botId: string;
  /** The bot's locale; name order for CRMs depends on it. */
  readonly locale: 'en' | 'ja';
  /** Aborted when the block's deadline passes or the process shuts down. */
  readonly signal?: AbortSignal;
  /** True when an earlier attempt of this effect may have reached the service (unknown outcome). */
  readonly retryOfUnknown?: boolean;
  /**
   * When the effect's first attempt started (epoch ms). A provider looking for a record that an
   * earlier attempt may have created searches from here; without it, a provider assumes a window.
   */
  readonly startedAt?: number;
  /**
   * When the block's time runs out (epoch ms): the caller aborts `signal` then. A provider that
   * retries plans its waits to fit, so its last try still happens and its last error is the one
   * reported, instead of being cut off while it sleeps.
   */
  readonly deadline?: number;
}

export interface CrmConnector {
  createLead(req: LeadRequest, ctx: CallContext): Promise<Outcome>;
  createContact(req: ContactRequest, ctx: CallContext): Promise<Outcome>;
  createDeal(req: DealRequest, ctx: CallContext): Promise<Outcome>;
}

export interface HelpdeskConnector {
  createTicket(req: TicketRequest, ctx: CallContext): Promise<Outcome>;
}

export interface MailingConnector {
  subscribe(req: SubscribeRequest, ctx: CallContext): Promise<Outcome>;
}

/** Outputs of a successful call are keyed by the variable names of the request's `save`. */
export interface WebhookConnector {
  call(req: WebhookRequest, ctx: CallContext): Promise<Outcome>;
}

/** Everything an effect can be run against: one connector per role, plus the webhook caller. */
export interface RoleConnectors {
  crm: CrmConnector;
  helpdesk: HelpdeskConnector;
  mailing: MailingConnector;
  webhook: WebhookConnector;
}
