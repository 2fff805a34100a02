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

/** JSON values a webhook body may hold (merge fields already rendered in every string). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export const webhookRequest = z.object({
  url: z.string(),
  method: z.enum(['POST', 'PUT']),
  headers: z.record(z.string(), z.string()),
  body: jsonValue,
  /** variable name → JSON path into the response (`$.data.id`); the connector returns outputs keyed by variable. */
  save: z.record(z.string(), z.string()),
  timeoutMs: z.number().int().positive(),
});
export type WebhookRequest = z.infer<typeof webhookRequest>;
