import { randomUUID } from 'node:crypto';
import type { DealRequest, LeadRequest, SubscribeRequest, TicketRequest } from '../../vocabulary/requests.ts';
import type { CallContext } from '../../vocabulary/roles.ts';

/** A call context with a fresh effect id (each call a new effect unless the test says otherwise). */
export function callContext(overrides: Partial<CallContext> = {}): CallContext {
  return { effectId: randomUUID(), botId: 'test-bot', locale: 'en', ...overrides };
}

export const person = (r: Partial<LeadRequest> = {}): LeadRequest => ({
  name: '',
  email: '',
  phone: '',
  company: '',
  fields: {},
  ...r,
});

export const deal = (r: Partial<DealRequest> = {}): DealRequest => ({
  name: '',
  stage: '',
  closingDate: '',
  amount: '',
  contactId: '',
  fields: {},
  ...r,
});

export const ticket = (r: Partial<TicketRequest> = {}): TicketRequest => ({
  subject: '',
  description: '',
  status: '',
  priority: '',
  classification: '',
  department: '',
  assignee: '',
  contact: { name: '', email: '', phone: '' },
  ...r,
});

export const subscription = (r: Partial<SubscribeRequest> = {}): SubscribeRequest => ({
  list: '',
  name: '',
  email: '',
  phone: '',
  ...r,
});
