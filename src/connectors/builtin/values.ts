import type { ServiceFieldRef, ServiceValue } from '../../vocabulary/service-fields.ts';

const plain = (values: readonly string[]): ServiceValue[] => values.map((v) => ({ value: v, label: v }));

/** The built-in helpdesk keeps any of these as given; they are the values a helpdesk usually has. */
export const TICKET_VALUES = {
  status: plain(['Open', 'On Hold', 'Closed']),
  priority: plain(['High', 'Medium', 'Low', 'None']),
  classification: plain(['Question', 'Problem', 'Request', 'Others']),
};

/**
 * What publishing checks a choice's values against (see flow/choice-values.ts): a helpdesk's
 * status, priority and classification are these words for the built-in store and for Zoho Desk's
 * default layout alike; directory values (departments, agents, lists) are checked by the builder.
 */
export const knownTicketValues = (ref: ServiceFieldRef): readonly string[] =>
  ref.role === 'helpdesk' && (ref.field === 'status' || ref.field === 'priority' || ref.field === 'classification')
    ? TICKET_VALUES[ref.field].map((v) => v.value)
    : [];
