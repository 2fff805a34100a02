import { z } from 'zod';

/**
 * What each integration action sends to its connector, after merge fields were rendered.
 * Empty strings mean "not given"; connectors decide what a missing value means for their service.
 * These schemas are the contract between the engine's effects and every provider.
 */
const extraFields = z.record(z.string(), z.string()).default({});

export const personRequest = z.object({
  name: z.string(),
  email: z.string(),
  phone: z.string(),
  company: z.string(),
  fields: extraFields,
});
export type LeadRequest = z.infer<typeof personRequest>;
export type ContactRequest = z.infer<typeof personRequest>;

export const dealRequest = z.object({
  name: z.string(),
  stage: z.string(),
  closingDate: z.string(),
  amount: z.string(),
  contactId: z.string(),
  fields: extraFields,
});
export type DealRequest = z.infer<typeof dealRequest>;

export const visitorContact = z.object({ name: z.string(), email: z.string(), phone: z.string() });
export type VisitorContact = z.infer<typeof visitorContact>;

export const ticketRequest = z.object({
  subject: z.string(),
  description: z.string(),
  status: z.string(),
  priority: z.string(),
  classification: z.string(),
  department: z.string(),
  assignee: z.string(),
  contact: visitorContact,
});
export type TicketRequest = z.infer<typeof ticketRequest>;

export const subscribeRequest = z.object({
  list: z.string(),
  name: z.string(),
  email: z.string(),
  phone: z.string(),
});
export type SubscribeRequest = z.infer<typeof subscribeRequest>;
