import { z } from 'zod';
import { personRequest } from '../vocabulary/requests.ts';
import { blockCommon, PORT } from './block.ts';
import { group, variable } from './fields.ts';
import { FIELD_LABELS } from './labels.ts';
import { defineIntegration, outputSaveSchema, portsSchema, savedOutputs } from './integration.ts';
import { PERSON_FIELDS, PERSON_INPUTS, personInputs, renderPerson } from './person.ts';

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
  label: { en: 'Associate contact', ja: '連絡先を関連付ける' },
  description: {
    en: 'Creates a contact in the CRM, or finds the existing one with the same email, and continues down `success` either way.',
    ja: 'CRM に連絡先を作成します。同じメールの連絡先がすでにあればそれを使い、どちらの場合も `success` に進みます。',
  },
  schema: crmContactSchema,
  fields: {
    ...PERSON_FIELDS,
    ports: PORT,
    save: group(FIELD_LABELS.save, { id: variable(FIELD_LABELS.id) }),
  },
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
