import { z } from 'zod';
import { personRequest } from '../vocabulary/requests.ts';
import { blockCommon } from './block.ts';
import { defineIntegration, outputSaveSchema, portsSchema, savedOutputs } from './integration.ts';
import { PERSON_INPUTS, personInputs, renderPerson } from './person.ts';

const SPECIFIC_PORTS = ['integration_invalid'] as const;
const OUTPUTS = ['id'] as const;

export const crmContactSchema = z.strictObject({
  type: z.literal('crm.contact'),
  ...blockCommon,
  // The contact's name input takes the key `name`, so these blocks are labelled by their id.
  ...personInputs,
  ports: portsSchema(SPECIFIC_PORTS),
  save: outputSaveSchema(OUTPUTS),
});
export type CrmContactConfig = z.output<typeof crmContactSchema>;

export const crmContact = defineIntegration({
  type: 'crm.contact',
  schema: crmContactSchema,
  integration: {
    role: 'crm',
    specificPorts: SPECIFIC_PORTS,
    outputs: OUTPUTS,
    announces: 'contact.created',
    request: personRequest,
    call: (connectors, request, ctx) => connectors.crm.createContact(request, ctx),
  },
  inputs: PERSON_INPUTS,
  render: renderPerson,
  savedVariables: (config) => Object.values(config.save ?? {}).filter((v) => v !== undefined),
  saved: (config, outputs) => savedOutputs(config.save, outputs),
});
