import { z } from 'zod';
import { personRequest } from '../vocabulary/requests.ts';
import { blockCommon } from './block.ts';
import { defineIntegration, outputSaveSchema, portsSchema, savedOutputs } from './integration.ts';
import { PERSON_INPUTS, personInputs, renderPerson } from './person.ts';

const SPECIFIC_PORTS = ['integration_invalid', 'already_exists'] as const;
const OUTPUTS = ['id'] as const;

export const crmLeadSchema = z.strictObject({
  type: z.literal('crm.lead'),
  ...blockCommon,
  // The lead's name input takes the key `name`, so these blocks are labelled by their id.
  ...personInputs,
  ports: portsSchema(SPECIFIC_PORTS),
  save: outputSaveSchema(OUTPUTS),
});
export type CrmLeadConfig = z.output<typeof crmLeadSchema>;

export const crmLead = defineIntegration({
  type: 'crm.lead',
  schema: crmLeadSchema,
  integration: {
    role: 'crm',
    specificPorts: SPECIFIC_PORTS,
    outputs: OUTPUTS,
    announces: 'lead.created',
    request: personRequest,
    call: (connectors, request, ctx) => connectors.crm.createLead(request, ctx),
  },
  inputs: PERSON_INPUTS,
  render: renderPerson,
  savedVariables: (config) => Object.values(config.save ?? {}).filter((v) => v !== undefined),
  saved: (config, outputs) => savedOutputs(config.save, outputs),
});
