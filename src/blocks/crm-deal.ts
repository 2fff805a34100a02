import { z } from 'zod';
import { dealRequest } from '../vocabulary/requests.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { blockCommon } from './block.ts';
import { defineIntegration, outputSaveSchema, portsSchema, renderAll, savedOutputs, templateMap } from './integration.ts';

const SPECIFIC_PORTS = ['integration_invalid'] as const;
const OUTPUTS = ['id'] as const;

export const crmDealSchema = z.strictObject({
  type: z.literal('crm.deal'),
  ...blockCommon,
  // The deal's name input takes the key `name`, so these blocks are labelled by their id.
  name: z.string().min(1),
  stage: z.string().min(1),
  /** YYYY-MM-DD once rendered (a date answer is stored that way). */
  closing_date: z.string().default(''),
  amount: z.string().default(''),
  /** A contact id, usually `%contact_id%` saved by a crm.contact block. */
  contact: z.string().default(''),
  fields: templateMap.default({}),
  ports: portsSchema(SPECIFIC_PORTS),
  save: outputSaveSchema(OUTPUTS),
});
export type CrmDealConfig = z.output<typeof crmDealSchema>;

export const crmDeal = defineIntegration({
  type: 'crm.deal',
  schema: crmDealSchema,
  integration: {
    role: 'crm',
    specificPorts: SPECIFIC_PORTS,
    outputs: OUTPUTS,
    announces: 'deal.created',
    request: dealRequest,
    call: (connectors, request, ctx) => connectors.crm.createDeal(request, ctx),
  },
  inputs: ['name', 'stage', 'closing_date', 'amount', 'contact', 'fields'],
  render: (config, vars) => ({
    name: render(config.name, vars),
    stage: render(config.stage, vars),
    closingDate: render(config.closing_date, vars),
    amount: render(config.amount, vars),
    contactId: render(config.contact, vars),
    fields: renderAll(config.fields, vars),
  }),
  savedVariables: (config) => Object.values(config.save ?? {}).filter((v) => v !== undefined),
  saved: (config, outputs) => savedOutputs(config.save, outputs),
});
