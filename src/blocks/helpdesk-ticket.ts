import { z } from 'zod';
import { ticketRequest } from '../vocabulary/requests.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { blockCommon, PORT } from './block.ts';
import { group, longText, text, variable } from './fields.ts';
import { FIELD_LABELS } from './labels.ts';
import { defineIntegration, outputSaveSchema, portsSchema, savedOutputs } from './integration.ts';

const SPECIFIC_PORTS = ['integration_invalid', 'department_invalid', 'assignee_invalid'] as const;
const OUTPUTS = ['id', 'number'] as const;

/** Empty means "not given": the helpdesk applies its own default (first department, no assignee …). */
const optionalText = z.string().default('');

export const helpdeskTicketSchema = z.strictObject({
  type: z.literal('helpdesk.ticket'),
  ...blockCommon,
  subject: z.string().min(1),
  description: optionalText,
  /** Open / On Hold / Closed, or a variable. */
  status: optionalText,
  /** High / Medium / Low / None, or a variable (often a choice's answer). */
  priority: optionalText,
  /** Question / Problem / Request / Others, or a variable. */
  classification: optionalText,
  /** A department name or id, resolved by the connector. */
  department: optionalText,
  /** An agent id or email. */
  assignee: optionalText,
  ports: portsSchema(SPECIFIC_PORTS),
  save: outputSaveSchema(OUTPUTS),
});
export type HelpdeskTicketConfig = z.output<typeof helpdeskTicketSchema>;

export const helpdeskTicket = defineIntegration({
  type: 'helpdesk.ticket',
  label: { en: 'Associate ticket', ja: '問い合わせを関連付ける' },
  description: {
    en: 'Opens a ticket in the helpdesk with the visitor as its contact; a department or assignee the helpdesk does not know has its own port.',
    ja: '訪問者を連絡先としてヘルプデスクにチケットを作成します。存在しない部門や担当者にはそれぞれのポートがあります。',
  },
  schema: helpdeskTicketSchema,
  fields: {
    name: text(FIELD_LABELS.name),
    subject: text({ en: 'Subject', ja: '件名' }),
    description: longText({ en: 'Description', ja: '説明' }),
    status: text({ en: 'Status', ja: 'ステータス' }, { values: { role: 'helpdesk', field: 'status' } }),
    priority: text({ en: 'Priority', ja: '優先度' }, { values: { role: 'helpdesk', field: 'priority' } }),
    classification: text({ en: 'Classification', ja: '分類' }, { values: { role: 'helpdesk', field: 'classification' } }),
    department: text({ en: 'Department', ja: '部門' }, { values: { role: 'helpdesk', field: 'department' } }),
    assignee: text({ en: 'Assignee', ja: '担当者' }, { values: { role: 'helpdesk', field: 'assignee' } }),
    ports: PORT,
    save: group(FIELD_LABELS.save, { id: variable(FIELD_LABELS.id), number: variable(FIELD_LABELS.number) }),
  },
  integration: {
    role: 'helpdesk',
    specificPorts: SPECIFIC_PORTS,
    outputs: OUTPUTS,
    announces: 'ticket.created',
    request: ticketRequest,
    call: (connectors, request, ctx) => connectors.helpdesk.createTicket(request, ctx),
  },
  inputs: ['subject', 'description', 'status', 'priority', 'classification', 'department', 'assignee'],
  render: (config, vars) => ({
    subject: render(config.subject, vars),
    description: render(config.description, vars),
    status: render(config.status, vars),
    priority: render(config.priority, vars),
    classification: render(config.classification, vars),
    department: render(config.department, vars),
    assignee: render(config.assignee, vars),
    // The visitor is the ticket's contact, always, as in the reference product.
    contact: {
      name: vars['visitor.name'] ?? '',
      email: vars['visitor.email'] ?? '',
      phone: vars['visitor.phone'] ?? '',
    },
  }),
  savedVariables: (config) => Object.values(config.save ?? {}).filter((v) => v !== undefined),
  saved: (config, outputs) => savedOutputs(config.save, outputs),
});
