import { z } from 'zod';
import { personRequest } from '../vocabulary/requests.ts';
import { blockCommon, PORT } from './block.ts';
import { group, variable } from './fields.ts';
import { FIELD_LABELS } from './labels.ts';
import { defineIntegration, outputSaveSchema, portsSchema, savedOutputs } from './integration.ts';
import { PERSON_FIELDS, PERSON_INPUTS, personInputs, renderPerson } from './person.ts';

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
  label: { en: 'Associate lead', ja: '見込み客を関連付ける' },
  description: {
    en: 'Creates a lead in the CRM from what the visitor told the bot; an existing lead with the same email takes `already_exists`.',
    ja: '訪問者の回答から CRM に見込み客を作成します。同じメールの見込み客がすでにあれば `already_exists` に進みます。',
  },
  schema: crmLeadSchema,
  fields: {
    ...PERSON_FIELDS,
    ports: PORT,
    save: group(FIELD_LABELS.save, { id: variable(FIELD_LABELS.id) }),
  },
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
