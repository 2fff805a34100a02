import type { ServiceValue } from '../../vocabulary/service-fields.ts';

const plain = (values: readonly string[]): ServiceValue[] => values.map((v) => ({ value: v, label: v }));

/** The built-in helpdesk keeps any of these as given; they are the values a helpdesk usually has. */
export const TICKET_VALUES = {
  status: plain(['Open', 'On Hold', 'Closed']),
  priority: plain(['High', 'Medium', 'Low', 'None']),
  classification: plain(['Question', 'Problem', 'Request', 'Others']),
};
