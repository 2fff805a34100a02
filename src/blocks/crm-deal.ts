import { z } from 'zod';
import { dealRequest } from '../vocabulary/requests.ts';
import { render } from '../vocabulary/merge-fields.ts';
import { blockCommon, PORT } from './block.ts';
import { group, map, text, variable } from './fields.ts';
import { FIELD_LABELS } from './labels.ts';
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
  label: { en: 'Associate deal', ja: '商談を関連付ける' },
  description: {
    en: 'Creates a deal in the CRM, usually linked to the contact a `crm.contact` block saved.',
    ja: 'CRM に商談を作成します。通常は `crm.contact` ブロックが保存した連絡先に結び付けます。',
  },
  schema: crmDealSchema,
  fields: {
    name: text({ en: 'Deal name', ja: '商談名' }),
    stage: text({ en: 'Stage', ja: 'ステージ' }, { values: { role: 'crm', field: 'stage' } }),
    closing_date: text(
      { en: 'Closing date', ja: '完了予定日' },
      { help: { en: 'YYYY-MM-DD once merge fields are filled in.', ja: '差し込み後に YYYY-MM-DD になる値。' } },
    ),
    amount: text({ en: 'Amount', ja: '金額' }),
    contact: text(
      { en: 'Contact id', ja: '連絡先 ID' },
      { help: { en: 'Usually `%contact_id%`, saved by a `crm.contact` block.', ja: '通常は `crm.contact` ブロックが保存した `%contact_id%`。' } },
    ),
    fields: map(FIELD_LABELS.fields),
    ports: PORT,
    save: group(FIELD_LABELS.save, { id: variable(FIELD_LABELS.id) }),
  },
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
