/**
 * What a site embedding the widget may hear about a record a conversation created (`Renkei.on`),
 * with the block's outputs (`id`, `number`) as its data. No imports: the widget bundles this.
 */
export const RECORD_EVENTS = ['lead.created', 'contact.created', 'deal.created', 'ticket.created', 'subscriber.added'] as const;
export type RecordEvent = (typeof RECORD_EVENTS)[number];
